import datetime

from subsidies import clock
from tests.factories import jst

UTC = datetime.UTC


def test_next_hour_is_the_start_of_the_following_jst_hour():
    assert clock.next_hour(jst(2026, 1, 16, 9, 0)) == jst(2026, 1, 16, 10, 0)
    last_moment = jst(2026, 1, 16, 9, 59).replace(second=59, microsecond=999999)
    assert clock.next_hour(last_moment) == jst(2026, 1, 16, 10, 0)
    assert clock.next_hour(jst(2026, 1, 16, 23, 30)) == jst(2026, 1, 17, 0, 0)


def test_next_midnight_is_the_start_of_the_next_jst_day_not_utc():
    # 2026-01-16 20:00 UTC is already 01-17 05:00 in Japan.
    assert clock.next_midnight(datetime.datetime(2026, 1, 16, 20, 0, tzinfo=UTC)) == jst(2026, 1, 18, 0, 0)
    assert clock.next_midnight(jst(2026, 1, 16, 0, 0)) == jst(2026, 1, 17, 0, 0)
    assert clock.next_midnight(jst(2026, 12, 31, 23, 59)) == jst(2027, 1, 1, 0, 0)
