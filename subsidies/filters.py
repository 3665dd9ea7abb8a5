"""The listing's filters, disjunctive facet counts and relaxation suggestions.

``ListingFilter`` (a django-filter FilterSet) validates every GET parameter against the vocabulary loaded once
per request (``Vocabulary``): an unknown or malformed value is dropped and reported in ``notes``, never a 500.

Facet counts are disjunctive: the counts of a facet's options are computed over the listings that match every
*other* filter, so choosing 東京都 does not turn every other prefecture into 0. They are computed from the
in-memory listing index (``listing_index.py``): each filter is a bitmap, each count a popcount, and no count
costs a query.

``ListingFilter.matching()`` and ``ordered()`` state the same filters and orders in SQL. The pages do not use
them; they are the definition the index is tested against (``tests/subsidies/test_listing_index.py``).
"""

import datetime
from dataclasses import dataclass, field

import django_filters
import numpy as np
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.http import QueryDict

from subsidies import search
from subsidies.clock import end_of_day, jst_date
from subsidies.eligibility import SMALL_BUSINESS_MAX_EMPLOYEES
from subsidies.listing_index import ListingIndex, pack, popcount
from subsidies.models import (
    STATUS_RANK,
    ApplicationStatus,
    Eligibility,
    Region,
    Subsidy,
    SubsidyQuerySet,
)
from subsidies.vocabulary import Vocabulary

# Everything but 募集終了: a listing whose period is unknown may well be open, so it is shown (labelled).
DEFAULT_STATUSES = tuple(s.value for s in ApplicationStatus if s != ApplicationStatus.CLOSED)

# Amount bands: (slug, label, lowest yen exclusive, highest yen inclusive).
AMOUNT_BANDS = (
    ("under-1m", "〜100万円", None, 1_000_000),
    ("1m-5m", "100万〜500万円", 1_000_000, 5_000_000),
    ("5m-10m", "500万〜1,000万円", 5_000_000, 10_000_000),
    ("10m-30m", "1,000万〜3,000万円", 10_000_000, 30_000_000),
    ("over-30m", "3,000万円〜", 30_000_000, None),
)
# Employee-count bands, jGrants' 8 values (slug, label, top): a company of up to ``top`` regular employees.
# A listing passes when its stated limit admits such a company (no limit, or a limit ≥ top); 「従業員数の制約なし」
# finds the listings that state no limit. (issue 20: the listing redesign will move this to the facet table.)
EMPLOYEE_BANDS = (
    ("no-limit", "従業員数の制約なし", None),
    ("5", "5名以下", 5),
    ("20", "20名以下", 20),
    ("50", "50名以下", 50),
    ("100", "100名以下", 100),
    ("300", "300名以下", 300),
    ("900", "900名以下", 900),
    ("901", "901名以上", 901),
)
DEADLINE_WINDOWS = (("7", "7日以内"), ("30", "30日以内"), ("90", "90日以内"))
SORTS = (
    ("relevance", "関連度順"),
    ("deadline", "締切が近い順"),
    ("new", "新着順"),
    ("amount", "支給額が大きい順"),
    ("popular", "人気順"),
)
FACET_LABELS = {
    "q": "キーワード",
    "region": "地域",
    "purpose": "利用目的",
    "industry": "業種",
    "target": "対象事業者",
    "status": "募集状況",
    "amount": "支給額",
    "deadline_within": "締切",
    "difficulty": "難易度",
    "employees": "従業員数",
    "national": "地域の範囲",
    "sort": "並び順",
    "page": "ページ",
}
M2M_FACETS = {"region": "regions", "purpose": "purposes", "industry": "industries", "target": "target_types"}
SINGLE_FACETS = ("status", "amount", "deadline_within", "difficulty", "employees", "national")
# 「全国向けを除く」: only listings not open to the whole country (a region's own and its block's).
NATIONAL_CHOICES = (("exclude", "全国向けを除く"),)
FILTER_NAMES = ("q", *M2M_FACETS, *SINGLE_FACETS)


# 締切が近い順: announced deadlines before expected (予定) ones, each by date, undated last.
DEADLINE_ORDER = ("deadline_expected", F("deadline").asc(nulls_last=True))


def amount_band_q(slug: str) -> Q:
    _, _, low, high = next(band for band in AMOUNT_BANDS if band[0] == slug)
    condition = Q(max_amount__isnull=False)
    if low is not None:
        condition &= Q(max_amount__gt=low)
    if high is not None:
        condition &= Q(max_amount__lte=high)
    return condition


