"""A listing's deadline as an iCalendar (RFC 5545) event, and as a Google Calendar link.

A deadline given as a date only (``Subsidy.deadline_has_time`` off) is an all-day event on that day; a
deadline with a time stated by the source is a one-hour event ending at the deadline. Only announced
deadlines become events (``Subsidy.has_firm_deadline``): an expected (予定) date would look firm in a calendar. Times are written in UTC, so the file
needs no VTIMEZONE. The event carries a reminder seven days before.
"""

import datetime
from urllib.parse import urlencode, urlsplit

from .clock import JST

CRLF = "\r\n"
MAX_OCTETS = 75
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


def event_span(
    deadline: datetime.datetime, *, all_day: bool
) -> tuple[datetime.date, datetime.date] | tuple[datetime.datetime, datetime.datetime]:
    """(start, end): dates for an all-day deadline (end exclusive), else the hour before the deadline."""
    if all_day:
        day = deadline.astimezone(JST).date()
        return day, day + datetime.timedelta(days=1)
    return deadline - datetime.timedelta(hours=1), deadline


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = MAX_OCTETS if not parts else MAX_OCTETS - 1  # continuation lines start with a space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def deadline_event(
    *,
    pk: int,
    title: str,
    deadline: datetime.datetime,
    all_day: bool,
    url: str,
    description: str,
    now: datetime.datetime,
) -> str:
    host = urlsplit(url).hostname or "localhost"
    start, end = event_span(deadline, all_day=all_day)
    if isinstance(start, datetime.datetime):
        when = [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]
    else:
        when = [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//補助金ディレクトリ//deadline//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:subsidy-{pk}-deadline@{host}",
        f"DTSTAMP:{_utc(now)}",
        *when,
        f"SUMMARY:{escape_text(f'【締切】{title}')}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(f'締切まであと7日: {title}')}",
        "TRIGGER:-P7D",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)


def google_calendar_url(*, title: str, deadline: datetime.datetime, all_day: bool, details: str) -> str:
    start, end = event_span(deadline, all_day=all_day)
    if isinstance(start, datetime.datetime):
        dates = f"{_utc(start)}/{_utc(end)}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    query = {
        "action": "TEMPLATE",
        "text": f"【締切】{title}",
        "dates": dates,
        "details": details,
        "ctz": "Asia/Tokyo",
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"
