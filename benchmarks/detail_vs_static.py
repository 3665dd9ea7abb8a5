"""The seed detail page against a static copy of itself, served by the same gunicorn + whitenoise stack.

    python benchmarks/detail_vs_static.py            # or: make bench-detail

1. (Re)creates the PostgreSQL database ``hojo_detail_bench`` and loads the demo data into it.
2. Renders /subsidies/155678/ once and saves the HTML as ``staticfiles/bench/seed.html``, which whitenoise serves
   at /static/bench/seed.html from the same gunicorn (production settings: DEBUG off, manifest storage).
3. Starts gunicorn, warms every URL, then runs ``wrk`` (a second process) against each in turn, interleaved
   over several rounds so that both sides see the same machine load:
   - ``page (returning browser)``: the browser's signed "viewed" cookie is sent, so the view is not counted again;
   - ``page (first visit)``: no cookie, so every request is a new browser and runs the counting UPDATE;
   - ``static copy``: the saved HTML file;
   - ``/healthz``: for reference, the cheapest Django view with one query (the floor of the Django stack).
4. Prints the median requests/s and latency of each and the ratio page ÷ static (target: at least 50 %).
5. Prints the CPU each request cost the server: gunicorn's processes and the PostgreSQL backends of the
   benchmark database, read from the scheduler's nanosecond account (/proc/PID/schedstat, Linux) around
   each run. It moves much less than requests/s when other work shares the machine, so the ratio
   static ÷ page by CPU is the steadier figure.

Settings: BENCH_DATABASE_URL, BENCH_WORKERS (gunicorn workers, default = CPUs), BENCH_SECONDS (per run,
default 6), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 8), BENCH_PORT (default 8199).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hojo_detail_bench")
PORT = int(os.environ.get("BENCH_PORT", "8199"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
SECONDS = int(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = 1  # wrk's threads (pages_vs_static.py uses 2)
SEED = 155678
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
BASE = f"http://127.0.0.1:{PORT}"
PAGE = f"/subsidies/{SEED}/"
STATIC = "/static/bench/seed.html"

ENV = os.environ | {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DJANGO_LOG_LEVEL": "ERROR",
    # Plain HTTP on the loopback (TLS is the load balancer's job), as in load.sh.
    "DJANGO_SECURE_SSL_REDIRECT": "0",
}


def run(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def manage(*args):
    run(PYTHON, "manage.py", *args, stdout=subprocess.DEVNULL)


def prepare_database():
    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        run("psql", server, "-q", "-c", sql)
    manage("migrate", "--noinput")
    manage("load_demo")


def save_static_copy():
    """Render the seed page in-process (no view counted: it is a bot's request) and store it for whitenoise."""
    manage("collectstatic", "--noinput", "--clear")
    code = (
        "import django, os; django.setup()\n"
        "from django.test import Client\n"
        f"r = Client(SERVER_NAME='127.0.0.1').get('{PAGE}', headers={{'user-agent': ''}})\n"
        "assert r.status_code == 200, r.status_code\n"
        "import sys; sys.stdout.buffer.write(r.content)\n"
    )
    html = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env=ENV | {"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    ).stdout
    target = ROOT / "staticfiles" / "bench" / "seed.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)
    return len(html)


def start_gunicorn():
    log = open(ROOT / "benchmarks" / "results" / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start; see benchmarks/results/gunicorn.log")


def fetch(path, headers=None):
    request = urllib.request.Request(BASE + path, headers={"User-Agent": BROWSER} | (headers or {}))
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.headers, response.read()


def returning_cookie():
    """The signed cookie a browser holds after its first visit to the seed page."""
    _, headers, _ = fetch(PAGE)
    cookie = headers.get("Set-Cookie", "")
    match = re.match(r"(viewed=[^;]+)", cookie)
    if not match:
        raise SystemExit(f"no view cookie in {cookie!r}")
    return match.group(1)


def _cpu_seconds(pid, *, reaped=False) -> float:
    """CPU time of a process, from the scheduler's nanosecond account (/proc/PID/schedstat), with that of the
    children it has reaped (clock ticks: only a replaced worker's); 0 if it is gone."""
    try:
        running = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    children = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK") if reaped else 0.0
    return running + children


def server_cpu(master: int) -> float:
    """gunicorn's CPU: the master, the workers it has replaced (max_requests) and the live workers."""
    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return _cpu_seconds(master, reaped=True) + sum(_cpu_seconds(pid) for pid in workers)


def database_cpu() -> dict[str, float]:
    """CPU of each PostgreSQL backend connected to the benchmark database (its process title names it)."""
    title = f" {DATABASE_URL.rsplit('/', 1)[1]} ".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if command.startswith(b"postgres:") and title in command:
                found[entry.name] = _cpu_seconds(entry.name)
    return found


def database_cpu_since(before: dict[str, float]) -> float:
    """CPU the backends used since ``before``; a backend that exited meanwhile (its gunicorn worker was
    replaced) takes its share with it, a small undercount."""
    return sum(used - before.get(pid, 0.0) for pid, used in database_cpu().items())


def wrk(path, headers, seconds, server=None):
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    before = (server_cpu(server), database_cpu()) if server else (0.0, {})
    output = subprocess.run([*args, BASE + path], check=True, capture_output=True, text=True).stdout
    after = (server_cpu(server), database_cpu_since(before[1])) if server else (0.0, 0.0)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p90": latency.get("90"),
        "p99": latency.get("99"),
        "bad": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        # Milliseconds of CPU per request.
        "gunicorn_cpu": (after[0] - before[0]) / max(requests, 1) * 1000,
        "database_cpu": after[1] / max(requests, 1) * 1000,
    }


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    print(
        f"database {DATABASE_URL}; gunicorn {WORKERS} sync workers; wrk 1 thread, {CONNECTIONS} connections"
    )
    prepare_database()
    size = save_static_copy()
    process = start_gunicorn()
    try:
        status, _, body = fetch(STATIC)
        assert status == 200 and len(body) == size, (status, len(body), size)
        cookie = returning_cookie()
        before = int(
            re.search(
                rb"(\d+)\xe5\x9b\x9e\xe9\x96\xb2\xe8\xa6\xa7", fetch(PAGE, {"Cookie": cookie})[2]
            ).group(1)
        )
        scenarios = [
            ("page (returning browser)", PAGE, {"User-Agent": BROWSER, "Cookie": cookie}),
            ("page (first visit, counted)", PAGE, {"User-Agent": BROWSER}),
            ("static copy", STATIC, {"User-Agent": BROWSER}),
            ("/healthz (reference)", "/healthz", {"User-Agent": BROWSER}),
        ]
        for _, path, headers in scenarios:  # warm every worker's cache and connections
            wrk(path, headers, 2)
        runs = {name: [] for name, _, _ in scenarios}
        for _ in range(ROUNDS):
            for name, path, headers in scenarios:
                runs[name].append(wrk(path, headers, SECONDS, server=process.pid))
        results = {
            name: sorted(found, key=lambda result: result["rps"])[len(found) // 2]
            for name, found in runs.items()
        }
        after = int(
            re.search(
                rb"(\d+)\xe5\x9b\x9e\xe9\x96\xb2\xe8\xa6\xa7", fetch(PAGE, {"Cookie": cookie})[2]
            ).group(1)
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    print(
        f"page size {size:,} bytes (the static copy is the same bytes); median of {ROUNDS} interleaved runs\n"
    )
    print(f"{'':30} {'req/s':>9} {'p50':>9} {'p90':>9} {'p99':>9}  non-2xx  (req/s of each round)")
    for name, result in results.items():
        print(
            f"{name:30} {result['rps']:>9.1f} {result['p50']:>9} {result['p90']:>9} {result['p99']:>9}  {result['bad']}"
            + f"  ({', '.join(f'{run["rps"]:.0f}' for run in runs[name])})"
            + (f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else "")
        )
    static = results["static copy"]["rps"]
    print()
    for name in ("page (returning browser)", "page (first visit, counted)", "/healthz (reference)"):
        per_round = ", ".join(
            f"{page['rps'] / run['rps']:.0%}"
            for page, run in zip(runs[name], runs["static copy"], strict=True)
        )
        print(
            f"{name} ÷ static: {results[name]['rps'] / static:.0%}  (each round: {per_round}; target ≥ 50%)"
        )
    print(f"views counted during the run: {after - before:,} (the first-visit requests, warm-up included)")
    print("\nCPU per request (ms, median of the rounds): gunicorn's processes + the database's backends")
    cpu = {}
    for name, found in runs.items():
        gunicorn = sorted(run["gunicorn_cpu"] for run in found)[len(found) // 2]
        database = sorted(run["database_cpu"] for run in found)[len(found) // 2]
        cpu[name] = gunicorn + database
        print(f"{name:30} {cpu[name]:6.2f}  (gunicorn {gunicorn:.2f}, PostgreSQL {database:.2f})")
    for name in ("page (returning browser)", "page (first visit, counted)", "/healthz (reference)"):
        print(f"static ÷ {name} by CPU: {cpu['static copy'] / cpu[name]:.0%}")


if __name__ == "__main__":
    main()
