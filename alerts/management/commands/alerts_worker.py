"""The worker: django_tasks_db's ``db_worker`` plus the daily schedule (``alerts.schedule.tick``).

Run one or more, on any machine that reaches the database: ``python manage.py alerts_worker``. Every option of
``db_worker`` works (``--batch``, ``--max-tasks``, ``--interval`` ...). ``--tick`` sets the seconds between
schedule checks (60).
"""

import logging
import os
import threading
import time

from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from alerts import schedule

logger = logging.getLogger("alerts")


def _schedule_loop(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            run = schedule.tick(timezone.now())
            if run is not None:
                logger.info("daily alerts for %s enqueued", run.day)
        except Exception:
            logger.exception("alerts schedule tick failed")
        finally:
            connection.close()
        stop.wait(every)


class Command(DbWorkerCommand):
    help = "Runs queued tasks and enqueues the daily e-mail alerts (db_worker + the alerts schedule)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--tick", type=float, default=60.0, help="Seconds between schedule checks (60).")

    def handle(self, *args, tick: float, **options):
        if options.get("batch"):
            schedule.tick(
                timezone.now()
            )  # from cron: enqueue the day's run if due, then run everything queued
        reloading_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloading_parent and not options.get("batch"):
            stop = threading.Event()
            threading.Thread(
                target=_schedule_loop, args=(tick, stop), daemon=True, name="alerts-schedule"
            ).start()
            time.sleep(0)  # let the first tick start before the worker's first poll
        return super().handle(*args, **options)
