"""One daily run of the e-mail alerts at scale: time and peak memory (``manage.py bench_alerts``).

Over the listings already in the database (``generate_demo_data``), it replaces every alerts row with
``--subscriptions`` confirmed subscriptions (70 % saved searches drawn from the listing's own filters, 30 %
deadline reminders on open listings closing within 60 days), marks ``--changed`` listings as changed in the
last day (a fifth of them newly published), then runs the daily job as the worker does (``plan_day`` writing
every digest, then ``send_pending`` over SMTP to an aiosmtpd sink in this process) and runs it again (the
idempotent re-run). It reports wall time, SQL queries and the process's peak RSS (``ru_maxrss``, which also
counts the SMTP sink's thread) for each phase.

Not a test and not in CI: it deletes every alerts row of the database it is pointed at.
"""

import datetime
import random
import resource
import socket
import time

from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from alerts import digests, mail
from alerts.models import Address, DailyRun, DigestItem, OutgoingMail, Subscription
from subsidies import listing_index, versioning
from subsidies.filters import AMOUNT_BANDS
from subsidies.models import Purpose, Region, Subsidy

KEYWORDS = ["DX", "省エネ", "創業", "設備", "人材", "観光", "IT", "補助"]


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_rows(*, subscriptions: int, changed: int, at: datetime.datetime, seed: int = 21) -> dict:
    rng = random.Random(seed)
    with transaction.atomic():
        for model in (DigestItem, OutgoingMail, Subscription, Address, DailyRun):
            model.objects.all().delete()
        prefectures = list(Region.objects.filter(kind=Region.Kind.PREFECTURE).values_list("slug", flat=True))
        purposes = list(Purpose.objects.values_list("slug", flat=True))
        soon = list(
            Subsidy.objects.published()
            .filter(rolling=False, deadline__gt=at, deadline__lte=at + datetime.timedelta(days=60))
            .values_list("pk", flat=True)
        )
        addresses = Address.objects.bulk_create(
            [Address(email=f"bench{n}@example.jp") for n in range(int(subscriptions * 0.7))], batch_size=2000
        )
        rows, searches_, seen = [], 0, set()
        since = at - datetime.timedelta(days=1)
        for n in range(subscriptions):
            address = addresses[n % len(addresses)]
            if n % 10 < 7:
                params = [f"region={rng.choice(prefectures)}"]
                if rng.random() < 0.6:
                    params.append(f"purpose={rng.choice(purposes)}")
                if rng.random() < 0.2:
                    params.append(f"q={rng.choice(KEYWORDS)}")
                if rng.random() < 0.1:
                    params.append(f"amount={rng.choice(AMOUNT_BANDS)[0]}")
                query = "&".join(sorted(params))
                if (address.pk, query) in seen:
                    continue
                seen.add((address.pk, query))
                searches_ += 1
                rows.append(Subscription(address=address, kind="search", query=query))
            else:
                pk = rng.choice(soon)
                if (address.pk, pk) in seen:
                    continue
                seen.add((address.pk, pk))
                rows.append(Subscription(address=address, kind="deadline", subsidy_id=pk))
        for row in rows:
            row.confirmed_at = row.checked_at = since
        Subscription.objects.bulk_create(rows, batch_size=2000)
        published = list(Subsidy.objects.published().values_list("pk", flat=True))
        picked = rng.sample(published, changed)
        for i, pk in enumerate(picked):
            moment = at - datetime.timedelta(minutes=rng.randrange(1, 23 * 60))
            fields = {"updated_at": moment} | ({"published_at": moment} if i % 5 == 0 else {})
            Subsidy.objects.filter(pk=pk).update(**fields)
        versioning.bump()
    return {
        "subscriptions": len(rows),
        "searches": searches_,
        "distinct queries": len({r.query for r in rows if r.kind == "search"}),
        "addresses": len(addresses),
        "listings": Subsidy.objects.count(),
        "changed": changed,
    }


def timed(label, work, results):
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        outcome = work()
    results.append((label, time.perf_counter() - started, counter.count, peak_mb(), outcome))


def run(*, subscriptions: int, changed: int, log) -> str:
    at = timezone.now().replace(microsecond=0)
    log("setting up rows ...")
    facts = make_rows(subscriptions=subscriptions, changed=changed, at=at)
    listing_index.forget()
    sink = Sink()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    results: list = []
    start_mb = peak_mb()
    try:
        with override_settings(MAILERS=mailers):
            timed("plan (index build, every digest written)", lambda: digests.plan_day(at=at), results)
            timed("send (SMTP, one connection)", lambda: mail.send_pending(now=timezone.now()), results)
            timed("second run: plan", lambda: digests.plan_day(at=at), results)
            timed("second run: send", lambda: mail.send_pending(now=timezone.now()), results)
    finally:
        controller.stop()
    items = DigestItem.objects.count()
    reminders = DigestItem.objects.filter(kind="reminder").count()
    lines = [
        "Daily alerts run: "
        + ", ".join(f"{k} {v:,}" for k, v in facts.items())
        + f"; database {connection.vendor}",
        f"peak RSS before the run: {start_mb:.0f} MB",
        "",
        "| phase | seconds | SQL queries | peak RSS (MB) | result |",
        "|---|---|---|---|---|",
    ]
    for label, seconds, queries, mb, outcome in results:
        lines.append(f"| {label} | {seconds:.1f} | {queries:,} | {mb:.0f} | {outcome} |")
    total = sum(r[1] for r in results[:2])
    lines.append("")
    lines.append(
        f"one daily run: {total:.1f} s; mails {OutgoingMail.objects.count():,} (SMTP sink received {sink.count:,}), "
        f"items {items:,} of which reminders {reminders:,}"
    )
    return "\n".join(lines)
