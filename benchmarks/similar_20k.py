"""Scratch timing of ``similar_subsidies`` on a synthetic dataset (until the shared benchmark calls it).

    createdb -h 127.0.0.1 -U postgres hojo_compare_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hojo_compare_bench
    python manage.py migrate && python manage.py loaddata taxonomies
    python benchmarks/similar_20k.py 20000

Fills the database with N published listings (once), then times 30 random listings at 2026-01-16 12:00 JST.
Set JIT_OFF=1 to run with ``SET jit = off``.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from comparisons.similarity import related_prefetches, similar_subsidies  # noqa: E402
from subsidies.clock import JST  # noqa: E402
from subsidies.models import (  # noqa: E402
    ExpenseCategory,
    Organization,
    Purpose,
    Region,
    Subsidy,
    SubsidyExpense,
    TargetType,
)


def fill(n: int, rng: random.Random) -> None:
    regions = list(Region.objects.all())
    national = next(r for r in regions if r.code == Region.NATIONAL_CODE)
    prefectures = [r for r in regions if r.kind == Region.Kind.PREFECTURE]
    blocks = [r for r in regions if r.kind == Region.Kind.BLOCK]
    purposes, targets = list(Purpose.objects.all()), list(TargetType.objects.all())
    categories = list(ExpenseCategory.objects.all())
    organization, _ = Organization.objects.get_or_create(name="ベンチ機関")
    published = datetime.datetime(2025, 1, 1, tzinfo=JST)
    with transaction.atomic():
        listings = Subsidy.objects.bulk_create(
            [
                Subsidy(
                    title=f"ベンチ補助金{i}",
                    summary="s",
                    organization=organization,
                    state=Subsidy.State.PUBLISHED,
                    published_at=published,
                    max_amount=int(10 ** rng.uniform(5, 9)),
                    deadline=published + datetime.timedelta(days=rng.randint(0, 700)),
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        regions_rows, purpose_rows, target_rows, expense_rows = [], [], [], []
        for s in listings:
            x = rng.random()
            region = national if x < 0.3 else rng.choice(blocks) if x < 0.4 else rng.choice(prefectures)
            regions_rows.append(Subsidy.regions.through(subsidy_id=s.pk, region_id=region.pk))
            purpose_rows += [
                Subsidy.purposes.through(subsidy_id=s.pk, purpose_id=p.pk)
                for p in rng.sample(purposes, rng.randint(1, 3))
            ]
            target_rows += [
                Subsidy.target_types.through(subsidy_id=s.pk, targettype_id=t.pk)
                for t in rng.sample(targets, rng.randint(1, 3))
            ]
            expense_rows += [
                SubsidyExpense(subsidy_id=s.pk, label=c.name, category_id=c.pk, order=k)
                for k, c in enumerate(rng.sample(categories, rng.randint(2, 5)))
            ]
        for rows in (regions_rows, purpose_rows, target_rows, expense_rows):
            type(rows[0]).objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(n: int) -> None:
    rng = random.Random(6)
    if Subsidy.objects.count() < n:
        fill(n, rng)
    if os.environ.get("JIT_OFF") and connection.vendor == "postgresql":
        connection.cursor().execute("SET jit = off")
    now = datetime.datetime(2026, 1, 16, 12, 0, tzinfo=JST)
    pks = list(Subsidy.objects.published().order_by("?").values_list("pk", flat=True)[:30])
    times, counts = [], set()
    for pk in pks:
        subsidy = Subsidy.objects.prefetch_related(*related_prefetches()).get(pk=pk)
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            similar_subsidies(subsidy, on=now)
        times.append((time.perf_counter() - start) * 1000)
        counts.add(len(queries))
    times.sort()
    print(
        f"{connection.vendor} listings={Subsidy.objects.count()} runs={len(times)} queries={counts} "
        f"median={statistics.median(times):.1f}ms p90={times[int(len(times) * 0.9)]:.1f}ms max={times[-1]:.1f}ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
