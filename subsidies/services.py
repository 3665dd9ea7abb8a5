"""Editorial writes on a listing: publish, unpublish, record a verification.

Each takes the moment or the day it acts on (only the caller asks the clock) and the person doing it, and
records the change in the admin's history (LogEntry), so 「誰がいつ公開・確認したか」 can be answered later.
Each returns whether anything changed: publishing a published listing is a no-op, not a new entry.
"""

import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from .models import STATUS_RANK, ApplicationStatus, Round, Subsidy
from .rendering import web_url


def _record(*, subsidy: Subsidy, by: AbstractBaseUser, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[subsidy], action_flag=CHANGE, change_message=message, single_object=True
    )


@transaction.atomic
def subsidy_publish(*, subsidy: Subsidy, by: AbstractBaseUser, at: datetime.datetime) -> bool:
    """Make the listing public. ``published_at`` keeps its first value when a listing is republished."""
    if subsidy.state == Subsidy.State.PUBLISHED:
        return False
    subsidy.state = Subsidy.State.PUBLISHED
    if subsidy.published_at is None:
        subsidy.published_at = at
    subsidy.save(update_fields=["state", "published_at", "updated_at"])
    _record(subsidy=subsidy, by=by, message="公開しました。")
    return True


@transaction.atomic
def subsidy_unpublish(*, subsidy: Subsidy, by: AbstractBaseUser) -> bool:
    """Take the listing back to draft. Listings are unpublished, never deleted, so links can come back."""
    if subsidy.state == Subsidy.State.DRAFT:
        return False
    subsidy.state = Subsidy.State.DRAFT
    subsidy.save(update_fields=["state", "updated_at"])
    _record(subsidy=subsidy, by=by, message="非公開（下書き）に戻しました。")
    return True


def verification_url(subsidy: Subsidy) -> str:
    """The official page a verification is made against: the listing's official page, else its source."""
    return web_url(subsidy.official_url) or web_url(subsidy.source_url)


@transaction.atomic
def subsidy_mark_verified(*, subsidy: Subsidy, by: AbstractBaseUser, on: datetime.date) -> bool:
    """Record that ``by`` checked the listing against its official page (``verification_url``) on ``on`` (a
    JST date): who, when and which URL. Only a person may call this: ``verified_on`` is never inferred, and a
    listing without an official URL cannot be verified (``ValueError``).
    """
    url = verification_url(subsidy)
    if not url:
        raise ValueError("a listing without an official or source URL cannot be verified")
    if (subsidy.verified_on, subsidy.verified_by_id, subsidy.verified_source_url) == (on, by.pk, url):
        return False
    subsidy.verified_on, subsidy.verified_by, subsidy.verified_source_url = on, by, url
    subsidy.save(update_fields=["verified_on", "verified_by", "verified_source_url", "updated_at"])
    _record(subsidy=subsidy, by=by, message=f"公式情報（{url}）と照合しました（確認日 {on:%Y-%m-%d}）。")
    return True


# The listing's columns that mirror its current round.
ROUND_MIRROR = (*Round.PERIOD_FIELDS, "round_name")


def current_round(rounds, *, at: datetime.datetime) -> Round | None:
    """The round a listing shows at ``at``: an open one (the earliest deadline), else the next to open (the
    earliest start), else one whose period is not known yet (the last), else the last to close. The same
    ranking as the listing's statuses (``STATUS_RANK``)."""

    def rank(round_: Round):
        status = round_.status(at=at)
        if status == ApplicationStatus.OPEN:
            tie = round_.deadline.timestamp()
        elif status == ApplicationStatus.UPCOMING:
            tie = round_.accepts_from.timestamp()
        elif status == ApplicationStatus.UNKNOWN:
            tie = -round_.order - (round_.pk or 0) / 1e9
        else:
            tie = -round_.deadline.timestamp()
        return STATUS_RANK[status], tie

    return min(rounds, key=rank, default=None)


def sync_current_round(subsidy: Subsidy, *, at: datetime.datetime, rounds=None) -> bool:
    """Copy the current or next round's dates (and name) onto the listing's own columns, which the status
    rule, its SQL and the listing index read. The one place those columns follow the rounds: called after a
    round is saved or deleted in the admin, by the import, and by ``manage.py sync_rounds`` (daily, for the
    roll-over when a round passes). A listing without rounds, or a 随時 one, keeps its own dates.
    Returns whether the listing changed."""
    if subsidy.rolling:
        return False
    rounds = list(subsidy.rounds.all()) if rounds is None else rounds
    current = current_round(rounds, at=at)
    if current is None:
        return False
    values = {field: getattr(current, field) for field in Round.PERIOD_FIELDS}
    values["round_name"] = current.name
    if all(getattr(subsidy, field) == value for field, value in values.items()):
        return False
    for field, value in values.items():
        setattr(subsidy, field, value)
    subsidy.save(update_fields=[*ROUND_MIRROR, "updated_at"])
    return True
