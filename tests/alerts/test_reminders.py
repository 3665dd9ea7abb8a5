import datetime

import pytest

from alerts.reminders import reminder_due
from subsidies.clock import JST
from tests.factories import jst, make_subsidy

DEADLINE = jst(2027, 3, 31)  # 23:59 JST


def at(year, month, day, hour=0, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=JST)


@pytest.mark.django_db
def test_the_14_day_reminder_is_due_from_the_first_moment_of_the_14th_day_before_in_jst():
    subsidy = make_subsidy(deadline=DEADLINE)
    assert reminder_due(subsidy, at(2027, 3, 16, 23, 59, 59)) is None  # 15 days left
    assert reminder_due(subsidy, at(2027, 3, 17)) == 14
    # 15:00 UTC on the 16th is midnight of the 17th in Japan.
    assert reminder_due(subsidy, datetime.datetime(2027, 3, 16, 15, 0, tzinfo=datetime.UTC)) == 14
    assert reminder_due(subsidy, datetime.datetime(2027, 3, 16, 14, 59, 59, tzinfo=datetime.UTC)) is None


@pytest.mark.django_db
def test_the_3_day_reminder_follows_from_the_3rd_day_before_until_the_deadline_passes():
    subsidy = make_subsidy(deadline=DEADLINE)
    assert reminder_due(subsidy, at(2027, 3, 27, 23, 59)) == 14  # 4 days left
    assert reminder_due(subsidy, at(2027, 3, 28)) == 3
    assert reminder_due(subsidy, at(2027, 3, 31, 23, 59)) == 3  # the deadline day, still open
    assert reminder_due(subsidy, at(2027, 4, 1)) is None  # closed


@pytest.mark.django_db
def test_no_reminder_without_a_deadline_for_a_draft_or_before_the_window():
    assert reminder_due(make_subsidy(deadline=None, rolling=True), at(2027, 3, 30)) is None
    assert reminder_due(make_subsidy(deadline=None), at(2027, 3, 30)) is None
    assert (
        reminder_due(make_subsidy(deadline=DEADLINE, state="draft", published_at=None), at(2027, 3, 30))
        is None
    )
    assert reminder_due(make_subsidy(deadline=DEADLINE), at(2027, 1, 1)) is None


@pytest.mark.django_db
def test_an_expected_deadline_never_triggers_a_reminder():
    expected = make_subsidy(deadline=DEADLINE, deadline_expected=True)
    assert reminder_due(expected, at(2027, 3, 30)) is None
    announced = make_subsidy(deadline=DEADLINE)
    assert reminder_due(announced, at(2027, 3, 30)) is not None
