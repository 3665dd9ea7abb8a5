"""The in-memory listing index gives exactly what the SQL definition of each filter, count and order gives.

``ListingFilter.matching()`` and ``ordered()`` state the filters and sorts in SQL; the pages answer from
``listing_index`` instead. Over varied listings (every status, boundary amounts and deadlines, no industry,
national/block/prefecture regions, drafts) and many filter combinations, both must agree on the ids, their order
and every facet count. Then: the index follows every kind of change staff can make.
"""

import datetime
import gc
import random
import time
import weakref

import pytest
from django.http import QueryDict

from subsidies import listing_index, versioning
from subsidies.filters import (
    AMOUNT_BANDS,
    EMPLOYEE_BANDS,
    M2M_FACETS,
    ListingFilter,
    Vocabulary,
    amount_band_q,
    combined,
    deadline_within_q,
    employees_q,
    facet_counts,
    listing_bits,
    region_groups,
)
from subsidies.listing_index import popcount
from subsidies.models import (
    STATUS_RANK,
    ApplicationStatus,
    Eligibility,
    Industry,
    Purpose,
    Region,
    SearchEntry,
    Subsidy,
    SubsidyQuerySet,
    TargetType,
)
from tests.factories import NOW, jst, make_subsidy

AT = NOW


def build_catalog(count=60, seed=7):
    rng = random.Random(seed)
    regions = list(Region.objects.all())
    purposes = list(Purpose.objects.all()[:4])
    industries = list(Industry.objects.all()[:3])
    targets = list(TargetType.objects.all()[:3])
    amounts = [None, 0, 999_999, 1_000_000, 1_000_001, 5_000_000, 10_000_000, 30_000_000, 30_000_001]
    # Employee limits at and around the bands' tops; no Eligibility row at all for some listings.
    conditions = random.Random(seed + 1)
    limits = ["none", None, 0, 5, 6, 20, 50, 99, 100, 300, 900, 901, 5000]
    for n in range(count):
        rolling = rng.random() < 0.1
        deadline = (
            None
            if rolling
            else rng.choice(
                [None, AT, AT - datetime.timedelta(microseconds=1)]
                + [
                    AT + datetime.timedelta(days=rng.randint(-60, 120), minutes=rng.randint(0, 1440))
                    for _ in range(6)
                ]
            )
        )
        accepts_from = rng.choice([None, AT, AT + datetime.timedelta(days=rng.randint(1, 30))])
        deadline_expected = deadline is not None and rng.random() < 0.25
        if deadline is not None and accepts_from is not None and accepts_from >= deadline:
            accepts_from = None
        make_subsidy(
            title=rng.choice(["東京の設備補助金", "DX推進補助金", "海外展開助成金", "設備 DX 支援"]) + str(n),
            summary=rng.choice(["設備を導入する事業者を支援。", "海外展開の支援。", "人材育成。"]),
            regions=rng.sample(regions, rng.choice([1, 1, 2])),
            purposes=rng.sample(purposes, rng.randint(0, 2)),
            industries=rng.sample(industries, rng.choice([0, 0, 1, 2])),
            target_types=rng.sample(targets, rng.randint(0, 2)),
            max_amount=rng.choice(amounts),
            difficulty=rng.choice(["", *Subsidy.Difficulty.values]),
            rolling=rolling,
            deadline=deadline,
            deadline_expected=deadline_expected,
            kind=Subsidy.Kind.ROUNDUP if n % 17 == 3 else Subsidy.Kind.SUBSIDY,
            accepts_from=accepts_from,
            published_at=jst(2025, 12, rng.randint(1, 28), rng.randint(0, 23))
            if n % 7
            else jst(2025, 12, 1, 9, 0),
            view_count=rng.choice([0, 1, 5, 5, 40]),
            state=Subsidy.State.DRAFT if n % 13 == 5 else Subsidy.State.PUBLISHED,
        )
        limit = conditions.choice(limits)
        if limit != "none":
            Eligibility.objects.create(
                subsidy=Subsidy.objects.latest("pk"),
                max_employees=limit,
                company_size=conditions.choice(["", "", "sme", "small"]),
            )


