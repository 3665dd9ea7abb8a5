"""``{% load matching %}{% match_verdict subsidy %}``: the top of the detail page says whether the listing fits
the visitor's company profile, and why.

With the profile in the query string (a link from /match/ carries it) the box is rendered on the server: the
detail page renders a request with a query string instead of serving its cached copy. Without one the tag
renders an empty, hidden placeholder — the same for every visitor, so the cached page stays shared — that
``matching.js`` fills from ``/match/verdict/<pk>/`` with the profile kept in the browser (localStorage).
"""

from django import template
from django.template.loader import render_to_string

from subsidies import listing_index
from subsidies.vocabulary import Vocabulary

from .. import services
from ..forms import PROFILE_FIELDS, ProfileForm

register = template.Library()


@register.simple_tag(takes_context=True)
def match_verdict(context, subsidy):
    request = context.get("request")
    query = getattr(request, "GET", None)
    if not query or not any(query.get(name) for name in PROFILE_FIELDS):
        return render_to_string("matching/_verdict_slot.html", {"subsidy": subsidy})
    vocabulary = Vocabulary()
    form = ProfileForm(query, vocabulary=vocabulary)
    applicant = form.applicant()
    result = None
    if not applicant.is_empty:
        result = services.verdict(applicant, subsidy, listing_index.current(), vocabulary)
    return render_to_string(
        "matching/_verdict_slot.html",
        {
            "subsidy": subsidy,
            "result": result,
            "profile_query": form.query(),
            "checklist_url": services.prefilled_checklist_url(result),
            "rendered": True,
        },
    )
