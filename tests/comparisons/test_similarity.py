import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comparisons.similarity import Terms, reasons, similar_subsidies
from subsidies import listing_index
from subsidies.models import Region, Subsidy, SubsidyExpense
from tests.factories import (
    NOW,
    jst,
    make_expense_category,
    make_purpose,
    make_region,
    make_subsidy,
    make_target_type,
    national,
)

pytestmark = pytest.mark.django_db


def titles(subsidy, on=NOW):
    return [item.subsidy.title for item in similar_subsidies(subsidy, on=on)]


def add_expense(subsidy, category):
    SubsidyExpense.objects.create(subsidy=subsidy, label=category.name, category=category)


@pytest.fixture
def kanto():
    block = make_region(code="B3", name="関東・甲信越地方", slug="kanto", kind=Region.Kind.BLOCK)
    tokyo = make_region(code="13", name="東京都", slug="tokyo", parent=block)
    kanagawa = make_region(code="14", name="神奈川県", slug="kanagawa", parent=block)
    return block, tokyo, kanagawa


def test_a_shared_purpose_beats_a_shared_region(kanto):
    _, tokyo, _ = kanto
    training, sales = make_purpose(name="人材育成を行いたい"), make_purpose()
    travel = make_expense_category(name="旅費")
    listing = make_subsidy(regions=[tokyo], purposes=[training, sales])
    add_expense(listing, travel)
    same_region = make_subsidy(title="同じ東京都だけ", regions=[tokyo], purposes=[sales])
    same_purpose = make_subsidy(title="同じ目的の全国", regions=[national()], purposes=[training, sales])
    assert titles(listing) == ["同じ目的の全国", "同じ東京都だけ"]
    assert same_region.pk and same_purpose.pk


def test_a_listing_sharing_only_its_region_is_not_similar():
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose])
    make_subsidy(title="全国というだけ", purposes=[make_purpose()])
    assert titles(listing) == []


def test_a_closed_listing_ranks_below_an_open_one_even_with_more_in_common():
    a, b = make_purpose(), make_purpose()
    listing = make_subsidy(purposes=[a, b])
    make_subsidy(title="終了したがよく似ている", purposes=[a, b], deadline=jst(2026, 1, 10))
    make_subsidy(title="募集中で少し似ている", purposes=[a], deadline=jst(2026, 6, 30))
    assert titles(listing) == ["募集中で少し似ている", "終了したがよく似ている"]


def test_closed_listings_appear_only_when_too_few_open_ones_exist():
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose])
    make_subsidy(title="終了", purposes=[purpose], deadline=jst(2026, 1, 1))
    make_subsidy(title="募集中", purposes=[purpose], deadline=jst(2026, 5, 1))
    make_subsidy(
        title="募集予定", purposes=[purpose], accepts_from=jst(2026, 4, 1, 9, 0), deadline=jst(2026, 9, 1)
    )
    assert titles(listing) == ["募集中", "募集予定", "終了"]
    make_subsidy(title="募集中2", purposes=[purpose], deadline=jst(2026, 5, 2))
    make_subsidy(title="募集中3", purposes=[purpose], deadline=jst(2026, 5, 3))
    cache.clear()  # the ranking is cached for the hour; new listings reach it after that
    assert titles(listing) == ["募集中", "募集中2", "募集中3", "募集予定"]


def test_national_is_compatible_with_every_prefecture(kanto):
    _, tokyo, kanagawa = kanto
    osaka = make_region(code="27", name="大阪府", slug="osaka")
    purpose = make_purpose()
    national_listing = make_subsidy(purposes=[purpose])
    make_subsidy(title="東京都", regions=[tokyo], purposes=[purpose])
    make_subsidy(title="大阪府", regions=[osaka], purposes=[purpose])
    assert sorted(titles(national_listing)) == ["大阪府", "東京都"]
    tokyo_listing = make_subsidy(regions=[tokyo], purposes=[purpose])
    assert national_listing.title in titles(tokyo_listing)
    assert "大阪府" not in titles(tokyo_listing)


