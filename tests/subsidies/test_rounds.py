"""Rounds (公募回): which round a listing shows, the one function that copies it, the daily roll-over, the
page's round history, and the migration of today's dates into rounds."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from subsidies import rounds, services
from subsidies.models import ApplicationStatus, Round, Subsidy, SubsidyQuerySet
from tests.factories import forget_cached_pages, jst, make_subsidy

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def make_round(subsidy, **fields) -> Round:
    round_ = Round(subsidy=subsidy, **fields)
    round_.full_clean()
    round_.save()
    return round_


@pytest.fixture
def programme(db):
    """A listing with a past round (第1回), an open one (第2回) and an announced next one (第3回)."""
    subsidy = make_subsidy(deadline=None)
    make_round(subsidy, name="第1回", order=1, accepts_from=jst(2026, 1, 5, 0, 0), deadline=jst(2026, 2, 27))
    make_round(
        subsidy,
        name="第2回",
        order=2,
        accepts_from=jst(2026, 4, 1, 0, 0),
        deadline=jst(2026, 5, 29, 17, 0),
        deadline_has_time=True,
    )
    make_round(subsidy, name="第3回", order=3, accepts_from=jst(2026, 7, 1, 0, 0), deadline=jst(2026, 8, 31))
    return subsidy


# Which round a listing shows: open, else next, else unknown, else the last to close.


@pytest.mark.parametrize(
    ("moment", "name", "status"),
    [
        (jst(2025, 12, 1, 9, 0), "第1回", ApplicationStatus.UPCOMING),
        (jst(2026, 2, 27, 23, 59), "第1回", ApplicationStatus.OPEN),
        (jst(2026, 3, 1, 9, 0), "第2回", ApplicationStatus.UPCOMING),
        (jst(2026, 5, 29, 17, 0), "第2回", ApplicationStatus.OPEN),  # the deadline moment is still open
        (jst(2026, 5, 29, 17, 0) + datetime.timedelta(microseconds=1), "第3回", ApplicationStatus.UPCOMING),
        (jst(2026, 9, 1, 9, 0), "第3回", ApplicationStatus.CLOSED),
    ],
)
def test_the_listing_shows_its_current_or_next_round(programme, moment, name, status):
    services.sync_current_round(programme, at=moment)
    programme.refresh_from_db()
    assert programme.round_name == name
    chosen = programme.rounds.get(name=name)
    assert (programme.accepts_from, programme.deadline) == (chosen.accepts_from, chosen.deadline)
    assert programme.deadline_has_time == chosen.deadline_has_time
    # The status rule, its SQL and the listing index read the listing's own columns: one rule.
    assert programme.status(at=moment) == status
    assert Subsidy.objects.filter(SubsidyQuerySet.status_q(status, moment), pk=programme.pk).exists()


def test_a_round_with_no_known_period_comes_before_a_closed_one(programme):
    make_round(programme, name="第4回", order=4)
    services.sync_current_round(programme, at=jst(2026, 9, 1, 9, 0))
    programme.refresh_from_db()
    assert programme.round_name == "第4回"
    assert programme.status(at=jst(2026, 9, 1, 9, 0)) == ApplicationStatus.UNKNOWN


def test_an_expected_next_round_carries_its_expected_flags(programme):
    make_round(
        programme,
        name="第4回",
        order=4,
        accepts_from=jst(2027, 1, 1, 0, 0),
        accepts_from_expected=True,
        deadline=jst(2027, 2, 28),
        deadline_expected=True,
    )
    services.sync_current_round(programme, at=jst(2026, 9, 1, 9, 0))
    programme.refresh_from_db()
    assert programme.round_name == "第4回"
    assert programme.deadline_expected and programme.accepts_from_expected
    assert not programme.has_firm_deadline


def test_sync_is_a_no_op_when_nothing_changes_and_leaves_listings_without_rounds_alone(programme):
    at = jst(2026, 4, 10, 9, 0)
    assert services.sync_current_round(programme, at=at) is True
    assert services.sync_current_round(programme, at=at) is False
    alone = make_subsidy(deadline=jst(2026, 6, 30))
    assert services.sync_current_round(alone, at=at) is False
    alone.refresh_from_db()
    assert alone.deadline == jst(2026, 6, 30)
    rolling = make_subsidy(deadline=None, rolling=True)
    make_round(rolling, name="第1回", deadline=jst(2026, 6, 30))
    assert services.sync_current_round(rolling, at=at) is False


def test_a_round_takes_the_same_date_rules_as_a_listing(db):
    subsidy = make_subsidy()
    round_ = Round(
        subsidy=subsidy, name="第1回", deadline=datetime.datetime(2026, 3, 31, 10, 0, tzinfo=datetime.UTC)
    )
    round_.full_clean()
    assert round_.deadline == jst(2026, 3, 31, 23, 59).replace(second=59, microsecond=999999)
    bad = Round(
        subsidy=subsidy, accepts_from=jst(2026, 4, 1), deadline=jst(2026, 3, 1), deadline_has_time=True
    )
    with pytest.raises(Exception, match="受付開始より後"):
        bad.full_clean()


def test_the_daily_command_rolls_listings_over(programme, monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 4, 10, 9, 0))
    out = io.StringIO()
    call_command("sync_rounds", stdout=out)
    assert "1件" in out.getvalue()
    programme.refresh_from_db()
    assert programme.round_name == "第2回"
    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 6, 1, 9, 0))
    call_command("sync_rounds", stdout=out)
    programme.refresh_from_db()
    assert programme.round_name == "第3回"
    call_command("sync_rounds", stdout=(again := io.StringIO()))
    assert "0件" in again.getvalue()


# The history as the page writes it.


def test_history_marks_the_open_round_and_has_no_next_line_while_one_is_open(programme):
    history = rounds.history(programme.rounds.all(), at=jst(2026, 4, 10, 9, 0))
    assert [row.name for row in history.rows] == ["第1回", "第2回", "第3回"]
    assert [row.status for row in history.rows] == ["募集終了", "募集中", "募集予定"]
    assert history.rows[1].current
    assert history.rows[1].period == "2026年4月1日（水）〜2026年5月29日（金）17:00"
    assert history.next_round == ""


def test_history_carries_the_sources_own_status_words(programme):
    first = programme.rounds.get(name="第1回")
    first.source_status = "受付終了"
    first.save()
    history = rounds.history(programme.rounds.all(), at=jst(2026, 4, 10, 9, 0))
    assert (history.rows[0].status, history.rows[0].source_status) == ("募集終了", "受付終了")


def test_history_names_the_next_round_or_says_none_is_announced(programme):
    between = rounds.history(programme.rounds.all(), at=jst(2026, 6, 10, 9, 0))
    assert between.next_round == "次回: 第3回 受付開始 2026年7月1日（水）、締切 2026年8月31日（月）"
    after = rounds.history(programme.rounds.all(), at=jst(2026, 9, 10, 9, 0))
    assert after.next_round == "次回の公募は未発表"


def test_an_expected_next_round_is_labelled_as_expected(programme):
    make_round(
        programme, name="第4回", order=4, accepts_from=jst(2027, 1, 1, 0, 0), accepts_from_expected=True
    )
    history = rounds.history(programme.rounds.all(), at=jst(2026, 9, 10, 9, 0))
    assert history.rows[-1].status == "予定"
    assert history.next_round == "次回: 第4回 受付開始 2027年1月頃（予定）"


# The pages.


def test_detail_page_shows_the_round_history(client, programme, monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 6, 10, 9, 0))
    services.sync_current_round(programme, at=jst(2026, 6, 10, 9, 0))
    forget_cached_pages()
    response = client.get(programme.get_absolute_url())
    text = response.content.decode()
    assert '<h2 id="rounds-h">公募回</h2>' in text
    assert "第1回" in text and "2026年2月27日（金）" in text
    assert "次回: 第3回 受付開始 2026年7月1日（水）" in text


def test_listing_card_names_the_current_round(client, programme, monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 4, 10, 9, 0))
    services.sync_current_round(programme, at=jst(2026, 4, 10, 9, 0))
    response = client.get(reverse("subsidies:list"))
    assert '<span class="card__round">第2回</span>' in response.content.decode()


@pytest.mark.django_db
def test_the_seed_page_shows_its_round_closed_and_no_next_round(client, monkeypatch):
    call_command("loaddata", "taxonomies", "seed", verbosity=0)
    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 12, 4, 12, 0))
    text = client.get(reverse("subsidies:detail", args=[155678])).content.decode()
    section = text[text.index('id="rounds-h"') :]
    assert "2025年度" in section  # 2026-03-31 is the last day of the 2025 fiscal year (令和7年度)
    assert "〜2026年3月31日（火）" in section
    assert "募集終了" in section
    assert "次回の公募は未発表" in section


# The migration: one round per dated listing, from the demo data, nothing lost.


def _demo_listings():
    for name in ("seed", "programs"):
        yield from json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_one_round_per_dated_listing_of_the_demo_data():
    before, after = [("subsidies", "0009_link_checks")], [("subsidies", "0010_rounds")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        Organization, OldSubsidy = (
            old.get_model("subsidies", "Organization"),
            old.get_model("subsidies", "Subsidy"),
        )
        columns = {field.name for field in OldSubsidy._meta.concrete_fields}
        expected = {}
        for item in _demo_listings():
            fields = item["fields"]
            if item["model"] == "subsidies.organization":
                Organization.objects.get_or_create(name=fields["name"], defaults={"kind": fields["kind"]})
            elif item["model"] == "subsidies.subsidy":
                values = {k: v for k, v in fields.items() if k in columns and k != "organization"}
                values["organization"] = Organization.objects.get(name=fields["organization"][0])
                values["published_at"] = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                OldSubsidy.objects.create(pk=item["pk"], **values)
                row = OldSubsidy.objects.get(pk=item["pk"])
                expected[row.pk] = {f: getattr(row, f) for f in Round.PERIOD_FIELDS}
        assert len(expected) == 52

        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        NewSubsidy, NewRound = new.get_model("subsidies", "Subsidy"), new.get_model("subsidies", "Round")
        dated = {pk for pk, dates in expected.items() if dates["deadline"] or dates["accepts_from"]}
        assert dated and len(dated) < len(expected)
        assert sorted(NewRound.objects.values_list("subsidy_id", flat=True)) == sorted(dated)
        for round_ in NewRound.objects.all():
            assert {f: getattr(round_, f) for f in Round.PERIOD_FIELDS} == expected[round_.subsidy_id]
        for listing in NewSubsidy.objects.all():  # the listing keeps its own dates
            assert {f: getattr(listing, f) for f in Round.PERIOD_FIELDS} == expected[listing.pk]
        seed = NewRound.objects.get(subsidy_id=155678)
        assert seed.name == "2025年度" and NewSubsidy.objects.get(pk=155678).round_name == "2025年度"
    finally:
        executor.loader.build_graph()
        call_command("migrate", verbosity=0, interactive=False)


def test_saving_rounds_in_the_admin_sets_the_listings_dates_from_the_current_round(staff_client, monkeypatch):
    from tests.subsidies.test_admin import change_url, fields_of, form_data

    monkeypatch.setattr("subsidies.clock.now", lambda: jst(2026, 4, 10, 9, 0))
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    rows = [
        {"order": 1, "name": "第1回", "deadline_0": "2026-03-31", "deadline_1": "00:00"},
        {
            "order": 2,
            "name": "第2回",
            "accepts_from_0": "2026-04-01",
            "accepts_from_1": "00:00",
            "deadline_0": "2026-06-30",
            "deadline_1": "17:00",
            "deadline_has_time": "on",
        },
    ]
    response = staff_client.post(
        change_url(subsidy), form_data(fields_of(subsidy), parent=subsidy, rounds=rows)
    )
    assert response.status_code == 302, response.context["errors"]
    subsidy.refresh_from_db()
    assert subsidy.round_name == "第2回"
    assert subsidy.deadline == jst(2026, 6, 30, 17, 0) and subsidy.deadline_has_time
    # From now on the listing's own dates are the rounds': the form shows them read-only.
    page = staff_client.get(change_url(subsidy)).content.decode()
    assert 'name="deadline_0"' not in page
    assert 'name="rounds-1-deadline_0"' in page
