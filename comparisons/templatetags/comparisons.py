"""The comparison app's pieces on other apps' pages: the similar table and the 「比較に追加」 button."""

from django import template
from django.db.models import prefetch_related_objects

from subsidies import clock

from ..links import compare_url
from ..selection import MAX_COLUMNS, parse_ids
from ..similarity import related_prefetches, similar_subsidies
from ..table import Column, build_table, status_of

register = template.Library()


@register.inclusion_tag("comparisons/_similar_table.html", takes_context=True)
def similar_table(context, subsidy):
    """The listing beside its most similar listings: 5 queries, and 4 more for the listing's own relations
    unless the page prefetched them (``related_prefetches``)."""
    prefetch_related_objects([subsidy], *related_prefetches())
    now = context.get("now") or clock.now()
    similar = similar_subsidies(subsidy, on=now)
    columns = [Column(subsidy, subsidy.status(at=now), is_self=True)]
    columns += [
        Column(item.subsidy, status_of(item.subsidy, on=now), reasons=item.reasons) for item in similar
    ]
    return {"subsidy": subsidy, "table": build_table(columns, on=now), "has_similar": bool(similar)}


@register.inclusion_tag("comparisons/_compare_button.html", takes_context=True)
def compare_button(context, subsidy):
    """A link that adds ``subsidy`` to the comparison; compare.js turns it into a tray toggle.

    Without JavaScript the pick travels in the URL: the listing page reached from /compare/ carries
    ``?compare=1,2``, and the button links to ``/compare/?ids=1,2&add=3``.
    """
    request = context.get("request")
    picked, _ = parse_ids(request.GET.getlist("compare")) if request else ([], [])
    picked = [pk for pk in picked if pk != subsidy.pk][: MAX_COLUMNS - 1]
    return {"subsidy": subsidy, "href": compare_url(picked, add=subsidy.pk), "compare_base": compare_url([])}
