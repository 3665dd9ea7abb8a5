"""The listing, home and landing pages."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from subsidies import clock, listing_index
from subsidies.filters import (
    SORTS,
    ListingFilter,
    chips,
    combined,
    facet_counts,
    listing_bits,
    region_groups,
    relaxations,
    searched_for,
)
from subsidies.listing_index import pack, popcount
from subsidies.models import STATUS_RANK, ApplicationStatus, Purpose, Region, Subsidy

PAGE_SIZE = 20
HOME_ROWS = 6


def _card_queryset(queryset):
    return queryset.select_related("organization").prefetch_related("regions").defer("body")


def cards(ids, *, now) -> list[Subsidy]:
    """The listings ``ids`` in that order, with what a result card shows (three queries, none for no ids)."""
    return _card_queryset(Subsidy.objects.all()).with_status(at=now).in_order(ids)


def listing_context(request: HttpRequest, *, fixed=None) -> dict:
    """Everything the listing template shows: filters, facets, one page of cards, notes and suggestions."""
    now = clock.now()
    index = listing_index.current()
    listing = ListingFilter(request.GET, now=now, vocabulary=index.vocabulary, fixed=fixed)
    bits = listing_bits(listing, index)
    counts = facet_counts(listing, index, bits)
    title = index.keyword(listing.terms).title if listing.terms else None
    groups = region_groups(listing, index)
    ordered = index.ordered(combined(index, bits), listing.sort_key, at=now, title=title, groups=groups)
    paginator = Paginator(ordered, PAGE_SIZE)
    try:
        page = paginator.page(listing.data.get("page") or 1)
    except PageNotAnInteger:
        listing.notes.append("ページの指定が正しくないため、1ページ目を表示しています。")
        page = paginator.page(1)
    except EmptyPage:
        raise Http404("ページが見つかりません。") from None
    page.object_list = cards(page.object_list, now=now)
    without_q = popcount(combined(index, bits, without="q")) if not counts.total and listing.terms else None
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
        "relaxations": relaxations(listing, counts, params, without_q=without_q),
        "chips": chips(listing, counts, params),
        "searched_for": searched_for(listing, counts),
        "status_labels": listing.status_labels,
        # With a region in force, its own listings come first: the page says so, naming the groups.
        "region_order": region_order(listing),
        # The header's search box shows the cleaned keyword of a listing page (and nothing on other pages).
        "search_query": listing.value("q"),
    }


def region_order(listing: ListingFilter) -> str:
    """「東京都の制度を先に、関東ブロック・全国向けを後に表示しています」, or "" without a region."""
    slug = listing.value("region")
    if not slug:
        return ""
    region = listing.vocabulary.by_slug["region"][slug]
    excluded = listing.vocabulary.national_ids if listing.value("national") else set()
    by_pk = {r.pk: r for r in listing.vocabulary.regions}
    later = [by_pk[pk].name for ids in listing.region_tiers[1:] for pk in sorted(ids - excluded)]
    if not later:
        return ""
    return f"{region.name}の制度を先に、{'・'.join(later)}向けの制度をその後に表示しています。"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    index = listing_index.current()
    ranks = index.status_ranks(now)
    current = ranks < STATUS_RANK[ApplicationStatus.CLOSED]  # open, upcoming or with an unknown period
    # Closing soon: open or upcoming with an announced deadline (an expected 予定 date is never "soon").
    announced = ~index.rolling & ~index.deadline_expected & (index.deadline != listing_index.NEVER)
    dated = pack((ranks <= STATUS_RANK[ApplicationStatus.UPCOMING]) & announced)
    closing_soon = index.ordered(dated, "deadline", at=now)[:HOME_ROWS].tolist()
    # Each section shows other listings than the one before it.
    newest = [pk for pk in index.ordered(pack(current), "new", at=now).tolist() if pk not in closing_soon]
    newest = newest[:HOME_ROWS]
    shown = {row.pk: row for row in cards([*closing_soon, *newest], now=now)}
    regions = index.vocabulary.regions
    blocks = [r for r in regions if r.kind == Region.Kind.BLOCK]
    tree = [(block, [r for r in regions if r.parent_id == block.pk]) for block in blocks]
    context = {
        "closing_soon": [shown[pk] for pk in closing_soon if pk in shown],
        "newest": [shown[pk] for pk in newest if pk in shown],
        "national": next((r for r in regions if r.code == Region.NATIONAL_CODE), None),
        "region_tree": tree,
        "purposes": index.vocabulary.purposes,
        "roundups": Subsidy.objects.published().filter(kind=Subsidy.Kind.ROUNDUP).only("pk", "title"),
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
