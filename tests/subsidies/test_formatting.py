import datetime

import pytest

from subsidies.clock import JST
from subsidies.formatting import (
    format_date,
    format_datetime,
    format_days_left,
    format_wareki,
    format_yen,
    reading_minutes,
)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (None, "記載なし"),
        (0, "0円"),
        (9_999, "9,999円"),
        (10_000, "1万円"),
        (12_345, "1.2345万円"),
        (1_708_000, "170.8万円"),
        (10_000_000, "1,000万円"),
        (99_990_000, "9,999万円"),
        (100_000_000, "1億円"),
        (150_000_000, "1億5,000万円"),
        (100_000_005, "1億5円"),
        (1_000_000_000, "10億円"),
        (1_234_560_000, "12億3,456万円"),
    ],
)
def test_amounts_read_the_japanese_way(amount, text):
    assert format_yen(amount) == text


def test_dates_show_the_weekday_in_japanese():
    assert format_date(datetime.date(2026, 3, 31)) == "2026年3月31日（火）"
    assert format_date(datetime.date(2026, 3, 31), weekday=False) == "2026年3月31日"


def test_datetimes_are_shown_in_jst():
    utc = datetime.datetime(2026, 3, 31, 14, 59, tzinfo=datetime.UTC)
    assert format_datetime(utc) == "2026年3月31日（火）23:59"
    assert format_date(utc) == "2026年3月31日（火）"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 3, 31), "令和8年3月31日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_wareki_switches_era_on_its_first_day(day, text):
    assert format_wareki(day) == text


def test_wareki_reads_datetimes_in_jst():
    assert format_wareki(datetime.datetime(2019, 4, 30, 15, 0, tzinfo=datetime.UTC)) == "令和元年5月1日"
    assert format_wareki(datetime.datetime(2019, 5, 1, 0, 0, tzinfo=JST)) == "令和元年5月1日"


@pytest.mark.parametrize(
    ("days", "text"), [(None, ""), (-1, "締切済み"), (0, "本日締切"), (1, "残り1日"), (74, "残り74日")]
)
def test_days_left_labels(days, text):
    assert format_days_left(days) == text


@pytest.mark.parametrize(
    ("characters", "minutes"), [(0, 0), (1, 1), (500, 1), (501, 2), (7_000, 14), (7_001, 15)]
)
def test_reading_time_rounds_up_at_500_characters_a_minute(characters, minutes):
    assert reading_minutes("あ" * characters) == minutes


def test_reading_time_ignores_whitespace():
    assert reading_minutes("あ" * 500 + "\n\n   \t") == 1