def combinations(seed=11, count=120):
    vocab = Vocabulary()
    rng = random.Random(seed)
    choices = {
        "q": ["", "", "設備", "DX", "東京 設備", "海外展開", "補助金", "量子"],
        "region": ["", "", "tokyo", "kanto-koshinetsu", "zenkoku", "osaka"],
        "purpose": [[], [], *([p.slug] for p in vocab.purposes[:4]), [p.slug for p in vocab.purposes[:2]]],
        "industry": ["", "", *(i.slug for i in vocab.industries[:3])],
        "target": ["", "", *(t.slug for t in vocab.targets[:3])],
        "status": [
            [],
            [],
            ["open"],
            ["upcoming"],
            ["closed"],
            ["open", "closed"],
            ["open", "upcoming", "closed"],
            ["unknown"],
            ["unknown", "closed"],
        ],
        "amount": ["", "", *(band[0] for band in AMOUNT_BANDS)],
        "deadline_within": ["", "", "7", "30", "90"],
        "difficulty": ["", "", *Subsidy.Difficulty.values],
        "employees": ["", "", *(band[0] for band in EMPLOYEE_BANDS)],
        "national": ["", "", "", "exclude"],
        "sort": ["", "relevance", "deadline", "new", "amount", "popular"],
    }
    for _ in range(count):
        params = QueryDict(mutable=True)
        for name, options in choices.items():
            value = rng.choice(options)
            if isinstance(value, list):
                params.setlist(name, value)
            elif value:
                params[name] = value
        yield params


def sql_facet_counts(listing):
    """Every facet option's count, one SQL count each (the definition the index must match)."""
    vocab = listing.vocabulary
    counts = {}
    for name in M2M_FACETS:
        base = listing.matching(without=(name,))
        for row in {
            "region": vocab.regions,
            "purpose": vocab.purposes,
            "industry": vocab.industries,
            "target": vocab.targets,
        }[name]:
            probe = ListingFilter(QueryDict(f"{name}={row.slug}"), now=AT, vocabulary=vocab)
            counts[name, row.slug] = base.filter(probe.condition(name)).count()
    base = listing.matching(without=("status",))
    for status in ApplicationStatus:
        counts["status", status.value] = base.filter(SubsidyQuerySet.status_q(status, AT)).count()
    base = listing.matching(without=("amount",))
    for slug, *_ in AMOUNT_BANDS:
        counts["amount", slug] = base.filter(amount_band_q(slug)).count()
    base = listing.matching(without=("deadline_within",))
    for days in ("7", "30", "90"):
        counts["deadline_within", days] = base.filter(deadline_within_q(int(days), now=AT)).count()
    base = listing.matching(without=("difficulty",))
    for value in Subsidy.Difficulty.values:
        counts["difficulty", value] = base.filter(difficulty=value).count()
    base = listing.matching(without=("employees",))
    for slug, *_ in EMPLOYEE_BANDS:
        counts["employees", slug] = base.filter(employees_q(slug)).count()
    base = listing.matching(without=("national",))
    probe = ListingFilter(QueryDict("national=exclude"), now=AT, vocabulary=vocab)
    counts["national", "exclude"] = base.filter(probe.condition("national")).count()
    return counts


@pytest.mark.django_db
def test_the_index_matches_the_sql_definition_of_every_filter_order_and_count(taxonomies):
    build_catalog()
    vocab = Vocabulary()
    index = listing_index.current()
    assert index.size == Subsidy.objects.listed().count() < Subsidy.objects.published().count()
    checked_counts = 0
    for params in combinations():
        listing = ListingFilter(params, now=AT, vocabulary=vocab)
        bits = listing_bits(listing, index)
        title = index.keyword(listing.terms).title if listing.terms else None
        groups = region_groups(listing, index)
        got = index.ordered(
            combined(index, bits), listing.sort_key, at=AT, title=title, groups=groups
        ).tolist()
        expected = list(listing.qs.values_list("pk", flat=True))
        assert got == expected, params.urlencode()
        if checked_counts < 15:  # every option's count, on a share of the combinations (one query each)
            checked_counts += 1
            counts = facet_counts(listing, index, bits)
            assert counts.total == len(expected)
            got_counts = {
                (name, option.value): option.count
                for name, facet in counts.facets.items()
                for option in facet.options
            }
            assert got_counts == sql_facet_counts(listing), params.urlencode()


@pytest.mark.django_db
def test_status_bitmaps_switch_at_the_exact_instant(taxonomies):
    make_subsidy(title="開始前", accepts_from=AT, deadline=AT + datetime.timedelta(days=1))
    make_subsidy(title="締切", deadline=AT)
    index = listing_index.current()
    before = AT - datetime.timedelta(microseconds=1)
    after = AT + datetime.timedelta(microseconds=1)
    make_subsidy(title="期間不明", deadline=None)
    make_subsidy(title="期間不明・開始前", accepts_from=AT, deadline=None)
    rank = {status.value: STATUS_RANK[status] for status in ApplicationStatus}
    assert index.status_ranks(before).tolist() == [rank["upcoming"], rank["open"]]
    assert index.status_ranks(AT).tolist() == [rank["open"], rank["open"]]
    assert index.status_ranks(after).tolist() == [rank["open"], rank["closed"]]
    index = listing_index.current()
    assert index.status_ranks(before).tolist()[2:] == [rank["unknown"], rank["upcoming"]]
    assert index.status_ranks(after).tolist()[2:] == [rank["unknown"], rank["unknown"]]


