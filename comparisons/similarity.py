"""Which other listings are similar to a listing, and why, in words an applicant agrees with.

A candidate must be available to the listing's applicants (region-compatible) and must share at least one
利用目的 or one 経費区分 with it: a listing that only shares 「全国」 is not similar (the reference page's four
"similar" listings were exactly that). Candidates are then scored in one SQL query:

===========================  ======================================================
shared purpose               30 points each
shared expense category      10 points each (「その他」 never counts)
overlapping target types     10 points if any
region                       12 same region, 8 same block, 5 全国
amount                       8 when within half an order of magnitude (×0.32–×3.2)
status                       4 open, 2 upcoming; closed listings come after every open or upcoming one
===========================  ======================================================

so a shared purpose (30) always outweighs the region (at most 12). Ties fall back to the nearer deadline
(listings without a deadline last), then the lower pk.

Region compatibility (``_region_conditions``): 全国 is compatible with every region; otherwise two listings
are compatible when they share a region, or when one's block (地方) is the other's region or block
(東京都 ⇔ 関東・甲信越地方 ⇔ 神奈川県).

The pages rank with ``ranked()``, the same scoring over the in-memory listing index (``subsidies.listing_index``);
``similar_queryset`` states it in SQL and is the definition ``ranked()`` is tested against.

Queries: one for the ranked candidates' rows (with ``select_related("organization")``), whatever the number
of listings. Every listing's terms (regions with their block, purposes, target types, expense categories) come
from the listing index (``Terms``), which holds them for the content version the page read.
"""

import dataclasses
import datetime
import math
from collections.abc import Iterable

import numpy as np
from django.core.cache import cache
from django.db.models import (
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)

from subsidies import listing_index, versioning
from subsidies.clock import JST, jst_date
from subsidies.formatting import format_yen
from subsidies.models import STATUS_RANK, ApplicationStatus, Region, Subsidy, SubsidyExpense

LIMIT = 4
# The ranking is cached per listing version and per hour of the JST day: the ranks of other listings can lag
# behind their edits and status changes by up to an hour; the values shown are always read fresh.
RANKING_CACHE_SECONDS = 60 * 60

WEIGHT_PURPOSE = 30
WEIGHT_EXPENSE = 10
WEIGHT_TARGET = 10
WEIGHT_REGION_SAME = 12
WEIGHT_REGION_BLOCK = 8
WEIGHT_REGION_NATIONAL = 5
WEIGHT_AMOUNT = 8
WEIGHT_OPEN = 4
WEIGHT_UPCOMING = 2

# "The same order of magnitude": within half a decade either way (10 ** 0.5 ≈ 3.16).
AMOUNT_FACTOR = math.sqrt(10)

# Expense categories too vague to make two listings alike.
VAGUE_EXPENSE_SLUGS = frozenset({"other"})

RegionThrough = Subsidy.regions.through
PurposeThrough = Subsidy.purposes.through
TargetThrough = Subsidy.target_types.through


@dataclasses.dataclass(frozen=True)
class Terms:
    """What a listing is alike by: its regions, purposes, target types and expense categories, the vocabulary's
    rows in its order (regions with their block), read from the listing index (``ListingIndex.terms``)."""

    regions: list[Region]
    purposes: list
    target_types: list
    categories: list

    @classmethod
    def of(cls, pk: int, index: listing_index.ListingIndex) -> "Terms":
        """No query for a listed listing; one per relation for another (a draft, a まとめ記事)."""
        return cls(
            regions=index.terms("region", pk),
            purposes=index.terms("purpose", pk),
            target_types=index.terms("target", pk),
            categories=index.terms("expense_category", pk),
        )

    @property
    def telling_categories(self) -> list:
        """The categories that can make two listings alike (not the vague ones)."""
        return [category for category in self.categories if category.slug not in VAGUE_EXPENSE_SLUGS]


@dataclasses.dataclass
class Similar:
    """A similar listing, its terms, its score and the reasons in words (「同じ目的: 人材育成を行いたい」)."""

    subsidy: Subsidy
    terms: Terms
    score: int
    reasons: list[str]


def _block_id(region: Region) -> int | None:
    if region.kind == Region.Kind.BLOCK:
        return region.pk
    if region.kind == Region.Kind.PREFECTURE:
        return region.parent_id
    return None