def employees_q(slug: str) -> Q:
    """Listings whose stated employee limit admits a company in band ``slug`` (``EMPLOYEE_BANDS``).

    A 小規模事業者-only listing admits at most ``SMALL_BUSINESS_MAX_EMPLOYEES`` (20, the largest 小規模事業者 in
    any industry), whatever its own limit says.
    """
    top = next(band[2] for band in EMPLOYEE_BANDS if band[0] == slug)
    small_only = Q(eligibility__company_size=Eligibility.CompanySizeRule.SMALL)
    if top is None:
        return Q(eligibility__max_employees__isnull=True) & ~small_only
    within = Q(eligibility__max_employees__isnull=True) | Q(eligibility__max_employees__gte=top)
    return within & ~small_only if top > SMALL_BUSINESS_MAX_EMPLOYEES else within


def deadline_within_q(days: int, *, now: datetime.datetime) -> Q:
    """Open now and closing no more than ``days`` calendar days away (JST), like ``closing_within``."""
    return SubsidyQuerySet.closing_by_q(jst_date(now) + datetime.timedelta(days=days), at=now)


def _link_exists(name: str, ids) -> Exists:
    through = Subsidy._meta.get_field(name).remote_field.through
    column = Subsidy._meta.get_field(name).m2m_reverse_field_name()
    return Exists(through.objects.filter(subsidy_id=OuterRef("pk"), **{f"{column}__in": list(ids)}))


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q")
    region = django_filters.ChoiceFilter(method="filter_region")
    purpose = django_filters.MultipleChoiceFilter(method="filter_purpose")
    industry = django_filters.ChoiceFilter(method="filter_industry")
    target = django_filters.ChoiceFilter(method="filter_target")
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices, method="filter_status")
    amount = django_filters.ChoiceFilter(
        choices=[(s, label) for s, label, *_ in AMOUNT_BANDS], method="filter_amount"
    )
    deadline_within = django_filters.ChoiceFilter(choices=DEADLINE_WINDOWS, method="filter_deadline")
    difficulty = django_filters.ChoiceFilter(choices=Subsidy.Difficulty.choices, method="filter_difficulty")
    employees = django_filters.ChoiceFilter(
        choices=[(slug, label) for slug, label, _ in EMPLOYEE_BANDS], method="filter_noop"
    )
    national = django_filters.ChoiceFilter(choices=NATIONAL_CHOICES, method="filter_noop")
    sort = django_filters.ChoiceFilter(choices=SORTS, method="filter_noop")

    class Meta:
        model = Subsidy
        fields: list[str] = []

    def __init__(self, data=None, *, now: datetime.datetime, vocabulary: Vocabulary, fixed=None, **kwargs):
        self.now = now
        self.vocabulary = vocabulary
        self.fixed = fixed or {}  # a landing page's own filter, e.g. {"region": "tokyo"}
        self.notes: list[str] = []
        super().__init__(self._sanitize(data or QueryDict()), queryset=Subsidy.objects.listed(), **kwargs)
        for name in ("region", "purpose", "industry", "target"):
            self.filters[name].extra["choices"] = [
                (slug, str(row)) for slug, row in vocabulary.by_slug[name].items()
            ]
        self.is_valid()  # every value is a known choice by now

    # --- validation: unknown values are dropped with a note -------------------------------------------
    def _sanitize(self, data) -> QueryDict:
        clean = QueryDict(mutable=True)
        choices = {
            "status": {s.value for s in ApplicationStatus},
            "amount": {band[0] for band in AMOUNT_BANDS},
            "deadline_within": {d for d, _ in DEADLINE_WINDOWS},
            "difficulty": set(Subsidy.Difficulty.values),
            "employees": {band[0] for band in EMPLOYEE_BANDS},
            "national": {value for value, _ in NATIONAL_CHOICES},
            "sort": {s for s, _ in SORTS},
        } | {name: set(self.vocabulary.by_slug[name]) for name in M2M_FACETS}
        for name, values in data.lists():
            if name not in FACET_LABELS:
                continue
            values = [v.replace("\x00", "").strip() for v in values]
            values = [v for v in values if v]
            if name == "q":
                self._clean_query(clean, " ".join(values))
                continue
            if name == "page":
                clean["page"] = values[0] if values else ""
                continue
            known = [v for v in values if v in choices[name]]
            for bad in (v for v in values if v not in choices[name]):
                self.notes.append(f"{FACET_LABELS[name]}の指定「{bad[:40]}」は使えないため無視しました。")
            if name in ("purpose", "status"):
                clean.setlist(name, list(dict.fromkeys(known)))
            elif known:
                clean[name] = known[0]
        for name, value in self.fixed.items():
            clean[name] = value
        return clean

    def _clean_query(self, clean, query):
        if len(query) > search.MAX_QUERY_LENGTH:
            query = query[: search.MAX_QUERY_LENGTH]
            self.notes.append(
                f"キーワードが長すぎるため、先頭の{search.MAX_QUERY_LENGTH}文字で検索しました。"
            )
        if len(search.normalize(query).split()) > search.MAX_TERMS:
            self.notes.append(f"キーワードは{search.MAX_TERMS}語までで検索しました。")
        if query.strip():
            clean["q"] = query

    # --- the values, once validated --------------------------------------------------------------------
    def value(self, name):
        return self.form.cleaned_data.get(name) or ([] if name in ("purpose", "status") else "")

    @property
    def terms(self) -> list[str]:
        return search.split_terms(self.value("q"))

    @property
    def statuses(self) -> list[str]:
        return self.value("status") or list(DEFAULT_STATUSES)

    @property
    def status_labels(self) -> list[str]:
        """The statuses in force, in their sort order: 「募集中・募集予定・受付期間未定」."""
        return [ApplicationStatus(s).label for s in sorted(self.statuses, key=lambda s: STATUS_RANK[s])]

    @property
    def status_is_default(self) -> bool:
        return not self.value("status")

    @property
    def sort_key(self) -> str:
        return self.value("sort") or ("relevance" if self.terms else "deadline")

    def active(self) -> list[str]:
        """The filters the user chose (not the landing page's own), in display order."""
        return [n for n in FILTER_NAMES if self.value(n) and n not in self.fixed]

    # --- conditions ------------------------------------------------------------------------------------
    def condition(self, name) -> Q | Exists | None:
        value = self.value(name)
        if not value:
            return None
        if name == "q":
            return search.keyword_q(self.terms)
        if name == "region":
            return _link_exists(
                "regions", self.vocabulary.region_matches(self.vocabulary.by_slug["region"][value])
            )
        if name == "purpose":
            return _link_exists("purposes", [self.vocabulary.by_slug["purpose"][s].pk for s in value])
        if name == "industry":
            # A listing that names no industry is open to every industry.
            return _link_exists("industries", [self.vocabulary.by_slug["industry"][value].pk]) | ~Exists(
                Subsidy.industries.through.objects.filter(subsidy_id=OuterRef("pk"))
            )
        if name == "target":
            return _link_exists("target_types", [self.vocabulary.by_slug["target"][value].pk])
        if name == "amount":
            return amount_band_q(value)
        if name == "deadline_within":
            return deadline_within_q(int(value), now=self.now)
        if name == "difficulty":
            return Q(difficulty=value)
        if name == "employees":
            return employees_q(value)
        if name == "national":
            return ~_link_exists("regions", self.vocabulary.national_ids)
        return None

    @property
    def region_tiers(self) -> tuple[set[int], ...]:
        """With a region chosen (or a region's landing page), the groups its results come in (``Vocabulary``)."""
        slug = self.value("region")
        return self.vocabulary.region_tiers(self.vocabulary.by_slug["region"][slug]) if slug else ()

    def matching(self, *, without=()):
        """Listed subsidies matching every filter except those named in ``without``."""
        queryset = Subsidy.objects.listed()
        for name in FILTER_NAMES:
            if name in without:
                continue
            if name == "status":
                queryset = queryset.with_status_in(self.statuses, at=self.now)
                continue
            condition = self.condition(name)
            if condition is not None:
                queryset = queryset.filter(condition)
        return queryset

    def filter_queryset(self, queryset):
        return self.ordered(self.matching())

    def ordered(self, queryset):
        queryset = queryset.with_status(at=self.now)
        first = ()
        if tiers := self.region_tiers:
            # The chosen region's own listings first, then its block's, then 全国's; each group in the sort order.
            tier = Case(
                *(When(_link_exists("regions", ids), then=Value(n)) for n, ids in enumerate(tiers) if ids),
                default=Value(len(tiers)),
            )
            queryset, first = queryset.annotate(region_tier=tier), ("region_tier",)
        sort = self.sort_key
        if sort == "relevance" and self.terms:
            queryset = queryset.annotate(title_hit=search.title_rank(self.terms))
            return queryset.order_by(*first, "-title_hit", "status_rank", *DEADLINE_ORDER, "pk")
        if sort == "new":
            return queryset.order_by(*first, F("published_at").desc(nulls_last=True), "-pk")
        if sort == "amount":
            return queryset.order_by(*first, F("max_amount").desc(nulls_last=True), "status_rank", "pk")
        if sort == "popular":
            return queryset.order_by(*first, "-view_count", "pk")
        return queryset.order_by(*first, "status_rank", *DEADLINE_ORDER, "pk")

    # django-filter calls these only through filter_queryset, which we replace; they document the params.
    def filter_noop(self, queryset, name, value):
        return queryset

    filter_q = filter_region = filter_purpose = filter_industry = filter_target = filter_noop
    filter_status = filter_amount = filter_deadline = filter_difficulty = filter_noop


