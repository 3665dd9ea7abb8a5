"""``{% load checklists %}{% checklist subsidy %}``: the checklist section of the detail page."""

from django import template
from django.db.models import Prefetch, prefetch_related_objects

from subsidies import clock
from subsidies.models import SubsidyExpense

from ..items import build_checklist, evaluate

register = template.Library()


@register.inclusion_tag("checklists/_checklist.html", takes_context=True)
def checklist(context, subsidy, now=None):
    """Unticked on the server (the browser restores the ticks); the form submits to the standalone page.

    Fetches the listing's ``requirements``, ``expenses`` and ``documents`` unless the page already prefetched
    them (one query each at most), plus one query of its own (the shared requirements). ``now`` defaults to
    the page's ``now``.
    """
    # Expenses come with their category, as other sections of the page (the comparison table) read it.
    expenses = Prefetch("expenses", queryset=SubsidyExpense.objects.select_related("category"))
    prefetch_related_objects([subsidy], "requirements", expenses, "documents")
    now = now or context.get("now") or clock.now()
    built = build_checklist(subsidy, on=now)
    return {"subsidy": subsidy, "checklist": built, "evaluation": evaluate(built, ()), "standalone": False}
