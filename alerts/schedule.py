"""When the daily job runs: once per JST day from ``ALERTS_SEND_HOUR``, taken over if its worker dies.

``tick(now)`` is called by every worker (``manage.py alerts_worker``) about once a minute. The first tick of a
day after the send hour creates that day's ``DailyRun`` and enqueues its task in the same transaction (the
row's unique day makes the workers agree). A run that has not finished and whose heartbeat is older than
``ALERTS_LEASE_SECONDS`` belonged to a worker that died: the tick enqueues it again. The run redoes nothing
that is recorded as done (``digests``, ``mail``).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from alerts.models import DailyRun
from subsidies.clock import JST, jst_date


def send_moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(settings.ALERTS_SEND_HOUR), tzinfo=JST)


def tick(now: datetime.datetime) -> DailyRun | None:
    """Enqueues today's run when it is due or its worker died; returns the run enqueued, if any."""
    from alerts.tasks import run_day

    day = jst_date(now)
    at = send_moment(day)
    if now < at:
        return None
    lease = datetime.timedelta(seconds=settings.ALERTS_LEASE_SECONDS)
    try:
        with transaction.atomic():
            run = DailyRun.objects.select_for_update().filter(day=day).first()
            if run is None:
                run = DailyRun.objects.create(day=day, at=at, heartbeat=now)
            elif run.finished_at is not None or run.heartbeat > now - lease:
                return None
            run.heartbeat = now
            run.task_id = str(run_day.enqueue(day.isoformat()).id)
            run.save(update_fields=["heartbeat", "task_id"])
            return run
    except IntegrityError:
        return None  # another worker created the day's run at the same moment
