"""gunicorn worker memory at 200,000 listings, in steady state and while a staff save rebuilds the listing index.

    python benchmarks/worker_memory.py          # or: make bench-memory (not in CI)

Starts the site as production does (``gunicorn -c gunicorn.conf.py``, 2 workers, production settings, the
shared Redis cache in ``BENCH_CACHE_URL``, default database 6 of the local Redis, flushed first) on the data in
``BENCH_URL`` (default ``hojo_bench``: ``make bench`` makes it). It asks every listing, search and /match/ class
three times, then twice changes the site's content version as a staff save does (every worker then rebuilds its
listing index on its next request) and asks them all again. After each round it prints, per worker, ``VmRSS``
(now), ``VmHWM`` (the highest since the worker started) and ``Pss`` (RSS with shared pages divided among the
processes that share them), in MB. ``BENCH_ROOT`` measures another checkout with this Python environment.
"""

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import detail_vs_static as stack  # noqa: E402 - the production settings the benchmarks share

ROOT = Path(os.environ.get("BENCH_ROOT", Path(__file__).resolve().parent.parent)).resolve()
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PORT = int(os.environ.get("BENCH_PORT", "8201"))
DATABASE_URL = os.environ.get("BENCH_URL", "postgres://postgres@127.0.0.1:5432/hojo_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
# The production settings of the other benchmarks (detail_vs_static.ENV), on this database, cache and port.
ENV = stack.ENV | {
    "DATABASE_URL": DATABASE_URL,
    "CACHE_URL": CACHE_URL,
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_ACCESS_LOG": "/dev/null",
    "GUNICORN_TIMEOUT": "120",
}
quote = urllib.parse.quote
PATHS = [
    "/",
    "/subsidies/",
    "/regions/tokyo/",
    "/purposes/equipment-it/",
    "/subsidies/?region=tokyo&status=open&sort=deadline",
    f"/subsidies/?q={quote('設備')}&region=tokyo",
    f"/subsidies/?q={quote('海外展')}",
    f"/subsidies/?q={quote('スマート農業')}",
    f"/subsidies/?q={quote('東')}",
    "/subsidies/?amount=1m-5m&employees=20&sort=amount",
    "/subsidies/?sort=popular",
    "/match/?pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&cap=1000&purpose=equipment-it",
    "/match/?pref=hokkaido&biz=other-services&form=npo&purpose=community&purpose=events",
    "/match/?pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&cap=1000",
]
NEW_VERSION = "UPDATE subsidies_contentversion SET token = md5(random()::text)"


def memory(pid: int) -> dict[str, int]:
    found = {}
    for name in (f"/proc/{pid}/status", f"/proc/{pid}/smaps_rollup"):
        with open(name) as lines:
            for line in lines:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "Pss"):
                    found[key] = int(value.split()[0]) // 1024
    return found


def ask_all(workers: list[int], label: str) -> None:
    started = time.perf_counter()
    for _ in range(3):
        for path in PATHS:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=120) as response:
                response.read()
    print(f"{label:<16} {time.perf_counter() - started:5.1f} s", *(memory(pid) for pid in workers))


def main():
    redis_db = CACHE_URL.rsplit("/", 1)[1]
    subprocess.run(["redis-cli", "-n", redis_db, "flushdb"], check=True, capture_output=True)
    # The pages name their static files through the manifest, as in production (``make serve-prod``).
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput"]
    subprocess.run(manage, cwd=ROOT, env=os.environ | ENV, check=True, capture_output=True)
    with open("/tmp/bench-memory-gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with open(f"/proc/{server.pid}/task/{server.pid}/children") as children:
            workers = [int(pid) for pid in children.read().split()]
        print(f"checkout {ROOT}; database {DATABASE_URL}; MB per worker")
        print(f"{'started':<16} {'':>7}", *(memory(pid) for pid in workers))
        ask_all(workers, "every class x3")
        for n in (1, 2):
            subprocess.run(["psql", "-q", DATABASE_URL, "-c", NEW_VERSION], check=True)
            ask_all(workers, f"after save {n}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
