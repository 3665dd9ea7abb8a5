"""/match/: the company profile (in the query string) and the listings it can use, with reasons."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from subsidies import clock, listing_index
from subsidies.filters import ListingFilter
from subsidies.models import ApplicationStatus, Subsidy
from subsidies.vocabulary import Vocabulary

from . import services
from .forms import ProfileForm


@require_GET
def match_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    vocabulary = Vocabulary()
    form = ProfileForm(request.GET, vocabulary=vocabulary)
    applicant = form.applicant()
    listing = ListingFilter(request.GET, now=now, vocabulary=vocabulary)
    groups = None
    if not applicant.is_empty:
        groups = services.match(applicant, listing, listing_index.current(), now=now)
    context = {
        "form": form,
        "filter": listing,
        "notes": listing.notes,
        "groups": groups,
        "total": services.total(groups) if groups else 0,
        "profile_query": form.query(),
        "status_labels": [ApplicationStatus(s).label for s in listing.statuses],
        "statuses": ApplicationStatus.choices,
        "now": now,
        "choice_fields": ("pref", "biz", "form"),
    }
    return render(request, "matching/match.html", context)


@require_GET
def verdict_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The fit box of one listing for the profile in the query string (the detail page's script asks for it
    with the profile kept in the browser)."""
    vocabulary = Vocabulary()
    form = ProfileForm(request.GET, vocabulary=vocabulary)
    applicant = form.applicant()
    subsidy = (
        Subsidy.objects.published()
        .filter(pk=pk)
        .select_related("eligibility")
        .prefetch_related("regions")
        .first()
    )
    if subsidy is None:
        raise Http404("補助金が見つかりません。")
    result = (
        None
        if applicant.is_empty
        else services.verdict(applicant, subsidy, listing_index.current(), vocabulary)
    )
    context = {
        "result": result,
        "subsidy": subsidy,
        "profile_query": form.query(),
        "checklist_url": services.prefilled_checklist_url(result),
    }
    return render(request, "matching/_verdict.html", context)
