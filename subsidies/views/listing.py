"""The listing, home and landing pages."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from subsidies import clock, search
from subsidies.filters import (
    SORTS,
    ListingFilter,
    Vocabulary,
    facet_counts,
    keyword_relaxation_count,
    relaxations,
)
from subsidies.models import ApplicationStatus, Purpose, Region, Subsidy

PAGE_SIZE = 20
HOME_ROWS = 6


class CountedPaginator(Paginator):
    """A paginator whose total is already known (from the status facet), so it does not count again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _card_queryset(queryset):
    return queryset.select_related("organization").prefetch_related("regions").defer("body")


def listing_context(request: HttpRequest, *, fixed=None) -> dict:
    """Everything the listing template shows: filters, facets, one page of cards, notes and suggestions."""
    now = clock.now()
    listing = ListingFilter(request.GET, now=now, vocabulary=Vocabulary(), fixed=fixed)
    with search.planner_settings(listing.terms):
        counts = facet_counts(listing)
        rows = _card_queryset(listing.qs) if counts.total else Subsidy.objects.none()
        paginator = CountedPaginator(rows, PAGE_SIZE, count=counts.total)
        try:
            page = paginator.page(listing.data.get("page") or 1)
        except PageNotAnInteger:
            listing.notes.append("ページの指定が正しくないため、1ページ目を表示しています。")
            page = paginator.page(1)
        except EmptyPage:
            # Raised after the block: an exception inside it would roll back the enclosing transaction.
            page = None
        if page is not None:
            page.object_list = list(page.object_list) if counts.total else []
        without_q = keyword_relaxation_count(listing) if not counts.total and listing.terms else None
    if page is None:
        raise Http404("ページが見つかりません。")
    params = listing.data.copy()
    params.pop("page", None)
    for name in listing.fixed:
        params.pop(name, None)
    feed_params = params.copy()
    for name, value in listing.fixed.items():
        feed_params[name] = value
    return {
        "filter": listing,
        "sorts": [s for s in SORTS if s[0] != "relevance" or listing.terms],
        "feed_params": feed_params.urlencode(),
        "facets": counts.facets,
        "page_obj": page,
        "now": now,
        "notes": listing.notes,
        "params": params.urlencode(),
        "relaxations": relaxations(listing, counts, params, without_q=without_q) if not counts.total else [],
        "status_labels": [ApplicationStatus(s).label for s in listing.statuses],
        # The header's search box shows the cleaned keyword of a listing page (and nothing on other pages).
        "search_query": listing.value("q"),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    current = (
        _card_queryset(Subsidy.objects.published())
        .with_status(at=now)
        .with_status_in([ApplicationStatus.OPEN, ApplicationStatus.UPCOMING], at=now)
    )
    closing_soon = current.filter(rolling=False, deadline__isnull=False).order_by(
        "status_rank", "deadline", "pk"
    )
    newest = current.order_by("-published_at", "-pk")
    regions = list(Region.objects.all())
    blocks = [r for r in regions if r.kind == Region.Kind.BLOCK]
    tree = [(block, [r for r in regions if r.parent_id == block.pk]) for block in blocks]
    context = {
        "closing_soon": closing_soon[:HOME_ROWS],
        "newest": newest[:HOME_ROWS],
        "national": next((r for r in regions if r.code == Region.NATIONAL_CODE), None),
        "region_tree": tree,
        "purposes": Purpose.objects.all(),
        "now": now,
    }
    return render(request, "subsidies/home.html", context)


@require_GET
def subsidy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "subsidies/subsidy_list.html", listing_context(request))


@require_GET
def region_landing(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    context = listing_context(request, fixed={"region": region.slug})
    context |= {
        "heading": region.name,
        "landing": region,
        "description": f"{region.name}で使える補助金・助成金の一覧。{region.name}の事業者が申請できる国・自治体の制度を、締切・金額・対象者で絞り込めます。",
    }
    return render(request, "subsidies/subsidy_list.html", context)


@require_GET
def purpose_landing(request: HttpRequest, slug: str) -> HttpResponse:
    purpose = get_object_or_404(Purpose, slug=slug)
    context = listing_context(request, fixed={"purpose": purpose.slug})
    context |= {
        "heading": purpose.name,
        "landing": purpose,
        "description": f"「{purpose.name}」に使える補助金・助成金の一覧。地域・締切・金額で絞り込めます。",
    }
    return render(request, "subsidies/subsidy_list.html", context)