def _block_name(region: Region) -> str | None:
    if region.kind == Region.Kind.BLOCK:
        return region.name
    if region.kind == Region.Kind.PREFECTURE and region.parent_id:
        return region.parent.name
    return None


def _listings(rows: QuerySet) -> QuerySet:
    """The ids of the listings that own ``rows`` (link-table rows), as an uncorrelated subquery."""
    return rows.values("subsidy_id")


def _has(rows: QuerySet) -> Q:
    """``pk IN (SELECT subsidy_id FROM rows)``.

    Uncorrelated on purpose: PostgreSQL builds a hash of the matching ids once (an index scan of the term's
    link rows) and probes it per candidate, and the planner costs it as such. The correlated EXISTS form is
    costed per row, which pushed the estimate over ``jit_above_cost`` and spent seconds compiling.
    SQLite materialises the subquery once as well.
    """
    return Q(pk__in=_listings(rows))


def _count_of(condition_per_term: list[Q]):
    total = Value(0)
    for condition in condition_per_term:
        total = total + Case(When(condition, then=Value(1)), default=Value(0))
    return total


def _region_conditions(regions: list[Region]) -> dict[str, Q | None]:
    region_ids = [region.pk for region in regions]
    blocks = {block for block in map(_block_id, regions) if block}
    # Region ids come from small subqueries on the 56-row region table, so the link table is read through
    # its region_id index.
    in_blocks = Region.objects.filter(Q(pk__in=blocks) | Q(parent_id__in=blocks)).values("pk")
    national = Region.objects.filter(code=Region.NATIONAL_CODE).values("pk")
    return {
        "same": _has(RegionThrough.objects.filter(region_id__in=region_ids)),
        "block": _has(RegionThrough.objects.filter(region_id__in=in_blocks)) if blocks else None,
        "national": _has(RegionThrough.objects.filter(region_id__in=national)),
    }


def similar_queryset(subsidy: Subsidy, *, on: datetime.datetime) -> QuerySet:
    """Published, region-compatible listings sharing a purpose or an expense category, best first."""
    regions = list(subsidy.regions.all())
    is_national = any(region.code == Region.NATIONAL_CODE for region in regions)
    purpose_ids = [purpose.pk for purpose in subsidy.purposes.all()]
    target_ids = [target.pk for target in subsidy.target_types.all()]
    category_ids = sorted({category.pk for category in _categories(subsidy)})
    region = _region_conditions(regions)

    candidates = Q(pk__in=[])
    if purpose_ids:
        candidates |= _has(PurposeThrough.objects.filter(purpose_id__in=purpose_ids))
    if category_ids:
        candidates |= _has(SubsidyExpense.objects.filter(category_id__in=category_ids))
    queryset = Subsidy.objects.listed().exclude(pk=subsidy.pk).filter(candidates)
    if not is_national:
        # 全国 is compatible with everything; otherwise the candidate must be reachable by region.
        compatible = region["same"] | region["national"]
        if region["block"] is not None:
            compatible |= region["block"]
        queryset = queryset.filter(compatible)

    shared_purposes = _count_of([_has(PurposeThrough.objects.filter(purpose_id=pk)) for pk in purpose_ids])
    shared_categories = _count_of(
        [_has(SubsidyExpense.objects.filter(category_id=pk)) for pk in category_ids]
    )
    target_score = Value(0)
    if target_ids:
        shares_target = _has(TargetThrough.objects.filter(targettype_id__in=target_ids))
        target_score = Case(When(shares_target, then=Value(WEIGHT_TARGET)), default=Value(0))
    region_whens = [When(region["same"], then=Value(WEIGHT_REGION_SAME))]
    if region["block"] is not None:
        region_whens.append(When(region["block"], then=Value(WEIGHT_REGION_BLOCK)))
    region_score = (
        Case(*region_whens, default=Value(WEIGHT_REGION_NATIONAL))
        if is_national
        else Case(
            *region_whens, When(region["national"], then=Value(WEIGHT_REGION_NATIONAL)), default=Value(0)
        )
    )
    amount_score = Value(0)
    if subsidy.max_amount:
        low = math.floor(subsidy.max_amount / AMOUNT_FACTOR)
        high = math.ceil(subsidy.max_amount * AMOUNT_FACTOR)
        amount_score = Case(
            When(max_amount__gte=low, max_amount__lte=high, then=Value(WEIGHT_AMOUNT)), default=Value(0)
        )
    queryset = queryset.with_status(at=on)
    status_score = Case(
        When(status_rank=STATUS_RANK[ApplicationStatus.OPEN], then=Value(WEIGHT_OPEN)),
        When(status_rank=STATUS_RANK[ApplicationStatus.UPCOMING], then=Value(WEIGHT_UPCOMING)),
        default=Value(0),
    )
    return (
        queryset.alias(
            is_closed=Case(
                When(status_rank=STATUS_RANK[ApplicationStatus.CLOSED], then=Value(1)), default=Value(0)
            )
        )
        .annotate(
            similarity=shared_purposes * WEIGHT_PURPOSE
            + shared_categories * WEIGHT_EXPENSE
            + target_score
            + region_score
            + amount_score
            + status_score
        )
        .order_by("is_closed", F("similarity").desc(), F("deadline").asc(nulls_last=True), "pk")
    )


