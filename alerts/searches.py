"""A saved search is a listing URL's GET parameters; it is judged by the listing's own filter code.

``clean_query`` keeps only what ``ListingFilter`` accepts (unknown values and parameters dropped, the keyword
cut as the listing cuts it; page and sort are not part of a search). ``matching_ids`` evaluates a saved search
at a moment the way the listing page does: ``ListingFilter`` + the in-memory listing index (so the status
default, the 全国/block rule and the keyword search are the listing's own).
"""

import datetime

import numpy as np
from django.http import QueryDict

from subsidies.filters import (
    AMOUNT_BANDS,
    DEADLINE_WINDOWS,
    FILTER_NAMES,
    ListingFilter,
    Vocabulary,
    combined,
    listing_bits,
)
from subsidies.listing_index import ListingIndex
from subsidies.models import Subsidy

MAX_QUERY = 1000  # the stored length (Subscription.query)


def listing_filter(query: str, *, at: datetime.datetime, vocabulary: Vocabulary) -> ListingFilter:
    return ListingFilter(QueryDict(query), now=at, vocabulary=vocabulary)


def clean_query(raw: str, *, at: datetime.datetime, vocabulary: Vocabulary) -> str:
    """The canonical form of a listing's query string: validated filters only, in a fixed order."""
    listing = listing_filter(raw[: MAX_QUERY * 4], at=at, vocabulary=vocabulary)
    clean = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = listing.value(name)
        if value:
            clean.setlist(name, sorted(value) if isinstance(value, list) else [value])
    return clean.urlencode()


def describe(query: str, *, at: datetime.datetime, vocabulary: Vocabulary) -> str:
    """The search in words: 「キーワード「DX」・地域: 東京都・募集状況: 募集中・募集予定」."""
    listing = listing_filter(query, at=at, vocabulary=vocabulary)
    labels = {
        "amount": {slug: label for slug, label, *_ in AMOUNT_BANDS},
        "deadline_within": dict(DEADLINE_WINDOWS),
        "difficulty": dict(Subsidy.Difficulty.choices),
    }
    parts = []
    if listing.value("q"):
        parts.append(f"キーワード「{listing.value('q')}」")
    for name, label in (
        ("region", "地域"),
        ("purpose", "利用目的"),
        ("industry", "業種"),
        ("target", "対象"),
    ):
        value = listing.value(name)
        slugs = value if isinstance(value, list) else [value] if value else []
        if slugs:
            rows = vocabulary.by_slug[name]
            parts.append(f"{label}: " + "・".join(rows[s].name for s in slugs))
    for name, label in (("amount", "支給額"), ("deadline_within", "締切"), ("difficulty", "難易度")):
        if listing.value(name):
            parts.append(f"{label}: {labels[name][listing.value(name)]}")
    parts.append("募集状況: " + "・".join(listing.status_labels))
    return "・".join(parts) if len(parts) > 1 else f"すべての補助金（{parts[0]}）"


def matching_ids(
    query: str,
    *,
    index: ListingIndex,
    at: datetime.datetime,
    vocabulary: Vocabulary,
    within: np.ndarray | None = None,
) -> np.ndarray:
    """Ids (ascending) of the published listings the saved search finds at ``at``; among ``within`` (a packed
    bitmap of the index) when given: the daily run asks only among the listings that changed."""
    listing = listing_filter(query, at=at, vocabulary=vocabulary)
    bits = combined(index, listing_bits(listing, index))
    if within is not None:
        bits &= within
    return index.pks[np.unpackbits(bits, count=index.size).astype(bool)]
