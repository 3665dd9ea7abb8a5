"""Two gunicorn app servers on one PostgreSQL database share all state: a change made through one is seen
through the other, a login on one is a login on both, and the Redis page cache is shared.

PostgreSQL only (two processes writing one SQLite file is not the deployment we support).
"""

import html
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from subsidies.models import Subsidy

ROOT = Path(__file__).resolve().parents[2]
PORTS = (8107, 8108)
SEED_PK = 155678

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two app servers on one database: PostgreSQL only"
)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Production settings serve hashed static files from a manifest, which collectstatic writes."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=os.environ
        | {
            "DJANGO_STATIC_ROOT": str(root),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "collect",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url(),
        },
        check=True,
    )
    return root


@pytest.fixture
def two_servers(transactional_db, django_user_model, settings, collected_static):
    call_command("loaddata", "taxonomies", "seed", "programs", verbosity=0)
    # The servers verify with the production hashers, not the fast one the other tests use.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    django_user_model.objects.create_superuser("admin", "admin@example.com", "two-servers-pw")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "shared-secret-for-the-two-instance-test-0123456789-abcdefgh",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": database_url(),
        "DJANGO_CONN_MAX_AGE": "0",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
        "CACHE_KEY_PREFIX": f"two-servers-{os.getpid()}-{time.time_ns()}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "DJANGO_STATIC_ROOT": str(collected_static),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in PORTS
    ]
    try:
        for port in PORTS:
            wait_until_up(port)
        yield [f"http://127.0.0.1:{port}" for port in PORTS]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def wait_until_up(port: int) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise AssertionError(f"gunicorn on {port} did not start")


class Browser:
    """One visitor: cookies are shared between the two servers, as behind one load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def get(self, url: str):
        try:
            with self.opener.open(url, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, url: str, form_page: str, data: dict):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}, doseq=True).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_login_and_a_change_made_through_one_server_are_seen_through_the_other(two_servers):
    first, second = two_servers
    staff = Browser()
    _, _, login_page = staff.get(f"{first}/admin/login/")
    status, _, _ = staff.post(
        f"{first}/admin/login/",
        login_page,
        {"username": "admin", "password": "two-servers-pw", "next": "/admin/"},
    )
    assert status == 302

    # The session made on the first server is valid on the second.
    status, _, index = staff.get(f"{second}/admin/")
    assert status == 200
    assert "掲載情報の管理" in html.unescape(index)

    visitor = Browser()
    assert visitor.get(f"{second}/subsidies/{SEED_PK}/")[0] == 200
    _, _, changelist = staff.get(f"{first}/admin/subsidies/subsidy/")
    status, _, _ = staff.post(
        f"{first}/admin/subsidies/subsidy/",
        changelist,
        {"action": "unpublish", "_selected_action": [str(SEED_PK)]},
    )
    assert status == 302
    assert Subsidy.objects.get(pk=SEED_PK).state == Subsidy.State.DRAFT
    assert visitor.get(f"{second}/subsidies/{SEED_PK}/")[0] == 404
    assert visitor.get(f"{first}/subsidies/{SEED_PK}/")[0] == 404


def test_the_page_cache_is_shared_by_both_servers(two_servers):
    first, second = two_servers
    status, headers, page = Browser().get(f"{first}/subsidies/?page=1")
    assert status == 200
    assert headers["X-Page-Cache"] == "miss"
    status, headers, cached = Browser().get(f"{second}/subsidies/?page=1")
    assert headers["X-Page-Cache"] == "hit"
    assert cached == page
