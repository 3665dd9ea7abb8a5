"""How amounts, dates, days left and reading time read on the site. One place, tested at the edges."""

import datetime
import math
from decimal import Decimal

MAN = 10_000
OKU = 100_000_000
WEEKDAYS = "月火水木金土日"

# (era name, first day) from newest; a date before the first era here is shown without 和暦.
ERAS = (
    ("令和", datetime.date(2019, 5, 1)),
    ("平成", datetime.date(1989, 1, 8)),
    ("昭和", datetime.date(1926, 12, 25)),
)

NOT_STATED = "記載なし"


def _man(amount: int) -> str:
    """An amount under 1億 in 万 units: 10,000,000 → 「1,000万」, 1,708,000 → 「170.8万」."""
    whole, rest = divmod(amount, MAN)
    if rest == 0:
        return f"{whole:,}万"
    fraction = (Decimal(rest) / MAN).normalize()
    return f"{whole:,}{str(fraction)[1:]}万"


def format_yen(amount: int | None) -> str:
    """Yen the Japanese way.

    >>> format_yen(10_000_000), format_yen(1_708_000), format_yen(150_000_000), format_yen(1_000_000_000)
    ('1,000万円', '170.8万円', '1億5,000万円', '10億円')
    >>> format_yen(9_999), format_yen(None)
    ('9,999円', '記載なし')
    """
    if amount is None:
        return NOT_STATED
    amount = int(amount)
    if amount < MAN:
        return f"{amount:,}円"
    oku, rest = divmod(amount, OKU)
    if oku == 0:
        return f"{_man(rest)}円"
    if rest == 0:
        return f"{oku:,}億円"
    if rest < MAN:
        return f"{oku:,}億{rest:,}円"
    return f"{oku:,}億{_man(rest)}円"


def format_date(day: datetime.date | datetime.datetime | None, *, weekday: bool = True) -> str:
    """「2026年3月31日（火）」; a datetime is read in the current time zone (JST)."""
    if day is None:
        return NOT_STATED
    day = _as_date(day)
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{WEEKDAYS[day.weekday()]}）" if weekday else text


def format_datetime(moment: datetime.datetime | None) -> str:
    """「2026年3月31日（火）23:59」 in JST."""
    if moment is None:
        return NOT_STATED
    local = _localtime(moment)
    return f"{format_date(local)}{local:%H:%M}"


def format_wareki(day: datetime.date | datetime.datetime | None) -> str:
    """The 和暦 form: 「令和8年3月31日」, 「令和元年5月1日」."""
    if day is None:
        return NOT_STATED
    day = _as_date(day)
    for era, start in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            year_text = "元" if year == 1 else str(year)
            return f"{era}{year_text}年{day.month}月{day.day}日"
    return format_date(day, weekday=False)


def format_days_left(days: int | None) -> str:
    """「残り74日」, 「本日締切」 on the day, 「締切済み」 after; empty when there is no deadline."""
    if days is None:
        return ""
    if days < 0:
        return "締切済み"
    if days == 0:
        return "本日締切"
    return f"残り{days}日"


def reading_minutes(text: str, *, per_minute: int = 500) -> int:
    """Minutes to read ``text`` (characters ÷ 500, rounded up; at least 1 for any text)."""
    characters = len("".join(text.split()))
    return math.ceil(characters / per_minute) if characters else 0


def _localtime(moment: datetime.datetime) -> datetime.datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _localtime(value).date() if value.tzinfo else value.date()
    return value