def test_the_same_block_is_compatible_and_said_in_words(kanto):
    block, tokyo, kanagawa = kanto
    purpose = make_purpose()
    listing = make_subsidy(regions=[tokyo], purposes=[purpose])
    make_subsidy(title="神奈川県", regions=[kanagawa], purposes=[purpose])
    make_subsidy(title="関東", regions=[block], purposes=[purpose])
    make_subsidy(title="大阪府", regions=[make_region(name="大阪府")], purposes=[purpose])
    found = similar_subsidies(listing, on=NOW)
    assert [item.subsidy.title for item in found] == ["神奈川県", "関東"]
    assert all("対象地域: 同じ地方（関東・甲信越地方）" in item.reasons for item in found)


def test_the_listing_itself_never_appears():
    purpose = make_purpose()
    listing = make_subsidy(title="自分", purposes=[purpose])
    make_subsidy(title="他", purposes=[purpose])
    assert titles(listing) == ["他"]


def test_unpublished_listings_never_appear():
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose])
    make_subsidy(title="下書き", purposes=[purpose], state=Subsidy.State.DRAFT, published_at=None)
    assert titles(listing) == []


def test_ties_fall_back_to_the_nearer_deadline_then_the_lower_pk():
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose], max_amount=None)
    later = make_subsidy(title="後", purposes=[purpose], deadline=jst(2026, 6, 30), max_amount=None)
    first = make_subsidy(title="先A", purposes=[purpose], deadline=jst(2026, 5, 31), max_amount=None)
    second = make_subsidy(title="先B", purposes=[purpose], deadline=jst(2026, 5, 31), max_amount=None)
    rolling = make_subsidy(title="随時", purposes=[purpose], deadline=None, rolling=True, max_amount=None)
    assert first.pk < second.pk < rolling.pk and later.pk
    assert titles(listing) == ["先A", "先B", "後", "随時"]
    assert titles(listing) == titles(listing)


def test_only_the_top_four_are_returned():
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose])
    for n in range(6):
        make_subsidy(title=f"候補{n}", purposes=[purpose], deadline=jst(2026, 4, 1 + n))
    assert titles(listing) == ["候補0", "候補1", "候補2", "候補3"]


def test_shared_expense_categories_and_targets_count_and_are_named():
    purpose = make_purpose(name="販路拡大・海外展開をしたい")
    travel, venue = make_expense_category(name="旅費"), make_expense_category(name="会場費")
    sme = make_target_type(name="中小企業")
    listing = make_subsidy(purposes=[purpose], target_types=[sme], max_amount=10_000_000)
    add_expense(listing, travel)
    add_expense(listing, venue)
    expenses_only = make_subsidy(title="経費が同じ", max_amount=5_000_000, target_types=[sme])
    add_expense(expenses_only, travel)
    add_expense(expenses_only, venue)
    make_subsidy(title="目的だけ同じ", purposes=[purpose], max_amount=900_000_000)
    found = similar_subsidies(listing, on=NOW)
    assert [item.subsidy.title for item in found] == ["経費が同じ", "目的だけ同じ"]
    assert found[0].reasons == [
        "同じ対象経費: 旅費、会場費",
        "対象者が重なる: 中小企業",
        "対象地域: 全国",
        "補助金額が同程度: 最大500万円",
        "募集中",
    ]
    assert found[1].reasons == ["同じ目的: 販路拡大・海外展開をしたい", "対象地域: 全国", "募集中"]


def test_the_vague_other_expense_category_does_not_make_listings_similar():
    other = make_expense_category(name="その他", slug="other")
    listing = make_subsidy(purposes=[make_purpose()])
    add_expense(listing, other)
    candidate = make_subsidy(title="その他だけ共通")
    add_expense(candidate, other)
    assert titles(listing) == []


