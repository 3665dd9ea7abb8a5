"""``{% load checklists %}{% checklist subsidy %}``: the checklist section of the detail page."""

from django import template

from subsidies import clock

from ..items import build_checklist, evaluate

register = template.Library()


@register.inclusion_tag("checklists/_checklist.html", takes_context=True)
def checklist(context, subsidy, now=None):
    """Unticked on the server (the browser restores the ticks); the form submits to the standalone page.

    Reads the listing's prefetched ``requirements``, ``expenses`` and ``documents`` and its ``organization``;
    one query of its own (the shared requirements). ``now`` defaults to the page's ``now``.
    """
    now = now or context.get("now") or clock.now()
    built = build_checklist(subsidy, on=now)
    return {"subsidy": subsidy, "checklist": built, "evaluation": evaluate(built, ()), "standalone": False}
