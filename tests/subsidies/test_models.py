import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from subsidies.models import ApplicationStatus, Region, Subsidy
from tests.factories import NOW, jst, make_region, make_subsidy, national

MINUTE = datetime.timedelta(minutes=1)
OPEN, UPCOMING, CLOSED = ApplicationStatus.OPEN, ApplicationStatus.UPCOMING, ApplicationStatus.CLOSED
UNKNOWN = ApplicationStatus.UNKNOWN


def status_in_db(subsidy, at):
    return Subsidy.objects.with_status(at=at).get(pk=subsidy.pk).application_status


def assert_status(subsidy, at, expected):
    """The Python rule and the SQL annotation agree, and both give ``expected``."""
    assert subsidy.status(at=at) == expected
    assert status_in_db(subsidy, at) == expected


@pytest.mark.django_db
def test_status_changes_at_the_minute_acceptance_starts_in_jst():
    start = jst(2026, 4, 1, 9, 0)
    subsidy = make_subsidy(accepts_from=start, deadline=jst(2026, 5, 31))
    assert_status(subsidy, start - MINUTE, UPCOMING)
    assert_status(subsidy, start, OPEN)
    assert_status(subsidy, start + MINUTE, OPEN)


@pytest.mark.django_db
def test_status_closes_the_minute_after_the_deadline_in_jst():
    deadline = jst(2026, 3, 31, 23, 59)
    subsidy = make_subsidy(deadline=deadline)
    assert_status(subsidy, deadline - MINUTE, OPEN)
    assert_status(subsidy, deadline, OPEN)
    assert_status(subsidy, deadline + MINUTE, CLOSED)


MICROSECOND = datetime.timedelta(microseconds=1)


def test_next_status_change_is_the_first_moment_the_status_differs():
    start, deadline = jst(2026, 4, 1, 9, 0), jst(2026, 5, 31)
    subsidy = Subsidy(accepts_from=start, deadline=deadline)
    assert subsidy.next_status_change(after=start - MINUTE) == start
    assert subsidy.next_status_change(after=start) == deadline + MICROSECOND
    assert subsidy.next_status_change(after=deadline) == deadline + MICROSECOND
    assert subsidy.next_status_change(after=deadline + MICROSECOND) is None
    for moment in (start - MICROSECOND, start, deadline, deadline + MICROSECOND):
        change = subsidy.next_status_change(after=moment)
        if change is not None:
            assert subsidy.status(at=change - MICROSECOND) == subsidy.status(at=moment)
            assert subsidy.status(at=change) != subsidy.status(at=moment)


def test_rolling_and_undated_listings_never_change_once_open():
    start = jst(2026, 4, 1, 9, 0)
    rolling = Subsidy(accepts_from=start, rolling=True)
    assert rolling.next_status_change(after=start - MINUTE) == start
    assert rolling.next_status_change(after=start) is None
    assert Subsidy(deadline=None).next_status_change(after=NOW) is None


@pytest.mark.django_db
def test_deadline_is_read_in_jst_not_utc():
    # 23:59 JST is 14:59 UTC: at 15:00 UTC on the same UTC date the listing is already closed.
    subsidy = make_subsidy(deadline=jst(2026, 3, 31, 23, 59))
    after = datetime.datetime(2026, 3, 31, 15, 0, tzinfo=datetime.UTC)
    assert_status(subsidy, after, CLOSED)


@pytest.mark.django_db
def test_rolling_listings_stay_open_forever_once_started():
    subsidy = make_subsidy(rolling=True, deadline=None, accepts_from=jst(2026, 1, 1, 0, 0))
    assert_status(subsidy, jst(2025, 12, 31), UPCOMING)
    assert_status(subsidy, jst(2030, 1, 1), OPEN)
    assert subsidy.days_left(on=NOW) is None


