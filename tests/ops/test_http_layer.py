"""The HTTP layer over a real socket: gunicorn with production settings answers with ETags and 304s,
Cache-Control per page, compression as negotiated, and whitenoise's far-future headers on hashed static files.

PostgreSQL only: the server runs in its own process, and pytest-django's SQLite test database is in memory.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

import brotli
import pytest
from django.core.management import call_command
from django.db import connection

from subsidies.models import Subsidy

ROOT = Path(__file__).resolve().parents[2]
SEED = 155678
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a server in its own process needs a shared database: PostgreSQL",
    ),
    # As in tests/alerts/test_worker.py: the flush after each test would leave the tables without what the
    # migrations put there (the editor group, ...); it is loaded back before each test and after the last.
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(static_root: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "http-layer-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(root),
        check=True,
    )
    return root


@pytest.fixture
def server(static_root):
    call_command("loaddata", "taxonomies", "seed", "programs", verbosity=0)
    port = free_port()
    env = production_env(static_root) | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            raise AssertionError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, **headers):
    """One request on its own connection: (status, headers with lower-case names, body bytes)."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER} | headers)
        response = conn.getresponse()
        return (
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        conn.close()


def test_gunicorn_answers_with_etags_304s_cache_control_and_compression(server):
    detail = f"/subsidies/{SEED}/"
    status, first, _ = get(server, detail)
    assert status == 200
    assert "viewed=" in first["set-cookie"]
    assert "private" in first["cache-control"] and "public" not in first["cache-control"]
    cookie = first["set-cookie"].split(";", 1)[0]

    status, headers, body = get(server, detail, Cookie=cookie)
    assert status == 200
    assert "public" in headers["cache-control"] and "s-maxage=0" in headers["cache-control"]
    assert "stale-while-revalidate=" in headers["cache-control"]
    etag = headers["etag"]
    assert {part.strip() for part in headers["vary"].split(",")} == {"Cookie", "Accept-Encoding"}

    status, not_modified, empty = get(server, detail, Cookie=cookie, **{"If-None-Match": etag})
    assert (status, empty) == (304, b"")
    assert not_modified["etag"] == etag
    assert not_modified["cache-control"] == headers["cache-control"]

    status, compressed, packed = get(server, detail, Cookie=cookie, **{"Accept-Encoding": "gzip, br"})
    assert compressed["content-encoding"] == "br"
    assert brotli.decompress(packed) == body
    assert compressed["etag"] == etag == f"W/{etag[2:]}"
    status, _, _ = get(server, detail, Cookie=cookie, **{"Accept-Encoding": "br", "If-None-Match": etag})
    assert status == 304
    assert get(server, detail, Cookie=cookie, **{"Accept-Encoding": "gzip"})[1]["content-encoding"] == "gzip"
    assert "content-encoding" not in get(server, detail, Cookie=cookie)[1]

    status, home, _ = get(server, "/")
    assert status == 200
    assert "public" in home["cache-control"] and "stale-while-revalidate=" in home["cache-control"]
    assert get(server, "/", **{"If-None-Match": home["etag"]})[0] == 304
    status, missing, _ = get(server, "/subsidies/987654321/")
    assert status == 404 and "no-store" in missing["cache-control"] and "etag" not in missing

    # A staff save (another process, the same database) makes the next request fresh.
    subsidy = Subsidy.objects.get(pk=SEED)
    subsidy.title = "保存したばかりの題名"
    subsidy.save()
    status, fresh, body = get(server, detail, Cookie=cookie, **{"If-None-Match": etag})
    assert status == 200
    assert fresh["etag"] != etag
    assert "保存したばかりの題名" in body.decode()


def test_hashed_static_files_are_whitenoises_compressed_copies_cached_for_ever(server, static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    status, headers, packed = get(server, f"/static/{hashed}", **{"Accept-Encoding": "br, gzip"})
    assert status == 200
    assert headers["cache-control"] == "max-age=315360000, public, immutable"
    assert headers["content-encoding"] == "br"
    assert brotli.decompress(packed) == (static_root / hashed).read_bytes()
