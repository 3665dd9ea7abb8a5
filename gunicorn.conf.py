"""gunicorn settings for the site: ``gunicorn -c gunicorn.conf.py config.wsgi``.

Every value can be changed by the environment, so one file serves every app server.
"""

import ctypes
import ctypes.util
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# 2 × cores + 1 sync workers (gunicorn's advice for I/O-bound apps), capped by WEB_CONCURRENCY when set.
workers = 2 * multiprocessing.cpu_count() + 1
if os.environ.get("WEB_CONCURRENCY"):
    workers = min(workers, int(os.environ["WEB_CONCURRENCY"]))
worker_class = "sync"

# A request that takes longer than this is killed and its worker replaced; pages answer in milliseconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Replace workers now and then, so slow leaks cannot grow without bound. Not often: a new worker starts with
# empty per-process caches (the listing index, ~1 s to build at 200,000 listings; the detail pages without
# Redis) and a new database connection. At 2,000 requests a worker was replaced every ~5 s under load, and
# those restarts were the page benchmark's slowest 10 % of requests (benchmarks/README.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000

# Import Django once in the master, then fork: faster start and shared memory. Database connections are
# opened lazily per worker, after the fork.
preload_app = True

# Access and error logs on stdout/stderr, for the process manager to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Behind a load balancer or proxy, trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Request line and header limits (gunicorn's defaults), stated: an over-long URL gets a 400 before Django.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


# glibc raises its mmap threshold each time a large block is freed, so after the listing index is built
# (arrays of megabytes, built and dropped) later large arrays come from the heap, whose freed space is rarely
# returned. A fixed threshold keeps every block of 128 KiB or more in its own mapping, given back when freed.
# Measured at 200,000 listings (2 workers, every page class three times): worker RSS 142–152 MB → 137–141 MB,
# peak 158 → 155 MB (benchmarks/README.md). Ignored where the C library is not glibc.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def post_fork(server, worker):
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except OSError:
        pass