@pytest.mark.django_db
def test_listing_without_deadline_or_rolling_has_an_unknown_period_never_counted_as_open():
    subsidy = make_subsidy(deadline=None)
    assert_status(subsidy, jst(2040, 1, 1), UNKNOWN)
    assert subsidy.days_left(on=NOW) is None
    assert subsidy.urgency(on=NOW) is None
    assert not Subsidy.objects.accepting(on=NOW).exists()
    upcoming = make_subsidy(accepts_from=jst(2026, 2, 1, 0, 0), deadline=None)
    assert_status(upcoming, NOW, UPCOMING)  # before its start it is upcoming, whatever its end
    assert_status(upcoming, jst(2026, 2, 1, 0, 0), UNKNOWN)


@pytest.mark.django_db
def test_an_expected_deadline_has_a_status_but_no_days_left_urgency_or_closing_soon():
    subsidy = make_subsidy(deadline=jst(2026, 1, 20), deadline_expected=True)
    assert_status(subsidy, NOW, OPEN)
    assert subsidy.days_left(on=NOW) is None
    assert subsidy.urgency(on=NOW) is None
    assert not Subsidy.objects.closing_within(30, on=NOW).exists()
    subsidy.deadline_expected = False
    subsidy.save()
    assert list(Subsidy.objects.closing_within(30, on=NOW)) == [subsidy]


@pytest.mark.django_db
def test_a_deadline_given_as_a_date_only_lasts_the_whole_day_once_validated():
    subsidy = make_subsidy(deadline=jst(2026, 1, 16, 12, 0), deadline_has_time=False)
    subsidy.full_clean()
    assert subsidy.deadline == jst(2026, 1, 16, 23, 59).replace(second=59, microsecond=999999)
    timed = make_subsidy(deadline=jst(2026, 1, 16, 12, 0), deadline_has_time=True)
    timed.full_clean()
    assert timed.deadline == jst(2026, 1, 16, 12, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"deadline_note": "令和9年度公募の想定（例年2〜4月頃）", "deadline": jst(2027, 4, 16)},
            "deadline_expected",
            "予定（未発表）",
        ),
        ({"verified_on": datetime.date(2026, 1, 5), "verified_by": None}, "verified_on", "確認者"),
        ({"deadline": None, "deadline_expected": True}, "deadline_expected", "見込みの日付"),
        ({"title": "最大数千万円規模の補助金", "max_amount": 10_000_000}, "title", "食い違っています"),
        ({"title": "最大500万円の補助金", "max_amount": None}, "title", "最大支給額が空欄"),
    ],
)
def test_validation_refuses_what_would_show_an_untrue_figure(fields, field, message):
    subsidy = Subsidy(**({"title": "補助金", "summary": "要点", "state": "published"} | fields))
    with pytest.raises(ValidationError) as error:
        subsidy.clean()
    assert message in " ".join(error.value.message_dict[field])


@pytest.mark.django_db
def test_a_matching_title_amount_a_roundup_or_a_confirmed_one_is_accepted():
    assert not Subsidy(title="最大170.8万円！浄化槽の補助金", max_amount=1_708_000).title_amount_conflict()
    assert not Subsidy(title="最大1億5,000万円の補助金", max_amount=150_000_000).title_amount_conflict()
    assert not Subsidy(
        title="最大10億円！制度まとめ", max_amount=None, kind="roundup"
    ).title_amount_conflict()
    confirmed = Subsidy(
        title="最大数千万円規模", summary="要点", max_amount=1, state="published", title_amount_confirmed=True
    )
    confirmed.clean()  # no error


