"""An in-memory index of the published listings' filterable columns: facet counts and orderings in microseconds.

Counting every facet option over 200,000 listings in SQL costs a scan per facet (hundreds of milliseconds each,
see ``benchmarks/README.md``). The values those counts depend on are small — dates, an amount, a difficulty and
a few ids per listing — so each process keeps them in NumPy arrays, one row per published listing in primary
key order, and every many-to-many option (each region, purpose, industry, target type) as a bitmap. A filter is
then a bitmap, a facet count is ``popcount(filters & option)``, and a page of results is a slice of a
precomputed order. About 50 bytes per listing plus one bit per listing per option: ~17 MB at 200,000
(``manage.py run_benchmark`` prints it). It also keeps the vocabulary of its content version (``vocabulary.py``,
read with it) and answers which options one listing has (``terms``), so that pages read neither.

Freshness: the content version (``versioning.py``, one database row) holds a token that every change staff make
to what a page shows replaces (see ``signals.py``), in the same transaction as the change. Each request reads the token (one
query) and rebuilds the index when it differs, so a listing saved by staff is counted and ordered correctly on
the next request of every app server. The view counts behind 人気順 change on every page view and do not
replace the token: they are re-read when older than ``VIEWS_MAX_AGE``.

Keyword matches come from the database (``search.match_rows``) and are kept per query and token in a small LRU,
and in the shared cache when there is one (``shared_matches``).
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from subsidies import eligibility, hooks, search, versioning
from subsidies.models import Eligibility, Subsidy
from subsidies.vocabulary import Vocabulary

NEVER = np.iinfo(np.int64).max  # a NULL deadline never passes; NULL published_at sorts last
LONG_AGO = np.iinfo(np.int64).min  # a NULL accepts_from is never in the future
VIEWS_MAX_AGE = 60.0  # seconds
KEYWORD_CACHE_SIZE = 256
MEMO_SIZE = 4096  # option unions, amount bands, difficulties: ~100 at most in practice
M2M = {"region": "regions", "purpose": "purposes", "industry": "industries", "target": "target_types"}
DIFFICULTIES = ("", *Subsidy.Difficulty.values)


def micros(moment) -> int:
    """A datetime as integer microseconds since the epoch (the index's time unit)."""
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def pack(mask: np.ndarray) -> np.ndarray:
    return np.packbits(mask)


def popcount(bits: np.ndarray) -> int:
    return int(np.bitwise_count(bits).sum())


@dataclass
class KeywordMatch:
    bits: np.ndarray  # listings whose text contains every term
    title: np.ndarray  # listings whose title contains every term (relevance)


@dataclass
class ListingIndex:
    token: str
    pks: np.ndarray
    accepts_from: np.ndarray
    deadline: np.ndarray
    deadline_expected: (
        np.ndarray
    )  # bool: an expected (予定) deadline, never urgent, sorted after announced ones
    rolling: np.ndarray
    published_at: np.ndarray
    max_amount: np.ndarray  # -1 = no amount
    difficulty: np.ndarray  # index into DIFFICULTIES
    # facet (and each relation other apps declare, hooks.index_links) -> option id -> packed bitmap
    options: dict[str, dict[int, np.ndarray]]
    no_industry: np.ndarray  # packed: listings that name no industry (open to every industry)
    by_deadline: np.ndarray  # order: deadline (no deadline last), pk
    by_new: np.ndarray  # order: published_at desc (none last), pk desc
    by_amount: np.ndarray  # order: max_amount desc (none last), pk
    amount_rank: np.ndarray  # dense rank of each listing's amount in that order
    # Eligibility conditions (``eligibility.Columns``), in the same rows: /match/ and the employees filter.
    conditions: eligibility.Columns | None = None
    # The vocabulary of this content version, with the options of the other apps' links (``terms``).
    vocabulary: Vocabulary | None = None
    views: np.ndarray | None = None
    by_views: np.ndarray | None = None
    views_read_at: float = 0.0
    last_ranks: tuple | None = None
    memo: dict = field(default_factory=dict)
    keywords: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return len(self.pks)

    # --- bitmaps --------------------------------------------------------------------------------------
    def everything(self) -> np.ndarray:
        return pack(np.ones(self.size, dtype=bool))

    def nothing(self) -> np.ndarray:
        return pack(np.zeros(self.size, dtype=bool))

    def positions_of(self, ids) -> np.ndarray:
        """Positions in the index of the given listing ids (ids that are not published are dropped)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not self.size or not ids.size:
            return np.empty(0, dtype=np.int64)
        where = np.searchsorted(self.pks, ids)
        where = np.minimum(where, self.size - 1)
        return where[self.pks[where] == ids]

    def bits_of(self, ids) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions_of(ids)] = True
        return pack(mask)

    def status_ranks(self, at) -> np.ndarray:
        """``STATUS_RANK`` of every listing at the moment ``at`` (``SubsidyQuerySet.with_status``): 0 open,
        1 upcoming, 2 unknown (no deadline and not rolling), 3 closed.

        A request asks several times for its one moment: the last answer is kept (read-only).
        """
        now = micros(at)
        last = self.last_ranks
        if last is not None and last[0] == now:
            return last[1]
        upcoming = self.accepts_from > now
        undated = ~upcoming & ~self.rolling & (self.deadline == NEVER)
        closed = ~upcoming & ~self.rolling & (self.deadline < now)
        ranks = upcoming.view(np.int8) | (undated.view(np.int8) << 1) | (closed.view(np.int8) * 3)
        ranks.flags.writeable = False
        self.last_ranks = (now, ranks)
        return ranks

    def open_until(self, at, last) -> np.ndarray:
        """Packed: open at ``at`` with an announced deadline no later than ``last`` (``closing_by_q``)."""
        return pack(
            (self.status_ranks(at) == 0)
            & ~self.rolling
            & ~self.deadline_expected
            & (self.deadline <= micros(last))
        )

    def amount_between(self, low, high) -> np.ndarray:
        """Packed: listings with an amount above ``low`` and up to ``high`` (either may be None)."""
        return self._memo(("amount", low, high), lambda: pack(self._amount_mask(low, high)))

    def _amount_mask(self, low, high) -> np.ndarray:
        mask = self.max_amount >= 0
        if low is not None:
            mask &= self.max_amount > low
        if high is not None:
            mask &= self.max_amount <= high
        return mask

    # --- eligibility (issue 20; to be unified with the facet table in the listing redesign) -------------
    def employees_admit(self, top: int | None) -> np.ndarray:
        """Packed: listings whose stated employee limit admits a company of up to ``top`` regular employees
        (no limit stated, or a limit of at least ``top``); ``top`` None: listings with no limit stated.
        A 小規模事業者-only listing's limit is at most 20 (``filters.employees_q`` says the same in SQL)."""

        def compute():
            limits = self.conditions.max_employees
            cap = eligibility.SMALL_BUSINESS_MAX_EMPLOYEES
            small_only = self.conditions.size == eligibility.SIZE_RULE_CODE[Eligibility.CompanySizeRule.SMALL]
            limits = np.where(small_only, np.where(limits < 0, cap, np.minimum(limits, cap)), limits)
            return pack((limits < 0) if top is None else (limits < 0) | (limits >= top))

        return self._memo(("employees", top), compute)

    def difficulty_is(self, value: str) -> np.ndarray:
        return self._memo(("difficulty", value), lambda: pack(self.difficulty == DIFFICULTIES.index(value)))

    def any_option(self, facet: str, ids) -> np.ndarray:
        """Packed: listings linked to at least one of ``ids`` in ``facet``."""
        ids = frozenset(ids)

        def union():
            bits = self.nothing()
            for option in ids:
                found = self.options[facet].get(option)
                if found is not None:
                    bits |= found
            return bits

        return self._memo(("options", facet, ids), union)

    def terms(self, facet: str, pk: int) -> list:
        """The options of ``facet`` (a facet or a link, ``relations()``) that listing ``pk`` has: the vocabulary's
        rows, in its order. A listed listing's are read from the bitmaps (no query); any other's (a draft, a
        まとめ記事) from its link rows (one query)."""
        rows = self.vocabulary.rows[facet]
        position = self.positions_of([pk])
        if position.size:
            byte, bit = divmod(int(position[0]), 8)
            mask = 0x80 >> bit  # np.packbits: the first listing is the high bit of the first byte
            options = self.options[facet]
            return [row for option, row in rows.items() if option in options and options[option][byte] & mask]
        model, listing_field, option_field = _link_fields(relations()[facet])
        held = set(
            model.objects.filter(**{listing_field.attname: pk}).values_list(option_field.attname, flat=True)
        )
        return [row for option, row in rows.items() if option in held]

    def _memo(self, key, compute) -> np.ndarray:
        """A bitmap that depends only on the index (not on the moment), computed once (read-only)."""
        found = self.memo.get(key)
        if found is None:
            found = compute()
            found.flags.writeable = False
            if len(self.memo) < MEMO_SIZE:
                self.memo[key] = found
        return found

    # --- orderings -----------------------------------------------------------------------------------
    def ordered(
        self,
        bits: np.ndarray,
        sort: str,
        *,
        at,
        title: np.ndarray | None = None,
        groups: Sequence[np.ndarray] = (),
    ) -> np.ndarray:
        """Listing ids selected by ``bits`` in the order of ``sort`` (``ListingFilter.ordered``); with ``groups``
        (packed bitmaps), the listings of the first group come first, then the second's, …, then the rest, each
        group in the order of ``sort`` (``ListingFilter.region_tiers``)."""
        positions = self._ordered_positions(np.unpackbits(bits, count=self.size).view(bool), sort, at, title)
        if len(groups):
            tier = np.full(self.size, len(groups), dtype=np.int8)
            for n, group in reversed(list(enumerate(groups))):  # a listing in two groups goes with the first
                tier[np.unpackbits(group, count=self.size).view(bool)] = n
            positions = positions[np.argsort(tier[positions], kind="stable")]
        return self.pks[positions]

    def _ordered_positions(self, mask: np.ndarray, sort: str, at, title) -> np.ndarray:
        if sort == "popular":
            order = self.popular_order()
            return order[mask[order]]
        if sort == "new":
            return self.by_new[mask[self.by_new]]
        ranks = self.status_ranks(at)
        if sort == "amount":
            chosen = self.by_amount[mask[self.by_amount]]
            key = self.amount_rank[chosen] * 4 + ranks[chosen]
        else:
            chosen = self.by_deadline[mask[self.by_deadline]]
            key = ranks[chosen]  # int8: NumPy's stable sort is a radix sort
            if sort == "relevance" and title is not None:
                in_title = np.unpackbits(title, count=self.size).view(bool)[chosen]
                key = key + np.where(in_title, 0, 4).astype(np.int8)
        return chosen[np.argsort(key, kind="stable")]

    def popular_order(self) -> np.ndarray:
        with self.lock:
            if self.by_views is None or time.monotonic() - self.views_read_at > VIEWS_MAX_AGE:
                views = np.zeros(self.size, dtype=np.int64)
                ids, counts = _read_views()
                where = self.positions_of(ids)
                found = np.isin(ids, self.pks)
                views[where] = counts[found]
                self.views, self.views_read_at = views, time.monotonic()
                self.by_views = np.lexsort((self.pks, -views))
            return self.by_views

    # --- keywords ------------------------------------------------------------------------------------
    def keyword(self, terms: list[str]) -> KeywordMatch:
        """The listings matching every term, from the database once per query and token."""
        key = tuple(sorted(terms))
        with self.lock:
            found = self.keywords.get(key)
            if found is not None:
                self.keywords.move_to_end(key)
                return found
        ids, title_ids = shared_matches(self.token, key, terms)
        found = KeywordMatch(self.bits_of(ids), self.bits_of(title_ids))
        with self.lock:
            self.keywords[key] = found
            while len(self.keywords) > KEYWORD_CACHE_SIZE:
                self.keywords.popitem(last=False)
        return found


def shared_matches(token: str, key: tuple, terms: list[str]):
    """A keyword's matching ids, through the shared cache when there is one (``LISTING_KEYWORDS_IN_CACHE``).

    A common term of three or more characters costs its ``LIKE`` recheck over most of the catalog's text
    (seconds at 200,000 listings). With Redis behind ``CACHE_URL`` one app process pays it per content version
    and query, and every other process of every app server reads the ids (8 bytes each) from the cache.
    """
    if not settings.LISTING_KEYWORDS_IN_CACHE:
        return search.match_rows(terms)
    name = "listing-keyword:" + hashlib.sha256("\n".join((token, *key)).encode()).hexdigest()
    stored = cache.get(name)
    if stored is not None:
        return tuple(np.frombuffer(found, dtype=np.int64) for found in stored)
    ids, title_ids = search.match_rows(terms)
    cache.set(name, (ids.tobytes(), title_ids.tobytes()), timeout=24 * 3600)
    return ids, title_ids


def _columns(rows, width: int):
    """A list of tuples as ``width`` int64 columns."""
    array = np.array(list(rows), dtype=np.int64).reshape(-1, width)
    return tuple(array[:, i] for i in range(width))


# How a column of each width travels: PostgreSQL's binary send function, the type it takes, the bytes' dtype.
# (PostgreSQL has no one-byte integer: a one-byte column travels as int2.)
_WIRE = {1: ("int2send", "int2", ">i2"), 2: ("int2send", "int2", ">i2"), 4: ("int4send", "int4", ">i4")}
_WIRE_DEFAULT = ("int8send", "int8", ">i8")


def _int_columns(sql: str, dtypes: Sequence) -> tuple[np.ndarray, ...]:
    """The result of ``sql`` (non-null integer columns, one per dtype in ``dtypes``) as NumPy arrays of those
    dtypes, in one row from PostgreSQL. Each column travels as narrow as its dtype (int2, int4 or int8) and is
    converted straight from the bytes; the dtypes must hold the values
    (``test_every_mask_and_limit_fits_its_column``).

    200,000 rows as Python tuples (or as COPY messages) cost more than a second; each column aggregated into one
    ``bytea`` of big-endian integers costs a few milliseconds to read. The aggregates of one query see the rows in
    the same order, so the columns stay aligned. ``sql`` must be built from trusted parts only.
    """
    dtypes = [np.dtype(dtype) for dtype in dtypes]
    wires = [_WIRE.get(dtype.itemsize, _WIRE_DEFAULT) for dtype in dtypes]
    names = ", ".join(f"c{i}" for i in range(len(dtypes)))
    aggregates = ", ".join(
        f"string_agg({send}(c{i}::{cast}), ''::bytea)" for i, (send, cast, _) in enumerate(wires)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {aggregates} FROM ({sql}) AS q({names})")
        row = list(cursor.fetchone())
    columns = []
    for i, (value, dtype, (_, _, wire)) in enumerate(zip(row, dtypes, wires, strict=True)):
        row[i] = None  # each column's bytes go as soon as it is converted: the build's peak memory
        columns.append(np.frombuffer(value or b"", dtype=wire).astype(dtype))
        del value
    return tuple(columns)


def _sorted_by_first(columns: tuple) -> tuple:
    """``columns`` reordered by the first one's values, one column at a time (only one copy is held at once)."""
    order = np.argsort(columns[0], kind="stable")
    for column in columns:
        column[...] = column[order]
    return columns


def _read_views():
    """(ids, view counts) of the published listings (200,000 rows in one row of ``bytea`` on PostgreSQL)."""
    published = Subsidy.State.PUBLISHED
    if connection.vendor == "postgresql":
        return _int_columns(
            f"SELECT id::int8, view_count::int8 FROM {Subsidy._meta.db_table} WHERE state = '{published}'",
            (np.int64, np.int64),
        )
    return _columns(Subsidy.objects.filter(state=published).values_list("pk", "view_count"), 2)


# The types of ``_read_listings``' columns: pk, accepts_from, deadline, deadline_expected, rolling,
# published_at, max_amount, difficulty.
LISTING_COLUMNS = (np.int64, np.int64, np.int64, bool, bool, np.int64, np.int64, np.int8)


def _read_listings():
    """(pk, accepts_from, deadline, deadline_expected, rolling, published_at, max_amount, difficulty) of every
    listed subsidy (``SubsidyQuerySet.listed``)."""
    published = Subsidy.State.PUBLISHED
    listed = f"state = '{published}' AND kind = '{Subsidy.Kind.SUBSIDY}'"
    if connection.vendor == "postgresql":

        def epoch(column, null):
            # date_part is a float8: rounding the microseconds is exact for dates of this era.
            return f"COALESCE(round(date_part('epoch', {column}) * 1000000)::int8, {null})"

        codes = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(DIFFICULTIES) if value)
        columns = _int_columns(
            f"SELECT id::int8, {epoch('accepts_from', LONG_AGO)}, {epoch('deadline', NEVER)},"
            f" deadline_expected::int, rolling::int, {epoch('published_at', LONG_AGO)},"
            f" COALESCE(max_amount, -1)::int8, (CASE difficulty {codes} ELSE 0 END)"
            f" FROM {Subsidy._meta.db_table} WHERE {listed}",
            LISTING_COLUMNS,
        )
        return _sorted_by_first(columns)
    rows = [
        (
            pk,
            LONG_AGO if accepts_from is None else micros(accepts_from),
            NEVER if deadline is None else micros(deadline),
            int(expected),
            int(rolling),
            LONG_AGO if published_at is None else micros(published_at),
            -1 if amount is None else amount,
            difficulty,
        )
        for pk, accepts_from, deadline, expected, rolling, published_at, amount, difficulty in (
            Subsidy.objects.listed()
            .order_by("pk")
            .values_list(
                "pk",
                "accepts_from",
                "deadline",
                "deadline_expected",
                "rolling",
                "published_at",
                "max_amount",
                "difficulty",
            )
        )
    ]
    codes = {value: i for i, value in enumerate(DIFFICULTIES)}
    columns = _columns(((*row[:7], codes.get(row[7], 0)) for row in rows), 8)
    return tuple(column.astype(dtype) for column, dtype in zip(columns, LISTING_COLUMNS, strict=True))


def relations() -> "dict[str, str | hooks.Link]":
    """What the index keeps a bitmap per option of: the facets (many-to-many fields) and the other apps' links."""
    return {**M2M, **hooks.index_links()}


def _link_fields(relation: "str | hooks.Link"):
    """(model, the field holding the listing, the field holding the option) of a facet's or a link's rows."""
    if isinstance(relation, hooks.Link):
        meta = relation.model._meta
        return relation.model, meta.get_field(relation.listing_field), meta.get_field(relation.option_field)
    field_ = Subsidy._meta.get_field(relation)
    through = field_.remote_field.through
    return (
        through,
        through._meta.get_field(field_.m2m_field_name()),
        through._meta.get_field(field_.m2m_reverse_field_name()),
    )


def _read_links(relation: "str | hooks.Link"):
    """Every listing id of every option of one relation: a many-to-many field, or a link another app declared."""
    model, source, target = _link_fields(relation)
    source, target = source.column, target.column
    if connection.vendor == "postgresql":
        options, listings = _int_columns(
            f"SELECT {target}, {source} FROM {model._meta.db_table} WHERE {target} IS NOT NULL",
            (np.int32, np.int64),  # option ids: a vocabulary's, well under 2**31
        )
        if not options.size:
            return {}
        order = np.argsort(options, kind="stable")
        # One after the other, so that no more than one old column is held beside its sorted copy.
        listings = listings[order]
        options = options[order]
        del order
        starts = np.flatnonzero(np.diff(options, prepend=-1))
        return {
            int(options[start]): ids
            for start, ids in zip(starts, np.split(listings, starts[1:]), strict=True)
        }
    pairs = {}
    rows = model.objects.filter(**{f"{target}__isnull": False}).values_list(target, source).order_by(target)
    for option, listing in rows:
        pairs.setdefault(option, []).append(listing)
    return {option: np.array(ids, dtype=np.int64) for option, ids in pairs.items()}


def _held(pks: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are in ``pks`` (sorted), as a boolean mask."""
    if not pks.size or not ids.size:
        return np.zeros(ids.size, dtype=bool)
    where = np.minimum(np.searchsorted(pks, ids), pks.size - 1)
    return pks[where] == ids


def _inside(pks: np.ndarray, columns: tuple) -> tuple:
    """The rows of ``columns`` (the first holding listing ids) whose listing is in ``pks`` (sorted)."""
    keep = _held(pks, columns[0])
    return tuple(column[keep] for column in columns)


CONDITION_NUMBERS = ("max_employees", "max_capital", "min_years", "max_years", "size")


def _read_conditions(pks: np.ndarray) -> eligibility.Columns:
    """The ``Eligibility`` rows of the published listings as columns in the index's rows.

    On PostgreSQL in two queries: the numbers as ``bytea`` columns (``_int_columns``), and the code lists
    grouped by their distinct values with the ids of each group joined (200,000 rows as Python tuples cost
    seconds; the code lists repeat a few values). Elsewhere one query through the ORM.
    """
    columns = eligibility.Columns.empty(len(pks))
    published = Subsidy.State.PUBLISHED
    sizes = eligibility.SIZE_RULE_CODE
    if connection.vendor == "postgresql":
        # Every row, drafts' too: joining the listings' table to drop them costs a scan of it; ``inside`` drops
        # them in memory (the index holds published listings only).
        joined = f"{Eligibility._meta.db_table} e"
        cases = " ".join(f"WHEN '{value}' THEN {code}" for value, code in sizes.items() if value)
        ids, *numbers = _int_columns(
            "SELECT e.subsidy_id, COALESCE(e.max_employees, -1), COALESCE(e.max_capital, -1),"
            " COALESCE(e.min_years, -1), COALESCE(e.max_years, -1),"
            f" (CASE e.company_size {cases} ELSE 0 END) FROM {joined}",
            # Each number read straight into its column's type.
            (np.int64, *(getattr(columns, name).dtype for name in CONDITION_NUMBERS)),
        )
        keep = _held(pks, ids)
        where = np.searchsorted(pks, ids[keep])
        del ids
        columns.registered[where] = True
        # One column at a time, each dropped once copied: the build's peak memory.
        for name in CONDITION_NUMBERS:
            getattr(columns, name)[where] = numbers.pop(0)[keep]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.municipalities, e.excluded_industries, e.legal_forms, e.undetermined,"
                f" string_agg(e.subsidy_id::text, ',') FROM {joined}"
                " WHERE (e.municipalities <> '' OR e.excluded_industries <> '' OR e.legal_forms <> ''"
                " OR e.undetermined <> '') GROUP BY 1, 2, 3, 4"
            )
            groups = cursor.fetchall()
        for cities, excluded, forms, undetermined, joined_ids in groups:
            (ids,) = _inside(pks, (np.array(joined_ids.split(","), dtype=np.int64),))
            where = np.searchsorted(pks, ids)
            columns.excluded[where] = eligibility.mask_of(excluded.split(","), eligibility.JSIC_BIT)
            columns.legal_forms[where] = eligibility.mask_of(forms.split(","), eligibility.LEGAL_BIT)
            columns.undetermined[where] = eligibility.mask_of(undetermined.split(","), eligibility.KIND_BIT)
            if cities:
                names = tuple(eligibility.split_names(cities))
                columns.cities.update(dict.fromkeys(where.tolist(), names))
        return columns
    rows = Eligibility.objects.filter(
        subsidy__state=published, subsidy__kind=Subsidy.Kind.SUBSIDY
    ).values_list(
        "subsidy_id",
        "municipalities",
        "excluded_industries",
        "legal_forms",
        "company_size",
        "max_employees",
        "max_capital",
        "min_years",
        "max_years",
        "undetermined",
    )
    for row in rows:
        pk, cities, excluded, forms, size, employees, capital, min_years, max_years, undetermined = row
        position = int(np.searchsorted(pks, pk))
        columns.registered[position] = True
        columns.excluded[position] = eligibility.mask_of(excluded, eligibility.JSIC_BIT)
        columns.legal_forms[position] = eligibility.mask_of(forms, eligibility.LEGAL_BIT)
        columns.size[position] = sizes.get(size, 0)
        columns.max_employees[position] = -1 if employees is None else employees
        columns.max_capital[position] = -1 if capital is None else capital
        columns.min_years[position] = -1 if min_years is None else min_years
        columns.max_years[position] = -1 if max_years is None else max_years
        columns.undetermined[position] = eligibility.mask_of(undetermined, eligibility.KIND_BIT)
        if cities:
            columns.cities[position] = tuple(eligibility.split_names(cities))
    return columns


def build(token: str) -> ListingIndex:
    pks, accepts_from, deadline, expected, rolling, published_at, max_amount, difficulty = _read_listings()
    index = ListingIndex(
        token=token,
        pks=pks,
        accepts_from=accepts_from,
        deadline=deadline,
        deadline_expected=expected,
        rolling=rolling,
        published_at=published_at,
        max_amount=max_amount,
        difficulty=difficulty,
        options={},
        no_industry=pack(np.zeros(len(pks), dtype=bool)),
        # Announced deadlines first, then expected ones; each by date (none last), then pk.
        by_deadline=np.lexsort((pks, deadline, expected)),
        # published_at desc with none last, then pk desc: sort ascending on the negations.
        by_new=np.lexsort((-pks, np.where(published_at == LONG_AGO, NEVER, -published_at))),
        by_amount=np.empty(0, dtype=np.int64),
        amount_rank=np.empty(0, dtype=np.int64),
    )
    amount_key = np.where(max_amount < 0, NEVER, -max_amount)
    index.by_amount = np.lexsort((pks, amount_key))
    _, index.amount_rank = np.unique(amount_key, return_inverse=True)
    for facet, relation in relations().items():
        index.options[facet] = {option: index.bits_of(ids) for option, ids in _read_links(relation).items()}
    index.vocabulary = Vocabulary(links=hooks.index_links())
    index.conditions = _read_conditions(pks)
    any_industry = index.any_option("industry", index.options["industry"])
    index.no_industry = pack(~np.unpackbits(any_industry, count=index.size).view(bool))
    return index


_current: dict[str, ListingIndex] = {}
_build_lock = threading.Lock()


def current(token: str | None = None) -> ListingIndex:
    """The index of the database's present state (rebuilt when the content version has changed).

    ``token``: the content version, when the caller has read it already (the detail page reads it with the
    listing's row); else it is read (one query)."""
    if token is None:
        token = versioning.current()
    alias = connection.alias
    index = _current.get(alias)
    if index is not None and index.token == token:
        return index
    with _build_lock:
        index = _current.get(alias)
        if index is None or index.token != token:
            # The old index is let go (this frame's reference too) before the new one is built, not after: a
            # request still using it keeps its own reference, and the process no longer holds two indexes at once (at 200,000 listings
            # about 17 MB, and its memoised masks, on top of the build's own peak: benchmarks/README.md).
            index = None
            _current.pop(alias, None)
            index = _current[alias] = build(token)
    return index


def forget() -> None:
    """Drop this process's index (the next request rebuilds it)."""
    _current.clear()
