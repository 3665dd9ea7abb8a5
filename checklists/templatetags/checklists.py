"""``{% load checklists %}{% checklist subsidy %}``: the checklist section of the detail page."""

import datetime

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from subsidies import clock, fragments, versioning
from subsidies.models import Subsidy, SubsidyExpense

from ..items import build_checklist, evaluate

register = template.Library()


@register.simple_tag(takes_context=True)
def checklist(context, subsidy, now=None):
    """Unticked on the server (the browser restores the ticks); the form submits to the standalone page.

    The rendered section is cached (``subsidies.fragments``) under the listing's version and the site's
    content version (a shared requirement's edit changes it), until the next JST midnight (「残りN日」) or the
    listing's next status change, whichever comes first. Rebuilding it reads the listing's ``requirements``,
    ``expenses`` and ``documents`` (one query each) and the shared requirements (one query). ``now``
    defaults to the page's ``now``.
    """
    now = now or context.get("now") or clock.now()
    # The "v2" changes whenever the section's markup does, so a deploy never serves the old HTML from a shared cache.
    key = f"checklists:section:v2:{versioning.stamp(subsidy)}"
    return fragments.cached_html(
        key, now=now, context=context, build=lambda expiry: _render(subsidy, now=now, expiry=expiry)
    )


def _render(subsidy: Subsidy, *, now: datetime.datetime, expiry: fragments.Expiry) -> str:
    # Expenses come with their category, as other sections of the page (the comparison table) read it.
    expenses = Prefetch("expenses", queryset=SubsidyExpense.objects.select_related("category"))
    prefetch_related_objects([subsidy], "requirements", expenses, "documents")
    built = build_checklist(subsidy, on=now)
    expiry.shows(subsidy)
    return render_to_string(
        "checklists/_checklist.html",
        {"subsidy": subsidy, "checklist": built, "evaluation": evaluate(built, ()), "standalone": False},
    )
