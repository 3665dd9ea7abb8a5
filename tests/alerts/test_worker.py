"""The real worker (``manage.py alerts_worker`` in a subprocess) against a real SMTP server in this process.

PostgreSQL only: the worker and the test share the database, and the test database on SQLite lives in this
process's memory. ``.ci/run`` runs these in its PostgreSQL pass (the tests start and kill the worker themselves).
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts import services, tasks
from alerts.models import DailyRun, OutgoingMail, Subscription
from tests.alerts.conftest import text_of
from tests.factories import jst, make_purpose, make_subsidy

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker shares the database: PostgreSQL only"
    ),
    # serialized_rollback: the flush after each test leaves the tables empty (not refilled by post_migrate),
    # and the database as migrations left it (editor group, sending switch ...) is loaded back at the start of
    # each test and, by the fixture below, after the last one: later tests find what they would have found.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def database_as_migrated_afterwards(django_db_blocker):
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if connection.vendor == "postgresql" and contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, *, seconds=60.0, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Worker:
    def __init__(self, smtp_port: int, log: Path, **env):
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": database_url(),
            "DJANGO_CONN_MAX_AGE": "0",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_port),
            "ALERTS_LEASE_SECONDS": "2",
            "ALERTS_SEND_HOUR": "23",
        } | env
        self.process = None
        self.log = log

    def start(self):
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "alerts_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                    "--tick",
                    "0.5",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(smtp, tmp_path):
    started = []

    def start(**env):
        started.append(Worker(smtp.port, tmp_path / f"worker-{len(started)}.log", **env).start())
        return started[-1]

    yield start
    for each in started:
        each.stop()


def test_opt_in_through_the_worker_sends_the_confirmation_and_nothing_else(client, smtp, worker):
    listing = make_subsidy(deadline=jst(2099, 1, 1))
    worker()
    response = client.post(reverse("alerts:subscribe_deadline", args=[listing.pk]), {"email": "w@example.jp"})
    assert response.status_code == 200
    wait_for(lambda: len(smtp.messages) == 1, what="the confirmation mail")
    body = text_of(smtp.messages[0])
    path = re.search(r"http://[^/]+(/alerts/confirm/\S+/)", body).group(1)
    assert Subscription.objects.get().confirmed_at is None
    assert client.post(path).status_code == 200
    assert Subscription.objects.get().is_active
    time.sleep(1.5)
    assert len(smtp.messages) == 1


def test_the_daily_run_in_the_worker_sends_reminders_at_the_jst_boundary_once(smtp, worker):
    listing = make_subsidy(title="境界の補助金", deadline=jst(2027, 3, 31), published_at=jst(2027, 1, 1))
    for n in range(3):
        made = services.subscribe(
            email=f"r{n}@example.jp", kind="deadline", description="t", now=jst(2027, 3, 1), subsidy=listing
        )
        services.confirm(subscription_id=made.pk, now=jst(2027, 3, 1))
    OutgoingMail.objects.all().delete()
    # 23:59:59 JST on the 16th (15 days left), then 00:00 JST on the 17th (14 days left).
    before = datetime.datetime(2027, 3, 16, 14, 59, 59, tzinfo=datetime.UTC)
    DailyRun.objects.create(day=datetime.date(2027, 3, 16), at=before, heartbeat=timezone.now())
    tasks.run_day.enqueue("2027-03-16")
    worker()
    wait_for(
        lambda: DailyRun.objects.filter(day="2027-03-16", finished_at__isnull=False).exists(), what="run 1"
    )
    assert smtp.messages == []
    DailyRun.objects.create(
        day=datetime.date(2027, 3, 17), at=jst(2027, 3, 17, 0, 0), heartbeat=timezone.now()
    )
    tasks.run_day.enqueue("2027-03-17")
    wait_for(lambda: len(smtp.messages) == 3, what="three reminders")
    assert all("残り14日" in text_of(m) and "境界の補助金" in text_of(m) for m in smtp.messages)
    tasks.run_day.enqueue("2027-03-17")  # the same day again: nothing more
    time.sleep(3)
    assert len(smtp.messages) == 3
    assert sorted(m["To"] for m in smtp.messages) == ["r0@example.jp", "r1@example.jp", "r2@example.jp"]


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing_after_a_restart(smtp, worker):
    purpose = make_purpose(slug="it", name="IT導入")
    confirmed = timezone.now() - datetime.timedelta(days=2)
    addresses = [f"k{n}@example.jp" for n in range(6)]
    for address in addresses:
        made = services.subscribe(
            email=address, kind="search", description="t", now=confirmed, query="purpose=it"
        )
        services.confirm(subscription_id=made.pk, now=confirmed)
    OutgoingMail.objects.all().delete()
    make_subsidy(
        title="新着の補助金",
        purposes=[purpose],
        deadline=jst(2099, 1, 1),
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    first = worker(ALERTS_SEND_HOUR="0")  # the schedule enqueues today's run at once

    def kill_at_third(number):
        if number == 3:
            first.process.send_signal(signal.SIGKILL)  # before the server accepts the third mail
            return False
        return True

    smtp.before_accept = kill_at_third
    first.process.wait(timeout=60)
    assert first.process.returncode == -signal.SIGKILL
    assert len(smtp.messages) == 2
    run = DailyRun.objects.get()
    assert run.finished_at is None
    assert OutgoingMail.objects.filter(kind="digest").count() == 6  # all planned before sending began
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2

    smtp.before_accept = None
    worker(ALERTS_SEND_HOUR="0")  # takes the run over once its heartbeat is older than the lease (2 s)
    wait_for(lambda: len(smtp.messages) >= 6, what="the remaining mails")
    wait_for(lambda: DailyRun.objects.filter(finished_at__isnull=False).exists(), what="the run to finish")
    time.sleep(2)
    assert sorted(m["To"] for m in smtp.messages) == sorted(addresses)
    assert all("新着の補助金" in text_of(m) for m in smtp.messages)
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0
    assert len({m["Message-ID"] for m in smtp.messages}) == 6
