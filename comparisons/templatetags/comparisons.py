"""The comparison app's pieces on other apps' pages: the similar table and the 「比較に追加」 button."""

import datetime

from django import template
from django.template.loader import render_to_string

from subsidies import clock, fragments, listing_index, versioning
from subsidies.models import Subsidy

from ..links import compare_url
from ..selection import MAX_COLUMNS, parse_ids
from ..similarity import Terms, similar_subsidies
from ..table import Column, build_table, status_of

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_table(context, subsidy):
    """The listing beside its most similar listings.

    The rendered table is cached (``subsidies.fragments``) under the listing's version and the site's content
    version (an edit of any listing changes it, so the other columns' values are never stale), until the next
    JST hour (the ranking's own cache period, see ``similar_subsidies``) or the next status change of any
    listing in it, whichever comes first. Rebuilding it makes one query (the similar listings' rows) when the
    ranking is cached, none when nothing is similar; every listing's terms come from the listing index.
    """
    now = context.get("now") or clock.now()
    key = f"comparisons:similar-table:v1:{versioning.stamp(subsidy)}"
    return fragments.cached_html(
        key, now=now, context=context, build=lambda expiry: _render(subsidy, now=now, expiry=expiry)
    )


def _render(subsidy: Subsidy, *, now: datetime.datetime, expiry: fragments.Expiry) -> str:
    similar = similar_subsidies(subsidy, on=now)
    mine = Terms.of(subsidy.pk, listing_index.current(versioning.token_of(subsidy)))
    columns = [Column(subsidy, subsidy.status(at=now), mine, is_self=True)]
    columns += [
        Column(item.subsidy, status_of(item.subsidy, on=now), item.terms, reasons=item.reasons)
        for item in similar
    ]
    expiry.not_after(clock.next_hour(now))
    for column in columns:
        expiry.shows(column.subsidy)
    context = {"subsidy": subsidy, "table": build_table(columns, on=now), "has_similar": bool(similar)}
    return render_to_string("comparisons/_similar_table.html", context)


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
