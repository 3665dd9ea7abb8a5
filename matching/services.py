"""Matching a company profile against the catalog, through the listing index.

The rule of each condition is ``subsidies.eligibility.states``; this module feeds it the index's columns and
facet bitmaps (the listing's regions and industries) and turns its states into the three groups and the
reasons of the listings shown. The listing filters (status, purpose, amount, ...) apply on top, as bitmaps.
"""

import dataclasses
import datetime

import numpy as np
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse

from subsidies import eligibility
from subsidies.eligibility import Applicant, Fit, Reason
from subsidies.filters import ListingFilter, combined, listing_bits
from subsidies.listing_index import ListingIndex, pack
from subsidies.models import Region, Subsidy
from subsidies.vocabulary import Vocabulary

# Listings shown per group (ordered by deadline); the rest are counted. Rendering the cards with their reasons
# and the form were most of the page's CPU: at 200,000 listings 30 a group cost ~75 ms CPU a request, 10 a
# group with the form written out ~40 ms (benchmarks/README.md).
GROUP_SIZE = 10


@dataclasses.dataclass
class Result:
    subsidy: Subsidy
    fit: Fit
    reasons: list[Reason]


@dataclasses.dataclass
class Group:
    fit: Fit
    total: int
    results: list[Result]

    @property
    def more(self) -> int:
        return self.total - len(self.results)


def _mask(bits: np.ndarray, size: int) -> np.ndarray:
    return np.unpackbits(bits, count=size).view(bool)


def condition_states(index: ListingIndex, applicant: Applicant, vocabulary: Vocabulary, positions=None):
    """(columns, states): the conditions of every listing of the index (or of the rows at ``positions``, an
    ascending array) and each condition's state for each of those rows."""
    size = index.size
    national = _mask(
        index.any_option("region", [r.pk for r in vocabulary.regions if r.code == Region.NATIONAL_CODE]), size
    )
    in_region = None
    if applicant.prefecture is not None:
        in_region = _mask(index.any_option("region", vocabulary.region_matches(applicant.prefecture)), size)
    industry_listed = ~_mask(index.no_industry, size)
    industry_ok = None
    if applicant.business is not None:
        ids = [i.pk for i in vocabulary.industries if i.code == applicant.business.jsic]
        industry_ok = _mask(index.any_option("industry", ids), size)
    columns = index.conditions
    if positions is not None:
        columns = columns.at(positions)
        national, industry_listed = national[positions], industry_listed[positions]
        in_region = None if in_region is None else in_region[positions]
        industry_ok = None if industry_ok is None else industry_ok[positions]
    return columns, eligibility.states(
        columns,
        applicant,
        in_region=in_region,
        national=national,
        industry_listed=industry_listed,
        industry_ok=industry_ok,
    )


def _industry_codes(index: ListingIndex, vocabulary: Vocabulary, position: int) -> list[str]:
    byte, bit = divmod(position, 8)
    codes = {i.pk: i.code for i in vocabulary.industries}
    return sorted(
        codes[pk]
        for pk, bits in index.options["industry"].items()
        if pk in codes and bits[byte] & (0x80 >> bit)
    )


def _reasons(index, vocabulary, columns, by_kind, row, position, applicant, subsidy) -> list[Reason]:
    return eligibility.reasons(
        columns,
        by_kind,
        row,
        applicant,
        region_names=[r.name for r in subsidy.regions.all()],
        industry_codes=_industry_codes(index, vocabulary, position),
    )


# What a result card shows (``templates/matching/_results.html``): read nothing else. The cards were a third of
# the page's time at 200,000 listings with every column, the organiser and a status annotation read.
CARD_FIELDS = (
    "title",
    "max_amount",
    "accepts_from",
    "deadline",
    "deadline_expected",
    "rolling",
    "eligibility__basis",
)


def _cards(ids) -> list[Subsidy]:
    """The listings ``ids`` with what a result card shows, their conditions' source text included (2 queries)."""
    queryset = Subsidy.objects.select_related("eligibility").prefetch_related("regions").only(*CARD_FIELDS)
    return queryset.in_order(ids)


def match(
    applicant: Applicant,
    listing: ListingFilter,
    index: ListingIndex,
    *,
    now: datetime.datetime,
    group_size: int = GROUP_SIZE,
) -> list[Group]:
    """The listings the filters let through, in three groups (対象になりそう / 要確認 / 対象外), each ordered by
    deadline (open first, as on the listing), with the reasons of the ``group_size`` first of each group."""
    # The conditions are judged only for the listings the filters let through (a purpose or a status leaves
    # a fraction of the catalog), in the index's order.
    selected = np.flatnonzero(_mask(combined(index, listing_bits(listing, index)), index.size))
    columns, by_kind = condition_states(index, applicant, listing.vocabulary, positions=selected)
    worst = eligibility.worst(by_kind)
    rows_of = {
        Fit.LIKELY: worst <= eligibility.MET,
        Fit.CHECK: worst == eligibility.UNKNOWN,
        Fit.NOT_ELIGIBLE: worst == eligibility.FAILED,
    }
    shown = {}
    for fit, rows in rows_of.items():
        mask = np.zeros(index.size, dtype=bool)
        mask[selected[rows]] = True
        shown[fit] = index.ordered(pack(mask), "deadline", at=now)[:group_size].tolist()
    cards = {s.pk: s for s in _cards([pk for ids in shown.values() for pk in ids])}
    groups = []
    for fit, ids in shown.items():
        results = []
        for pk in ids:
            if pk not in cards:
                continue
            position = int(index.positions_of([pk])[0])
            row = int(np.searchsorted(selected, position))
            reasons = _reasons(
                index, listing.vocabulary, columns, by_kind, row, position, applicant, cards[pk]
            )
            results.append(Result(cards[pk], fit, reasons))
        groups.append(Group(fit, int(np.count_nonzero(rows_of[fit])), results))
    return groups


def verdict(
    applicant: Applicant, subsidy: Subsidy, index: ListingIndex, vocabulary: Vocabulary
) -> Result | None:
    """The fit and reasons of one published listing (None when the index does not hold it: a draft)."""
    positions = index.positions_of([subsidy.pk])
    if not positions.size:
        return None
    columns, by_kind = condition_states(index, applicant, vocabulary, positions=positions)
    fit = eligibility.fit_of(int(eligibility.worst(by_kind)[0]))
    reasons = _reasons(index, vocabulary, columns, by_kind, 0, int(positions[0]), applicant, subsidy)
    return Result(subsidy, fit, reasons)


# The checklist items a profile answers: 「対象者の要件を満たしている」 when every stated condition is met.
TICKED_WHEN_LIKELY = ("target",)


def prefilled_checklist_url(result: Result | None) -> str:
    """The standalone checklist with the items the profile answers ticked (works without JavaScript), or ""
    when there is none (the listing does not fit for sure, or the checklists app is not installed)."""
    if result is None or result.fit != Fit.LIKELY:
        return ""
    try:
        url = reverse("checklists:checklist", kwargs={"pk": result.subsidy.pk})
    except NoReverseMatch:
        return ""
    query = QueryDict(mutable=True)
    query.setlist("done", TICKED_WHEN_LIKELY)
    query["submitted"] = "1"
    return f"{url}?{query.urlencode()}"


def total(groups: list[Group]) -> int:
    return sum(group.total for group in groups)