@pytest.mark.django_db
def test_every_kind_of_change_replaces_the_content_version_and_the_index_follows(taxonomies):
    subsidy = make_subsidy(title="元のタイトル", regions=[Region.objects.get(slug="tokyo")])
    tokens = [versioning.current()]
    first = listing_index.current()
    assert listing_index.current() is first  # nothing changed: no rebuild

    def changed():
        token = versioning.current()
        assert token not in tokens
        tokens.append(token)
        return listing_index.current()

    subsidy.max_amount = 50_000_000
    subsidy.save()
    assert changed().max_amount.tolist() == [50_000_000]
    subsidy.regions.add(Region.objects.get(slug="osaka"))
    osaka = Region.objects.get(slug="osaka").pk
    assert changed().options["region"][osaka].any()
    subsidy.regions.remove(Region.objects.get(slug="osaka"))
    assert not changed().options["region"].get(osaka, listing_index.pack([False])).any()
    subsidy.faqs.create(question="量子は？", answer="対象です。", order=0)
    assert changed().keyword(["量子"]).bits.any()
    subsidy.state = Subsidy.State.DRAFT
    subsidy.save()
    assert changed().size == 0
    subsidy.state = Subsidy.State.PUBLISHED
    subsidy.save()
    assert changed().size == 1
    subsidy.delete()
    assert changed().size == 0
    assert not SearchEntry.objects.exists()  # the cascade through its FAQ did not bring its entry back


@pytest.mark.django_db
def test_a_keyword_is_asked_once_per_content_version(taxonomies, django_assert_num_queries):
    make_subsidy(title="設備の補助金")
    index = listing_index.current()
    index.keyword(["設備"])
    with django_assert_num_queries(0):
        assert index.keyword(["設備"]).bits.any()
    make_subsidy(title="別の補助金")
    assert listing_index.current() is not index


@pytest.mark.django_db
def test_popular_order_rereads_view_counts_after_a_minute(taxonomies, monkeypatch):
    quiet = make_subsidy(title="静か", view_count=1)
    make_subsidy(title="人気", view_count=10)
    index = listing_index.current()
    assert index.pks[index.popular_order()].tolist()[0] != quiet.pk
    Subsidy.objects.filter(pk=quiet.pk).update(view_count=100)  # views do not replace the content version
    assert listing_index.current() is index
    assert index.pks[index.popular_order()].tolist()[0] != quiet.pk
    later = time.monotonic() + listing_index.VIEWS_MAX_AGE + 1  # the real clock's origin is arbitrary
    monkeypatch.setattr(listing_index.time, "monotonic", lambda: later)
    assert index.pks[index.popular_order()].tolist()[0] == quiet.pk


@pytest.mark.django_db
def test_with_a_shared_cache_a_keyword_is_asked_once_for_every_process(
    taxonomies, settings, django_assert_num_queries
):
    settings.LISTING_KEYWORDS_IN_CACHE = True
    make_subsidy(title="設備の補助金")
    make_subsidy(title="別の補助金", summary="設備も対象。")
    first = listing_index.current()
    asked = first.keyword(["設備"])
    listing_index.forget()  # another process: its own index, the same cache
    second = listing_index.current()
    with django_assert_num_queries(0):
        again = second.keyword(["設備"])
    assert (again.bits == asked.bits).all() and (again.title == asked.title).all()
    assert again.bits.any() and popcount(again.title) == 1
    make_subsidy(title="三つ目の設備")  # a new content version: the cached answer is not used
    assert popcount(listing_index.current().keyword(["設備"]).bits) == 3


@pytest.mark.django_db
def test_a_rebuild_lets_the_old_index_go_before_building_the_new_one(taxonomies, monkeypatch):
    make_subsidy(title="一つ目")
    listing_index.forget()
    old = weakref.ref(listing_index.current())
    make_subsidy(title="二つ目")  # a new content version
    held_during_build = []
    build = listing_index.build

    def watched(token):
        gc.collect()
        held_during_build.append(old() is not None)
        return build(token)

    monkeypatch.setattr(listing_index, "build", watched)
    assert listing_index.current().size == 2
    assert held_during_build == [False]