def ranked(
    subsidy: Subsidy,
    *,
    on: datetime.datetime,
    limit: int = LIMIT,
    index: listing_index.ListingIndex | None = None,
) -> list[tuple[int, int]]:
    """(pk, score) of the ``limit`` best candidates: ``similar_queryset``'s ranking, from the listing index.

    The same candidates, scores and order as the SQL definition (``tests/comparisons/test_similarity.py``
    compares them), computed over the in-memory bitmaps of ``subsidies.listing_index``: ~10 ms at 200,000
    listings instead of ~0.5 s for the query, which scores every candidate. The listing's own terms and the
    region table come from the index too: no query for a listed listing.
    """
    index = index or listing_index.current(versioning.token_of(subsidy))
    terms = Terms.of(subsidy.pk, index)
    regions = terms.regions
    is_national = any(region.code == Region.NATIONAL_CODE for region in regions)
    purpose_ids = [purpose.pk for purpose in terms.purposes]
    target_ids = [target.pk for target in terms.target_types]
    category_ids = sorted({category.pk for category in terms.telling_categories})

    def mask(bits):
        return np.unpackbits(bits, count=index.size).view(bool)

    candidates = mask(
        index.any_option("purpose", purpose_ids) | index.any_option("expense_category", category_ids)
    )
    candidates[index.positions_of([subsidy.pk])] = False
    region_ids = {region.pk for region in regions}
    blocks = {block for block in map(_block_id, regions) if block}
    all_regions = index.vocabulary.regions
    in_blocks = {region.pk for region in all_regions if region.pk in blocks or region.parent_id in blocks}
    national_ids = index.vocabulary.national_ids
    same = mask(index.any_option("region", region_ids))
    block = mask(index.any_option("region", in_blocks)) if blocks else np.zeros(index.size, dtype=bool)
    national = mask(index.any_option("region", national_ids))
    if not is_national:
        candidates &= same | block | national
    chosen = np.flatnonzero(candidates)

    score = np.zeros(chosen.size, dtype=np.int64)
    for pk in purpose_ids:
        score += WEIGHT_PURPOSE * mask(index.any_option("purpose", [pk]))[chosen]
    for pk in category_ids:
        score += WEIGHT_EXPENSE * mask(index.any_option("expense_category", [pk]))[chosen]
    if target_ids:
        score += WEIGHT_TARGET * mask(index.any_option("target", target_ids))[chosen]
    fallback = (
        WEIGHT_REGION_NATIONAL if is_national else np.where(national[chosen], WEIGHT_REGION_NATIONAL, 0)
    )
    score += np.where(
        same[chosen], WEIGHT_REGION_SAME, np.where(block[chosen], WEIGHT_REGION_BLOCK, fallback)
    )
    if subsidy.max_amount:
        amounts = index.max_amount[chosen]
        low, high = (
            math.floor(subsidy.max_amount / AMOUNT_FACTOR),
            math.ceil(subsidy.max_amount * AMOUNT_FACTOR),
        )
        score += np.where((amounts >= low) & (amounts <= high), WEIGHT_AMOUNT, 0)
    ranks = index.status_ranks(on)[chosen]
    weights = np.zeros(len(STATUS_RANK), dtype=np.int64)
    weights[[STATUS_RANK[ApplicationStatus.OPEN], STATUS_RANK[ApplicationStatus.UPCOMING]]] = (
        WEIGHT_OPEN,
        WEIGHT_UPCOMING,
    )
    score += weights[ranks]
    closed = ranks == STATUS_RANK[ApplicationStatus.CLOSED]
    order = np.lexsort((index.pks[chosen], index.deadline[chosen], -score, closed))[:limit]
    return [(int(index.pks[chosen[i]]), int(score[i])) for i in order]


