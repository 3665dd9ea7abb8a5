"""Every kind of anonymous page against a static copy of the seed page, served by the same gunicorn.

    python benchmarks/pages_vs_static.py             # or: make bench-pages

The sibling of ``detail_vs_static.py`` (whose database, static copy, gunicorn and wrk helpers it reuses): the
demo data in ``hojo_detail_bench``, production settings, gunicorn with ``BENCH_WORKERS`` sync workers (default:
the CPUs), ``wrk -t2 -c16`` (``BENCH_CONNECTIONS``) against each page in turn, interleaved over
``BENCH_ROUNDS`` rounds so that every page and the static copy see the same machine load. It prints each
page's median requests/s, its ratio to the static copy's (the target is 50 % or more) and the CPU each request
cost gunicorn and PostgreSQL.

- ``BENCH_CACHE_URL`` (e.g. ``redis://127.0.0.1:6379/5``) runs the site with that shared cache
  (``CACHE_URL``), which turns on the whole-page cache of the listing pages; without it the site runs on its
  per-process memory cache, as ``make run`` does.
- ``BENCH_ROOT`` points at another checkout of the project to measure it with the same script (a "before"
  figure from an older commit); the Python environment is this one.
- Requests carry no ``Accept-Encoding``: the pages and the static copy are compared uncompressed.
"""

import os
import shutil
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import detail_vs_static as stack  # noqa: E402 - the shared database, gunicorn and wrk helpers

stack.ROOT = Path(os.environ.get("BENCH_ROOT", stack.ROOT)).resolve()
stack.CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
stack.THREADS = 2
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "")
if CACHE_URL:
    stack.ENV = stack.ENV | {"CACHE_URL": CACHE_URL}
else:
    stack.ENV = {
        name: value for name, value in stack.ENV.items() if name not in ("CACHE_URL", "PAGE_CACHE_SECONDS")
    }

PAGES = [
    ("home", "/"),
    ("listing", "/subsidies/"),
    ("region landing", "/regions/tokyo/"),
    ("purpose landing", "/purposes/equipment-it/"),
    ("filtered listing", "/subsidies/?region=tokyo&status=open&sort=deadline"),
    ("keyword listing", "/subsidies/?q=%E8%A8%AD%E5%82%99&region=tokyo"),
    ("compare", "/compare/?ids=155678,200013,200020"),
    ("checklist", "/subsidies/155678/checklist/"),
    ("detail (first visit, counted)", stack.PAGE),
    ("detail (returning browser)", stack.PAGE),
]


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    (stack.ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    print(
        f"checkout {stack.ROOT}; database {stack.DATABASE_URL}; cache {CACHE_URL or 'per-process memory'};"
        f" gunicorn {stack.WORKERS} sync workers; wrk 2 threads, {stack.CONNECTIONS} connections"
    )
    stack.prepare_database()
    size = stack.save_static_copy()
    process = stack.start_gunicorn()
    try:
        status, _, body = stack.fetch(stack.STATIC)
        assert status == 200 and len(body) == size, (status, len(body), size)
        cookie = stack.returning_cookie()
        scenarios = [(name, path, {"User-Agent": stack.BROWSER}) for name, path in PAGES]
        scenarios[-1][2]["Cookie"] = cookie
        scenarios.append(("static copy", stack.STATIC, {"User-Agent": stack.BROWSER}))
        for name, path, headers in scenarios:
            status, _, _ = stack.fetch(path, headers)
            assert status == 200, (name, status)
            stack.wrk(path, headers, 2)  # warm every worker's caches and connections
        runs = {name: [] for name, _, _ in scenarios}
        for _ in range(stack.ROUNDS):
            for name, path, headers in scenarios:
                runs[name].append(stack.wrk(path, headers, stack.SECONDS, server=process.pid))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    median = {
        name: sorted(found, key=lambda run: run["rps"])[len(found) // 2] for name, found in runs.items()
    }
    static = median["static copy"]["rps"]
    print(f"\nstatic copy: the seed page, {size:,} bytes; median of {stack.ROUNDS} interleaved runs\n")
    print("| page | req/s | ÷ static | p50 | p99 | CPU ms/request (gunicorn + PostgreSQL) | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, result in median.items():
        gunicorn = sorted(run["gunicorn_cpu"] for run in runs[name])[len(runs[name]) // 2]
        database = sorted(run["database_cpu"] for run in runs[name])[len(runs[name]) // 2]
        print(
            f"| {name} | {result['rps']:.0f} | {result['rps'] / static:.0%} | {result['p50']} | {result['p99']}"
            f" | {gunicorn + database:.2f} ({gunicorn:.2f} + {database:.2f}) | {result['bad']} |"
        )


if __name__ == "__main__":
    main()
