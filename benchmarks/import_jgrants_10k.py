"""Import 10,000 generated jGrants records in one run and report its time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hojo_import_bench python benchmarks/import_jgrants_10k.py

Creates the database's tables and vocabulary when it is empty, writes the records (v2 detail records with two
workflow rounds each, ~1.5 KB of detail HTML, every vocabulary kind) as 10 list-shaped files in a temporary
directory, then runs ``jgrants.importing.import_files`` over them once, then once more (the no-op re-import).
Peak memory is the process's maximum resident set size (``ru_maxrss``), which includes Django itself.
"""

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402

from subsidies.models import Industry, Purpose, Region, Subsidy  # noqa: E402

COUNT = int(os.environ.get("IMPORT_COUNT", "10000"))
FILES = 10


def prepare() -> None:
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("loaddata", "taxonomies", verbosity=0)
    Subsidy.objects.filter(jgrants_id__startswith="BENCH").delete()


def records(rng: random.Random) -> list[dict]:
    regions = [r.name for r in Region.objects.all()]
    purposes = [p.name for p in Purpose.objects.all()]
    industries = [i.name for i in Industry.objects.all()]
    paragraph = "<p>中小企業の設備投資と販路開拓を支援します。<strong style='color:red'>対象経費</strong>は機械装置費など。</p>"
    out = []
    for n in range(COUNT):
        start = f"2026-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}T15:00Z"
        out.append(
            {
                "id": f"BENCH{n:013}",
                "name": f"S-{n:08}",
                "title": f"合成データ 補助金 {n}",
                "subsidy_catch_phrase": "ベンチマーク用の合成レコードです。",
                "detail": paragraph * 12,
                "use_purpose": " / ".join(rng.sample(purposes, 2)),
                "industry": " / ".join(rng.sample(industries, 3)),
                "target_number_of_employees": "300名以下",
                "subsidy_rate": "1/2以内",
                "subsidy_max_limit": rng.choice([0, 1_000_000, 5_000_000, 10_000_000]),
                "front_subsidy_detail_page_url": f"https://www.jgrants-portal.go.jp/subsidy/BENCH{n:013}",
                "institution_name": f"合成データ機関{n % 50}",
                "workflow": [
                    {
                        "id": f"BW{n:013}1",
                        "fiscal_year_round": "第1回",
                        "target_area_search": rng.choice(regions),
                        "acceptance_start_datetime": "2025-04-30T15:00Z",
                        "acceptance_end_datetime": "2025-06-30T08:00Z",
                        "project_end_deadline": "2026-01-31T14:59Z",
                    },
                    {
                        "id": f"BW{n:013}2",
                        "fiscal_year_round": "第2回",
                        "target_area_search": rng.choice(regions),
                        "acceptance_start_datetime": start,
                        "acceptance_end_datetime": "2027-06-30T08:00Z",
                        "project_end_deadline": "2028-01-31T14:59Z",
                    },
                ],
                "target_area_search": " / ".join(rng.sample(regions, 2)),
            }
        )
    return out


def main() -> None:
    from jgrants.importing import import_files
    from subsidies import clock

    prepare()
    data = records(random.Random(17))
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        size = len(data) // FILES
        for i in range(FILES):
            path = Path(folder) / f"list-{i:02}.json"
            path.write_text(
                json.dumps(
                    {"metadata": {"resultset": {"count": size}}, "result": data[i * size : (i + 1) * size]},
                    ensure_ascii=False,
                )
            )
            paths.append(path)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        del data
        reset_queries()
        started = time.perf_counter()
        run = import_files(paths, at=clock.now())
        first = time.perf_counter() - started
        peak_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        again = import_files(paths, at=clock.now())
        second = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"records: {COUNT} in {FILES} files, {megabytes:.1f} MB of JSON")
    print(f"first import: {first:.1f} s ({COUNT / first:.0f} records/s): {run.summary}")
    print(f"peak RSS after first import: {peak_first:.0f} MB")
    print(f"re-import of the same files: {second:.1f} s: {again.summary}")
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
