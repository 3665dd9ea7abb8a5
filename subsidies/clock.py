"""Time in JST. Every rule takes its moment as an argument; only views ask for the current one."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

JST = ZoneInfo("Asia/Tokyo")


def now() -> datetime.datetime:
    return timezone.now()


def jst_date(moment: datetime.datetime) -> datetime.date:
    """The calendar date of ``moment`` in Japan."""
    return moment.astimezone(JST).date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    """23:59:59.999999 JST of ``day``: the last moment a deadline on that day can fall."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=JST)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """0:00 JST of ``day``: when an acceptance period given as a date only begins."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=JST)


def next_hour(moment: datetime.datetime) -> datetime.datetime:
    """The start of the hour after ``moment``'s, in JST (10:00 for 09:00:00 and for 09:59:59)."""
    local = moment.astimezone(JST).replace(minute=0, second=0, microsecond=0)
    return local + datetime.timedelta(hours=1)


def next_midnight(moment: datetime.datetime) -> datetime.datetime:
    """The start of the JST day after ``moment``'s: when every 「残りN日」 changes."""
    return datetime.datetime.combine(
        jst_date(moment) + datetime.timedelta(days=1), datetime.time(), tzinfo=JST
    )
