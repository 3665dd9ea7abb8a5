"""Hostile values and the two ways the hostile-input tests reach the site.

The same requests go through Django's test client (in process: a view's exception fails the test with its
traceback) and through the development server that ``make run`` starts (``manage.py runserver``, a real socket
and wsgiref, which refuses responses the test client lets pass, such as a header name that is not a plain
``str``). A page may answer 200, 301/302, 400, 403 (a post without a CSRF token), 404, 405 or 414 (a request
line longer than the server reads); never a 5xx, and never a traceback in the body.
"""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e9999",
    "NaN",
    "２",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
    "a" * 5000,
    "東京" * 2000,
    "' OR 1=1 --",
    '"; DROP TABLE subsidies_subsidy; --',
    "%",
    "%%",
    "%00",
    "\x00",
    "a\x00b",
    "\\",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "😀",
    "\u202e",
    "\r\nSet-Cookie: x=1",
    "155678,155678,155678,155678,155678",
    ",".join(str(n) for n in range(1000)),
    "155678,,abc,-5,99999999999999999999",
    "tokyo",
    "open",
    "closed",
    "deadline",
]

# Text that a URL can carry: any character except lone surrogates, which have no UTF-8 form.
any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
hostile_value = st.one_of(st.sampled_from(HOSTILE), any_text)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def assert_unbroken(answer: Answer, what: str) -> None:
    assert answer.status < 500, f"{what} → {answer.status}"
    body = answer.body.decode("utf-8", "replace")
    assert "Traceback" not in body, what
    assert 'id="traceback"' not in body, what


def query_string(pairs: list[tuple[str, str]]) -> str:
    """(name, value) pairs encoded as a browser's form would (repeated names stay repeated)."""
    return urllib.parse.urlencode(pairs)


class ClientSite:
    """The site through Django's test client, on the test database."""

    name = "test client"

    def __init__(self, client):
        self.client = client

    def get(self, target: str) -> Answer:
        return self.answer(self.client.get(target))

    def post(self, path: str, pairs: list[tuple[str, str]]) -> Answer:
        return self.answer(
            self.client.post(path, query_string(pairs), content_type="application/x-www-form-urlencoded")
        )

    @staticmethod
    def answer(response) -> Answer:
        return Answer(response.status_code, response.content, {k.lower(): v for k, v in response.items()})


class ServerSite:
    """The site through ``manage.py runserver`` on a free port, over a socket (see ``DevelopmentServer``)."""

    name = "development server"

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, target: str, body: str | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            return Answer(response.status, response.read(), headers)
        finally:
            connection.close()

    def get(self, target: str) -> Answer:
        return self.request("GET", target)

    def post(self, path: str, pairs: list[tuple[str, str]]) -> Answer:
        return self.request("POST", path, query_string(pairs))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DevelopmentServer:
    """What ``make run`` starts, in a subprocess: development settings (DEBUG on), a fresh SQLite database with
    the demo data, ``runserver`` (threaded, wsgiref) on a free port. The public page cache is switched on
    (per-process memory) so that stored pages are replayed through wsgiref too."""

    def __init__(self):
        self.directory = tempfile.TemporaryDirectory(prefix="devserver-")
        self.port = free_port()
        database = Path(self.directory.name) / "db.sqlite3"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CACHE_URL", "DJANGO_DEBUG", "SITE_URL"}
        } | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1", "PAGE_CACHE_SECONDS": "60"}
        self.log = open(Path(self.directory.name) / "server.log", "w+b")  # noqa: SIM115 (closed in stop())
        self.process = None

    def start(self) -> "DevelopmentServer":
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=self.env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"runserver exited:\n{self.output()}")
            try:
                if ServerSite(self.port).get("/healthz").status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"runserver did not answer on port {self.port}:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-5000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()
        self.directory.cleanup()