@pytest.mark.django_db
def test_the_database_refuses_a_verification_without_a_person_or_an_expected_date_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subsidy(verified_on=datetime.date(2026, 1, 5), verified_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subsidy(deadline=None, deadline_expected=True)


@pytest.mark.django_db
def test_queryset_status_methods_partition_the_listings():
    upcoming = make_subsidy(accepts_from=jst(2026, 2, 1, 0, 0), deadline=jst(2026, 3, 1))
    open_ = make_subsidy(deadline=jst(2026, 1, 16, 23, 59))
    closed = make_subsidy(deadline=jst(2026, 1, 16, 11, 59))
    rolling = make_subsidy(rolling=True, deadline=None)
    unknown = make_subsidy(deadline=None)
    assert set(Subsidy.objects.upcoming(on=NOW)) == {upcoming}
    assert set(Subsidy.objects.accepting(on=NOW)) == {open_, rolling}
    assert set(Subsidy.objects.closed(on=NOW)) == {closed}
    assert set(Subsidy.objects.with_status_in(["unknown"], at=NOW)) == {unknown}
    assert set(Subsidy.objects.with_status_in(["open", "upcoming"], at=NOW)) == {upcoming, open_, rolling}
    annotated = {row.pk: row.application_status for row in Subsidy.objects.with_status(at=NOW)}
    assert annotated == {row.pk: row.status(at=NOW) for row in Subsidy.objects.all()}


@pytest.mark.django_db
def test_status_annotation_sorts_open_then_upcoming_then_unknown_then_closed():
    closed = make_subsidy(deadline=jst(2026, 1, 10))
    unknown = make_subsidy(deadline=None)
    upcoming = make_subsidy(accepts_from=jst(2026, 2, 1, 0, 0), deadline=jst(2026, 3, 1))
    open_ = make_subsidy(deadline=jst(2026, 6, 1))
    ordered = list(Subsidy.objects.with_status(at=NOW).order_by("status_rank", "pk"))
    assert ordered == [open_, upcoming, unknown, closed]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("deadline", "days"),
    [
        (jst(2026, 3, 31), 74),
        (jst(2026, 1, 17, 0, 0), 1),
        (jst(2026, 1, 16, 23, 59), 0),
        (jst(2026, 1, 15, 23, 59), -1),
    ],
)
def test_days_left_counts_calendar_days_in_jst(deadline, days):
    assert make_subsidy(deadline=deadline).days_left(on=NOW) == days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "level"), [(0, 3), (3, 3), (4, 7), (7, 7), (8, 14), (14, 14), (15, 30), (30, 30), (31, None)]
)
def test_urgency_levels_at_3_7_14_30_days(days, level):
    subsidy = make_subsidy(deadline=jst(2026, 1, 16) + datetime.timedelta(days=days))
    assert subsidy.urgency(on=NOW) == level


@pytest.mark.django_db
def test_closing_within_counts_whole_days_and_skips_closed_and_rolling():
    today = make_subsidy(deadline=jst(2026, 1, 16, 23, 59))
    in_seven = make_subsidy(deadline=jst(2026, 1, 23, 23, 59))
    make_subsidy(deadline=jst(2026, 1, 24, 0, 0))
    make_subsidy(deadline=jst(2026, 1, 16, 8, 0))  # already closed this morning
    make_subsidy(rolling=True, deadline=None)
    assert set(Subsidy.objects.closing_within(7, on=NOW)) == {today, in_seven}
    assert set(Subsidy.objects.closing_within(0, on=NOW)) == {today}


@pytest.mark.django_db
def test_published_excludes_drafts():
    published = make_subsidy()
    make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert list(Subsidy.objects.published()) == [published]


@pytest.fixture
def regions(db):
    zenkoku = national()
    kanto = make_region(
        code="B3", name="関東・甲信越地方", slug="kanto", kind=Region.Kind.BLOCK, parent=zenkoku
    )
    kinki = make_region(code="B5", name="近畿地方", slug="kinki", kind=Region.Kind.BLOCK, parent=zenkoku)
    tokyo = make_region(code="13", name="東京都", slug="tokyo", parent=kanto)
    chiba = make_region(code="12", name="千葉県", slug="chiba", parent=kanto)
    osaka = make_region(code="27", name="大阪府", slug="osaka", parent=kinki)
    return {
        "zenkoku": zenkoku,
        "kanto": kanto,
        "kinki": kinki,
        "tokyo": tokyo,
        "chiba": chiba,
        "osaka": osaka,
    }


