import datetime

import pytest
from django.urls import reverse

from subsidies import clock
from subsidies.calendar import escape_text, fold, google_calendar_url
from subsidies.models import Subsidy
from tests.factories import NOW, jst, make_subsidy

LONG_TITLE = "海外展開を目指す中小企業向け最大数千万円規模！AOTS補助金・人材育成事業の申請ガイド（2026年）；カンマ,も入る"


def ics(client, subsidy):
    response = client.get(reverse("subsidies:deadline_ics", kwargs={"pk": subsidy.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def parse(content: bytes) -> list[tuple[str, str]]:
    """Check the RFC 5545 framing, then unfold and split into (name with parameters, value)."""
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    for physical in content.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # folding never splits a character
    text = content.decode().replace("\r\n ", "")
    return [tuple(line.split(":", 1)) for line in text.split("\r\n")[:-1]]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.mark.django_db
def test_a_deadline_given_as_a_date_only_is_an_all_day_event_with_a_reminder_7_days_before(client):
    subsidy = make_subsidy(title=LONG_TITLE, deadline=jst(2026, 3, 31), deadline_note="予算に達し次第終了")
    lines = parse(ics(client, subsidy))
    assert lines[0] == ("BEGIN", "VCALENDAR") and lines[-1] == ("END", "VCALENDAR")
    calendar = dict(lines[: lines.index(("BEGIN", "VEVENT"))])
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//")
    props = dict(lines[lines.index(("BEGIN", "VEVENT")) : lines.index(("BEGIN", "VALARM"))])
    assert props["UID"] == f"subsidy-{subsidy.pk}-deadline@127.0.0.1"
    assert props["DTSTAMP"] == "20260116T030000Z"
    assert props["DTSTART;VALUE=DATE"] == "20260331"
    assert props["DTEND;VALUE=DATE"] == "20260401"
    assert props["SUMMARY"] == "【締切】" + LONG_TITLE.replace(",", "\\,")
    assert "予算に達し次第終了" in props["DESCRIPTION"]
    assert props["URL"].endswith(f"/subsidies/{subsidy.pk}/")
    assert lines.index(("END", "VALARM")) < lines.index(("END", "VEVENT"))
    valarm = lines[lines.index(("BEGIN", "VALARM")) : lines.index(("END", "VALARM"))]
    assert ("TRIGGER", "-P7D") in valarm
    assert ("ACTION", "DISPLAY") in valarm
    assert any(name == "DESCRIPTION" for name, _ in valarm)


@pytest.mark.django_db
def test_deadline_with_a_time_is_the_hour_before_it_in_utc(client):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31, 17, 0), deadline_has_time=True)
    lines = parse(ics(client, subsidy))
    props = dict(lines[lines.index(("BEGIN", "VEVENT")) : lines.index(("BEGIN", "VALARM"))])
    assert props["DTSTART"] == "20260331T070000Z"
    assert props["DTEND"] == "20260331T080000Z"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"rolling": True, "deadline": None},
        {"deadline": None},
        {"deadline_expected": True},
        {"kind": "roundup"},
    ],
)
def test_no_calendar_file_without_an_announced_deadline(client, fields):
    subsidy = make_subsidy(**fields)
    assert client.get(reverse("subsidies:deadline_ics", kwargs={"pk": subsidy.pk})).status_code == 404


@pytest.mark.django_db
def test_draft_calendar_file_is_404_for_the_public_and_served_to_staff(client, staff_client):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    url = reverse("subsidies:deadline_ics", kwargs={"pk": draft.pk})
    assert client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200
    assert client.get(reverse("subsidies:deadline_ics", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.django_db
def test_detail_page_links_the_file_and_google_calendar(client):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    text = client.get(subsidy.get_absolute_url()).text
    assert f'href="/subsidies/{subsidy.pk}/deadline.ics"' in text
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;" in text
    assert "dates=20260331%2F20260401" in text


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"deadline_expected": True}, {"deadline": jst(2026, 1, 15)}])
def test_no_calendar_links_for_an_expected_or_a_passed_deadline(client, fields):
    subsidy = make_subsidy(**fields)
    text = client.get(subsidy.get_absolute_url()).text
    assert "deadline.ics" not in text
    assert "calendar.google.com" not in text


def test_folding_counts_octets_and_never_splits_a_character():
    line = "SUMMARY:" + "補" * 60
    folded = fold(line).encode()
    parts = folded.split(b"\r\n ")
    assert all(len(part) <= 75 for part in parts)
    assert b"".join(parts).decode() == line
    assert fold("SHORT:x") == "SHORT:x"


def test_text_values_escape_commas_semicolons_backslashes_and_newlines():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_google_link_uses_utc_times_for_a_timed_deadline():
    url = google_calendar_url(title="補助金", deadline=jst(2026, 3, 31, 17, 0), all_day=False, details="x")
    assert "dates=20260331T070000Z%2F20260331T080000Z" in url
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")


def test_all_day_span_is_the_deadline_day_in_jst():
    from subsidies.calendar import event_span

    day = (datetime.date(2026, 12, 31), datetime.date(2027, 1, 1))
    assert event_span(jst(2026, 12, 31), all_day=True) == day
    assert event_span(jst(2026, 12, 31, 0, 5), all_day=True) == day
    # A time stated as 23:59 (jGrants' 14:59Z) is the source's time, not "no time".
    assert event_span(jst(2026, 12, 31), all_day=False) == (jst(2026, 12, 31, 22, 59), jst(2026, 12, 31))