# --- facet counts -------------------------------------------------------------------------------------
@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    level: int = 0  # regions: 0 全国/block, 1 prefecture


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option]
    total: int  # listings matching every other filter (the count if this facet's selection were removed)
    multiple: bool = False


@dataclass
class Relaxation:
    label: str
    count: int
    params: str
    include: bool = False  # 「募集終了も含めると N件」 rather than 「地域の条件を外すと N件」


@dataclass
class FacetCounts:
    facets: dict[str, Facet] = field(default_factory=dict)
    total: int = 0


def value_bits(listing: ListingFilter, index: ListingIndex, name: str, value) -> np.ndarray:
    """The packed bitmap of the listings that facet ``name`` at ``value`` lets through (``condition()`` in
    memory). ``value`` is a slug (a list of slugs for ``purpose``, any of them; a list of values for ``status``).
    """
    vocab, now = listing.vocabulary, listing.now
    if name == "status":
        wanted = np.zeros(len(STATUS_RANK), dtype=bool)
        wanted[[STATUS_RANK[ApplicationStatus(s)] for s in value]] = True
        return pack(wanted[index.status_ranks(now)])
    if name == "region":
        return index.any_option("region", vocab.region_matches(vocab.by_slug["region"][value]))
    if name == "purpose":
        return index.any_option("purpose", [vocab.by_slug["purpose"][s].pk for s in value])
    if name == "industry":  # a listing that names no industry is open to every industry
        return index.any_option("industry", [vocab.by_slug["industry"][value].pk]) | index.no_industry
    if name == "target":
        return index.any_option("target", [vocab.by_slug["target"][value].pk])
    if name == "amount":
        return index.amount_between(*next(band[2:] for band in AMOUNT_BANDS if band[0] == value))
    if name == "deadline_within":
        return index.open_until(now, end_of_day(jst_date(now) + datetime.timedelta(days=int(value))))
    if name == "difficulty":
        return index.difficulty_is(value)
    if name == "employees":
        return index.employees_admit(next(band[2] for band in EMPLOYEE_BANDS if band[0] == value))
    if name == "national":
        return index.everything() & ~index.any_option("region", vocab.national_ids)
    raise ValueError(name)