def similar_subsidies(subsidy: Subsidy, *, on: datetime.datetime, limit: int = LIMIT) -> list[Similar]:
    """The ``limit`` listings most similar to ``subsidy`` at the moment ``on``, with reasons.

    The ranking scans every candidate, so its result (pks and scores) is cached; the rows themselves are read
    fresh (one query; their terms from the listing index), so what the table shows is never older than the
    request.
    """
    index = listing_index.current(versioning.token_of(subsidy))
    local = on.astimezone(JST)
    key = f"similar:v1:{subsidy.pk}:{subsidy.updated_at.timestamp()}:{jst_date(on)}:{local.hour}:{limit}"
    ranking = cache.get(key)
    if ranking is None:
        ranking = ranked(subsidy, on=on, limit=limit, index=index)
        cache.set(key, ranking, RANKING_CACHE_SECONDS)
    scores = dict(ranking)
    if not scores:
        return []
    mine = Terms.of(subsidy.pk, index)
    rows = Subsidy.objects.listed().filter(pk__in=scores).with_status(at=on).select_related("organization")
    by_pk = {row.pk: row for row in rows}
    found = []
    for pk, _ in ranking:
        if pk in by_pk:
            theirs = Terms.of(pk, index)
            found.append(Similar(by_pk[pk], theirs, scores[pk], reasons(subsidy, mine, by_pk[pk], theirs)))
    return found


def reasons(subsidy: Subsidy, mine: Terms, other: Subsidy, theirs: Terms) -> list[str]:
    """Why ``other`` (with its terms ``theirs``) is like ``subsidy`` (with ``mine``); no query."""
    found = []
    purposes = _names(mine.purposes, theirs.purposes)
    if purposes:
        found.append(f"同じ目的: {'、'.join(purposes)}")
    categories = _names(mine.telling_categories, theirs.telling_categories)
    if categories:
        found.append(f"同じ対象経費: {'、'.join(categories)}")
    targets = _names(mine.target_types, theirs.target_types)
    if targets:
        found.append(f"対象者が重なる: {'、'.join(targets)}")
    region = _region_reason(mine.regions, theirs.regions)
    if region:
        found.append(region)
    if _same_order(subsidy.max_amount, other.max_amount):
        found.append(f"補助金額が同程度: 最大{format_yen(other.max_amount)}")
    status = getattr(other, "application_status", None)
    if status == ApplicationStatus.OPEN:
        found.append("募集中")
    elif status == ApplicationStatus.UPCOMING:
        found.append("募集予定")
    return found


def _categories(subsidy: Subsidy) -> list:
    """The listing's telling expense categories, from its relation (``similar_queryset``, the SQL definition)."""
    return [
        expense.category
        for expense in subsidy.expenses.all()
        if expense.category_id and expense.category.slug not in VAGUE_EXPENSE_SLUGS
    ]


def _names(mine: Iterable, theirs: Iterable) -> list[str]:
    """Names of the terms in both, in vocabulary order, each once."""
    shared = {term.pk for term in mine} & {term.pk for term in theirs}
    terms = {term.pk: term for term in theirs if term.pk in shared}
    return [term.name for term in sorted(terms.values(), key=lambda term: (term.order, term.pk))]


def _region_reason(mine: list[Region], theirs: list[Region]) -> str | None:
    shared = [region for region in theirs if region.pk in {r.pk for r in mine}]
    if shared:
        return f"対象地域: {'、'.join(region.name for region in shared)}"
    my_blocks = {block for block in map(_block_id, mine) if block}
    for region in theirs:
        if _block_id(region) in my_blocks or region.pk in my_blocks:
            return f"対象地域: 同じ地方（{_block_name(region)}）"
    if any(region.code == Region.NATIONAL_CODE for region in theirs):
        return "対象地域: 全国"
    return None


def _same_order(mine: int | None, theirs: int | None) -> bool:
    if not mine or not theirs:
        return False
    return math.floor(mine / AMOUNT_FACTOR) <= theirs <= math.ceil(mine * AMOUNT_FACTOR)
