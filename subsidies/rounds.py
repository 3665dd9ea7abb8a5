"""How a listing's rounds (公募回) read on its page at a moment: each round's period and status, and what is
known of the next one. The listing's own dates are its current round's (``services.sync_current_round``)."""

import datetime
from dataclasses import dataclass

from .formatting import format_accepts_from, format_deadline, format_moment
from .models import ApplicationStatus, Round

NEXT_NOT_ANNOUNCED = "次回の公募は未発表"


@dataclass(frozen=True)
class RoundRow:
    name: str
    period: str
    project_end: str
    area: str
    guidelines_url: str
    status: str
    # The source's own words for the round's state (「受付終了」), shown beside the site's status.
    source_status: str
    expected: bool
    current: bool


@dataclass(frozen=True)
class RoundHistory:
    rows: tuple[RoundRow, ...]
    # Empty while a round is open; else the next round (「次回: 第20回 受付開始 2027年3月頃（予定）」) or
    # 「次回の公募は未発表」.
    next_round: str


def period_text(round_: Round) -> str:
    """「2026年4月1日（水）〜2026年5月31日（日）」, each end as the source gives it."""
    start = format_accepts_from(round_)
    end = format_deadline(round_)
    return f"{start}〜{end}" if start else f"〜{end}" if round_.deadline else end


def status_label(round_: Round, *, at: datetime.datetime) -> str:
    status = round_.status(at=at)
    if status == ApplicationStatus.UPCOMING and round_.is_expected:
        return "予定"
    return status.label


def history(rounds, *, at: datetime.datetime) -> RoundHistory:
    rounds = list(rounds)
    statuses = [round_.status(at=at) for round_ in rounds]
    rows = tuple(
        RoundRow(
            name=round_.name or "（名称なし）",
            period=period_text(round_),
            project_end=format_moment(
                round_.project_end, has_time=round_.project_end_has_time, expected=False
            )
            if round_.project_end
            else "",
            area=round_.area,
            guidelines_url=round_.guidelines_url,
            status=status_label(round_, at=at),
            source_status=round_.source_status,
            expected=round_.is_expected,
            current=status == ApplicationStatus.OPEN,
        )
        for round_, status in zip(rounds, statuses, strict=True)
    )
    if ApplicationStatus.OPEN in statuses:
        return RoundHistory(rows, "")
    upcoming = [r for r, s in zip(rounds, statuses, strict=True) if s == ApplicationStatus.UPCOMING]
    if not upcoming:
        return RoundHistory(rows, NEXT_NOT_ANNOUNCED)
    following = min(upcoming, key=lambda r: r.accepts_from)
    name = f"{following.name} " if following.name else ""
    start = format_accepts_from(following)
    text = f"次回: {name}受付開始 {start}"
    if following.deadline:
        text += f"、締切 {format_deadline(following)}"
    if following.is_expected and "（予定）" not in text:
        text += "（予定）"
    return RoundHistory(rows, text)
