"""Background tasks (``django.tasks``, persisted in the database by ``django_tasks_db``).

Tasks carry ids and ISO moments, never addresses. Their work is recorded in alerts' own tables, not in the
task result: a task killed mid-run (its result row stays "RUNNING") is redone by a later run, which skips
what is recorded as done.
"""

import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from alerts import digests, mail
from alerts.models import DailyRun


@task
def send_mail(mail_id: int) -> str:
    """Sends one stored mail (a confirmation) at once."""
    return mail.send_one(mail_id, now=timezone.now())


@task
def send_pending() -> dict:
    """Sends every unsent mail (after sending is resumed)."""
    return mail.send_pending(now=timezone.now())


@task
def run_day(day: str) -> dict:
    """The daily job of one JST day: write the day's digests, then send every unsent mail."""
    run = DailyRun.objects.get(day=datetime.date.fromisoformat(day))

    def heartbeat():
        DailyRun.objects.filter(pk=run.pk).update(heartbeat=timezone.now())

    written = digests.plan_day(at=run.at, heartbeat=heartbeat)
    sent = mail.send_pending(now=timezone.now(), heartbeat=heartbeat)
    with transaction.atomic():
        DailyRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), heartbeat=timezone.now(), mails=run.mails + written
        )
    return {"written": written, **sent}