def region_groups(listing: ListingFilter, index: ListingIndex) -> list[np.ndarray]:
    """``ListingFilter.ordered``'s region groups as bitmaps, for ``ListingIndex.ordered(groups=...)``."""
    return [index.any_option("region", ids) for ids in listing.region_tiers]


def listing_bits(listing: ListingFilter, index: ListingIndex) -> dict[str, np.ndarray]:
    """The packed bitmap of each filter in force (status always: its default is open and upcoming)."""
    bits = {"status": value_bits(listing, index, "status", listing.statuses)}
    for name in FILTER_NAMES:
        value = listing.value(name)
        if name == "status" or not value:
            continue
        bits[name] = (
            index.keyword(listing.terms).bits if name == "q" else value_bits(listing, index, name, value)
        )
    return bits


def combined(index: ListingIndex, bits: dict[str, np.ndarray], *, without: str | None = None) -> np.ndarray:
    """Listings matching every filter in ``bits`` except ``without``."""
    result = index.everything()
    for name, value in bits.items():
        if name != without:
            result &= value
    return result


def facet_counts(listing: ListingFilter, index: ListingIndex, bits: dict[str, np.ndarray]) -> FacetCounts:
    """Every option's count over the listings matching every *other* filter (disjunctive counts)."""
    vocab = listing.vocabulary
    result = FacetCounts(total=popcount(combined(index, bits)))

    def facet(name, choices, *, multiple=False):
        """``choices``: (value, label, level) of each option, in display order."""
        base = combined(index, bits, without=name)
        chosen = listing.statuses if name == "status" else listing.value(name)
        chosen = set(chosen) if isinstance(chosen, list) else {chosen}
        options = [
            Option(
                value,
                label,
                popcount(
                    base
                    & value_bits(listing, index, name, [value] if name in ("purpose", "status") else value)
                ),
                value in chosen,
                level,
            )
            for value, label, level in choices
        ]
        result.facets[name] = Facet(name, FACET_LABELS[name], options, popcount(base), multiple=multiple)

    prefecture = Region.Kind.PREFECTURE
    rows = {
        "region": vocab.regions,
        "purpose": vocab.purposes,
        "industry": vocab.industries,
        "target": vocab.targets,
    }
    for name in M2M_FACETS:
        if name not in listing.fixed:
            levels = [(r.slug, r.name, int(name == "region" and r.kind == prefecture)) for r in rows[name]]
            facet(name, levels, multiple=name == "purpose")
    facet(
        "status",
        [(s.value, s.label, 0) for s in sorted(ApplicationStatus, key=STATUS_RANK.get)],
        multiple=True,
    )
    facet("amount", [(slug, label, 0) for slug, label, *_ in AMOUNT_BANDS])
    facet("deadline_within", [(d, label, 0) for d, label in DEADLINE_WINDOWS])
    facet("difficulty", [(v, label, 0) for v, label in Subsidy.Difficulty.choices])
    facet("employees", [(slug, label, 0) for slug, label, _ in EMPLOYEE_BANDS])
    facet("national", [(value, label, 0) for value, label in NATIONAL_CHOICES], multiple=True)
    # 「全国向けを除く」 sits with the regions.
    order = ["region", "national"] if "region" in result.facets else ["national"]
    result.facets = {name: result.facets[name] for name in order} | result.facets
    return result