def test_in_region_prefecture_matches_itself_its_block_and_zenkoku(regions):
    everywhere = make_subsidy(regions=[regions["zenkoku"]])
    kanto = make_subsidy(regions=[regions["kanto"]])
    tokyo = make_subsidy(regions=[regions["tokyo"]])
    make_subsidy(regions=[regions["chiba"]])
    make_subsidy(regions=[regions["osaka"]])
    make_subsidy(regions=[regions["kinki"]])
    assert set(Subsidy.objects.in_region(regions["tokyo"])) == {everywhere, kanto, tokyo}


def test_in_region_block_matches_its_prefectures_and_zenkoku(regions):
    everywhere = make_subsidy(regions=[regions["zenkoku"]])
    kanto = make_subsidy(regions=[regions["kanto"]])
    tokyo = make_subsidy(regions=[regions["tokyo"]])
    chiba = make_subsidy(regions=[regions["chiba"]])
    make_subsidy(regions=[regions["osaka"]])
    assert set(Subsidy.objects.in_region(regions["kanto"])) == {everywhere, kanto, tokyo, chiba}


def test_in_region_zenkoku_matches_only_national_listings(regions):
    everywhere = make_subsidy(regions=[regions["zenkoku"]])
    make_subsidy(regions=[regions["tokyo"]])
    assert list(Subsidy.objects.in_region(regions["zenkoku"])) == [everywhere]


def test_in_region_returns_a_listing_once_even_with_several_matching_regions(regions):
    both = make_subsidy(regions=[regions["zenkoku"], regions["tokyo"], regions["kanto"]])
    assert list(Subsidy.objects.in_region(regions["tokyo"])) == [both]


def _violates(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subsidy(**fields)


@pytest.mark.django_db
def test_database_rejects_a_negative_amount():
    _violates(max_amount=-1)


@pytest.mark.django_db
@pytest.mark.parametrize("rate", ["-0.1", "100.1"])
def test_database_rejects_an_adoption_rate_outside_0_to_100(rate):
    _violates(adoption_rate=rate, adoption_rate_basis="official", adoption_rate_citation="公式")


@pytest.mark.django_db
def test_database_rejects_an_adoption_rate_without_basis():
    _violates(adoption_rate="50.0", adoption_rate_basis="")


@pytest.mark.django_db
def test_database_rejects_a_deadline_before_acceptance_starts():
    _violates(accepts_from=jst(2026, 4, 1), deadline=jst(2026, 3, 31))


@pytest.mark.django_db
def test_database_rejects_a_rolling_listing_with_a_deadline():
    _violates(rolling=True, deadline=jst(2026, 3, 31))


@pytest.mark.django_db
def test_database_rejects_duplicate_region_codes_and_slugs():
    make_region(code="13", slug="tokyo")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_region(code="13")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_region(slug="tokyo")


@pytest.mark.django_db
def test_clean_explains_mistakes_in_japanese():
    subsidy = make_subsidy()
    subsidy.accepts_from = jst(2026, 4, 1)
    subsidy.deadline = jst(2026, 3, 31)
    subsidy.adoption_rate = 50
    with pytest.raises(ValidationError) as error:
        subsidy.clean()
    messages = error.value.message_dict
    assert messages["deadline"] == ["申請締切は受付開始より後の日時にしてください。"]
    assert "公式か推定か" in messages["adoption_rate_basis"][0]


@pytest.mark.django_db
def test_publishing_sets_published_at_once():
    subsidy = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    subsidy.state = Subsidy.State.PUBLISHED
    subsidy.save()
    first = subsidy.published_at
    assert first is not None
    subsidy.save()
    assert subsidy.published_at == first


@pytest.mark.django_db
def test_the_home_pages_roundups_are_read_through_their_own_index_not_a_table_scan():
    """Among 200,000 listings a scan for the few まとめ記事 took 65 ms of the home page (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner's choice is PostgreSQL's")
    query = Subsidy.objects.published().filter(kind=Subsidy.Kind.ROUNDUP).only("pk", "title")
    with connection.cursor() as cursor:
        # An almost empty test table: without this the planner would rightly scan it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "subsidy_roundups_idx" in plan