def test_scoring_takes_a_constant_number_of_queries():
    purpose = make_purpose()
    category = make_expense_category()
    listing = make_subsidy(purposes=[purpose])
    add_expense(listing, category)
    listing = Subsidy.objects.prefetch_related(
        "regions", "purposes", "target_types", "expenses__category"
    ).get(pk=listing.pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            similar_subsidies(listing, on=NOW)
        return len(queries)

    def cold_and_warm():
        listing_index.current()  # built by whichever page asks first after a change
        cache.clear()
        return count(), count()

    for _ in range(3):
        make_subsidy(
            purposes=[purpose], target_types=[make_target_type()], regions=[national(), make_region()]
        )
    few = cold_and_warm()
    for _ in range(12):
        other = make_subsidy(purposes=[purpose], target_types=[make_target_type()], regions=[make_region()])
        add_expense(other, category)
    # The content version (the listing's terms come from the index of that version) and the rows with their
    # organization, cold or warm (the ranking cached), however many listings.
    assert few == cold_and_warm() == (2, 2)


def test_reasons_read_the_terms_from_the_listing_index_without_a_query(django_assert_num_queries):
    purpose = make_purpose(name="人材育成を行いたい")
    listing = make_subsidy(purposes=[purpose])
    other = make_subsidy(purposes=[purpose])
    index = listing_index.current()
    with django_assert_num_queries(0):
        found = reasons(listing, Terms.of(listing.pk, index), other, Terms.of(other.pk, index))
    assert found[:2] == ["同じ目的: 人材育成を行いたい", "対象地域: 全国"]


def test_the_index_ranking_is_the_sql_ranking(kanto):
    """``ranked()`` (the listing index) gives the candidates, scores and order of ``similar_queryset`` (SQL)."""
    import datetime
    import random

    from comparisons.similarity import ranked, similar_queryset

    block, tokyo, kanagawa = kanto
    osaka_block = make_region(code="B5", name="近畿地方", slug="kinki", kind=Region.Kind.BLOCK)
    osaka = make_region(code="27", name="大阪府", slug="osaka", parent=osaka_block)
    regions = [national(), block, tokyo, kanagawa, osaka_block, osaka]
    purposes = [make_purpose() for _ in range(4)]
    categories = [make_expense_category() for _ in range(3)] + [make_expense_category(slug="other")]
    targets = [make_target_type() for _ in range(3)]
    rng = random.Random(5)
    listings = []
    for n in range(45):
        deadline = rng.choice([None, NOW + datetime.timedelta(days=rng.randint(-30, 60))])
        listing = make_subsidy(
            regions=rng.sample(regions, rng.choice([1, 1, 2])),
            purposes=rng.sample(purposes, rng.randint(0, 2)),
            target_types=rng.sample(targets, rng.randint(0, 2)),
            max_amount=rng.choice([None, 0, 1_000_000, 3_000_000, 3_200_000, 10_000_000]),
            deadline=deadline,
            rolling=deadline is None and rng.random() < 0.5,
            accepts_from=rng.choice([None, NOW + datetime.timedelta(days=3)]) if deadline is None else None,
            state=Subsidy.State.DRAFT if n % 11 == 3 else Subsidy.State.PUBLISHED,
        )
        for category in rng.sample(categories, rng.randint(0, 2)):
            add_expense(listing, category)
        listings.append(listing)
    prefetched = Subsidy.objects.prefetch_related("regions", "purposes", "target_types", "expenses__category")
    scores = set()
    for listing in prefetched.filter(pk__in=[x.pk for x in listings]):
        expected = list(similar_queryset(listing, on=NOW).values_list("pk", "similarity")[:45])
        assert ranked(listing, on=NOW, limit=45) == expected, listing.pk
        scores |= {score for _, score in expected}
    assert len(scores) > 10  # the catalog exercises many combinations of the weights