def relaxations(listing: ListingFilter, counts: FacetCounts, params: QueryDict, *, without_q: int | None):
    """What would find more: first 「募集終了も含めると N件」 whenever closed listings match (found or not), then,
    when nothing is found, each filter whose removal would find something: 「締切の条件を外すと12件」."""
    suggestions = []
    # Closed listings first: a search for a programme between its rounds finds it only among them.
    if listing.status_is_default:
        closed = counts.facets["status"].options
        extra = next(o.count for o in closed if o.value == ApplicationStatus.CLOSED)
        if extra:
            rest = params.copy()
            rest.pop("page", None)
            rest.setlist("status", [s.value for s in ApplicationStatus])
            suggestions.append(Relaxation("募集終了", counts.total + extra, rest.urlencode(), include=True))
    if counts.total:
        return suggestions
    for name in listing.active():
        if name == "q":
            total = without_q
        elif name == "status":
            total = counts.facets["status"].total
        else:
            facet = counts.facets.get(name)
            total = facet.total if facet else None
        if total:
            rest = params.copy()
            rest.pop(name, None)
            rest.pop("page", None)
            if name == "status":
                rest.setlist("status", [s.value for s in ApplicationStatus])
            suggestions.append(Relaxation(FACET_LABELS[name], total, rest.urlencode()))
    return suggestions


@dataclass
class Chip:
    """One active filter value, with the query string that removes just it."""

    name: str
    label: str
    params: str


def chips(listing: ListingFilter, counts: FacetCounts, params: QueryDict) -> list[Chip]:
    """Removable chips for what the user chose (not a landing page's own filter), in the filters' order."""
    result = []
    for name in listing.active():
        values = listing.value(name)
        values = values if isinstance(values, list) else [values]
        labels = {o.value: o.label for o in counts.facets[name].options} if name in counts.facets else {}
        for value in values:
            rest = params.copy()
            rest.pop("page", None)
            rest.setlist(name, [v for v in rest.getlist(name) if v != value])
            label = f"「{value}」" if name == "q" else labels.get(value, value)
            result.append(Chip(name, f"{FACET_LABELS[name]}: {label}", rest.urlencode()))
    return result


def searched_for(listing: ListingFilter, counts: FacetCounts) -> list[str]:
    """What the page's heading names: the keyword, then the chosen region, purposes, industry and target."""
    words = [listing.value("q")] if listing.value("q") else []
    for name in M2M_FACETS:
        if name in counts.facets:
            words += [o.label for o in counts.facets[name].options if o.selected]
    return words
