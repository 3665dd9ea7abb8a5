"""How amounts, dates, days left and reading time read on the site. One place, tested at the edges."""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
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
# What a listing without a known acceptance period says where a deadline would be.
PERIOD_UNKNOWN = "受付期間は公式ページで確認"
ROLLING = "随時"
# A view count is shown only from this many counted views: below it, a number says more than it knows.
VIEWS_SHOWN_FROM = 10


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


def format_expected(moment: datetime.datetime) -> str:
    """An expected (予定) date, to the month only: 「2027年3月頃（予定）」."""
    day = _as_date(moment)
    return f"{day.year}年{day.month}月頃（予定）"


def format_moment(moment, *, has_time: bool, expected: bool, weekday: bool = True) -> str:
    """A date of a listing as the source gives it: with its time only when the source states one, and an
    expected date as 「2027年3月頃（予定）」."""
    if moment is None:
        return NOT_STATED
    if expected:
        return format_expected(moment)
    if has_time:
        return f"{format_date(moment, weekday=weekday)}{_localtime(moment):%H:%M}"
    return format_date(moment, weekday=weekday)


def format_deadline(subsidy, *, weekday: bool = True) -> str:
    """The deadline everywhere it appears: 「2026年3月31日（火）」, 「…（火）17:00」 when the source gives the
    time, 「2027年3月頃（予定）」, 「随時」, or 「受付期間は公式ページで確認」 when nothing is known."""
    if subsidy.rolling:
        return ROLLING
    if subsidy.deadline is None:
        return PERIOD_UNKNOWN
    return format_moment(
        subsidy.deadline,
        has_time=subsidy.deadline_has_time,
        expected=subsidy.deadline_expected,
        weekday=weekday,
    )


def format_accepts_from(subsidy, *, weekday: bool = True) -> str:
    """The start of acceptance, the same way as ``format_deadline`` (empty when not stated)."""
    if subsidy.accepts_from is None:
        return ""
    return format_moment(
        subsidy.accepts_from,
        has_time=subsidy.accepts_from_has_time,
        expected=subsidy.accepts_from_expected,
        weekday=weekday,
    )


def format_views(count: int) -> str:
    """「1,234回閲覧」 from ``VIEWS_SHOWN_FROM`` counted views; nothing below (a small count is noise)."""
    return f"{count:,}回閲覧" if count >= VIEWS_SHOWN_FROM else ""


@dataclass(frozen=True)
class AmountClaim:
    """An amount a text states, as the range of yen it can mean."""

    text: str
    low: int
    high: int


# 「数千万円」 says at least two of the unit and less than ten.
VAGUE_UNITS = {"数十億": 10 * OKU, "数億": OKU, "数千万": 1000 * MAN, "数百万": 100 * MAN}
_AMOUNT = re.compile(
    r"(?P<vague>数十億|数億|数千万|数百万)円"
    r"|(?P<oku>\d[\d,]*(?:\.\d+)?)億(?:(?P<oku_man>\d[\d,]*)万)?円"
    r"|(?P<man>\d[\d,]*(?:\.\d+)?)万円"
    r"|(?P<yen>\d[\d,]*)円"
)


def _numbers(found: re.Match):
    def number(name: str) -> Decimal:
        return Decimal(found[name].replace(",", ""))

    return number


def title_amounts(text: str) -> list[AmountClaim]:
    """Every amount of money ``text`` states (full-width digits too).

    >>> [(c.low, c.high) for c in title_amounts("最大170.8万円！")]
    [(1708000, 1708000)]
    >>> [(c.text, c.low, c.high) for c in title_amounts("最大数千万円規模")]
    [('数千万円', 20000000, 99999999)]
    >>> [c.low for c in title_amounts("最大1億5,000万円")]
    [150000000]
    """
    claims = []
    for found in _AMOUNT.finditer(unicodedata.normalize("NFKC", text)):
        number = _numbers(found)
        if found["vague"]:
            unit = VAGUE_UNITS[found["vague"]]
            claims.append(AmountClaim(found[0], 2 * unit, 10 * unit - 1))
            continue
        if found["oku"]:
            value = number("oku") * OKU + (number("oku_man") * MAN if found["oku_man"] else 0)
        elif found["man"]:
            value = number("man") * MAN
        else:
            value = number("yen")
        claims.append(AmountClaim(found[0], int(value), int(value)))
    return claims
