"""Following URLs the way a visitor's browser would, politely, and saying what came back.

No database here: ``check_urls`` takes URLs and yields one ``Outcome`` per URL, in the order they finish;
``links.py`` decides which URLs are due and records what was seen.

- **HEAD first**, then GET when HEAD is refused (405, 501) or answers any other error status: some servers
  mishandle HEAD (403 or 404 to HEAD, 200 to GET), and a link must not be called broken for that. The GET reads
  the status and headers only, never the body.
- **Redirects are followed** (at most ``MAX_REDIRECTS``); the status is the final page's, and its URL is kept
  so staff can replace a moved link. A redirect loop ends as 「リダイレクトが多すぎます」.
- **A time limit per URL** (``timeout`` seconds for the whole check, redirects and the GET included), so one
  slow server cannot hold the run.
- **Politeness**: at most ``concurrency`` requests at once and at most ``per_host`` to one host; a User-Agent
  that names the site and where to find it.

Why httpx and not the standard library's urllib: urllib turns a redirected HEAD into a GET (downloading pages
it only needed the status of), keeps no connections between requests, has only a per-socket-operation timeout
and needs one thread per concurrent request; httpx keeps HEAD across redirects, pools connections per host,
raises a distinct ``TooManyRedirects``, and its async client lets a few hundred checks share one thread under
a per-URL deadline (``asyncio.timeout``).
"""

import asyncio
import collections
import dataclasses
import queue
import threading
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import httpx

CHECKED_SCHEMES = ("http", "https")
MAX_REDIRECTS = 10
DEFAULT_TIMEOUT = 15.0
DEFAULT_CONCURRENCY = 8
DEFAULT_PER_HOST = 2


def is_checkable(url: str) -> bool:
    """Only web pages are checked: ``http(s)://`` with a host (not ``ftp:``, ``mailto:``, a bare path)."""
    parts = urlsplit(url)
    return parts.scheme.lower() in CHECKED_SCHEMES and bool(parts.hostname)


def user_agent(site_url: str) -> str:
    return f"hojokin-directory-linkcheck/1.0 (hojokin directory link check; +{site_url})"  # headers are ASCII


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What following ``url`` gave: the final status (and URL, when redirected), or why there was none."""

    url: str
    status_code: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def broken(self) -> bool:
        """A link is broken when no answer came, or the page it ends on answers with an error (4xx, 5xx)."""
        return bool(self.error) or self.status_code is None or self.status_code >= 400


async def _status(client: httpx.AsyncClient, url: str) -> tuple[int, str]:
    response = await client.head(url)
    if response.status_code >= 400:
        async with client.stream("GET", url) as response:
            pass  # the status and headers are enough; leaving the block closes without reading the body
    final = str(response.url)
    return response.status_code, final if final != url else ""


async def _check(client: httpx.AsyncClient, url: str, *, timeout: float) -> Outcome:
    try:
        async with asyncio.timeout(timeout):
            status, final = await _status(client, url)
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(url, error=f"タイムアウト（{timeout:g}秒）")
    except httpx.TooManyRedirects:
        return Outcome(url, error=f"リダイレクトが多すぎます（{MAX_REDIRECTS}回超、ループの可能性）")
    except httpx.ConnectError as exc:
        return Outcome(url, error=_short(f"接続できません（{exc}）"))
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return Outcome(url, error=_short(f"通信エラー（{type(exc).__name__}: {exc}）"))
    return Outcome(url, status_code=status, final_url=final)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _check_all(
    urls: Iterable[str],
    put,
    stop: threading.Event,
    *,
    timeout: float,
    concurrency: int,
    per_host: int,
    agent: str,
) -> None:
    pending = iter(urls)
    hosts: collections.defaultdict[str, asyncio.Semaphore] = collections.defaultdict(
        lambda: asyncio.Semaphore(per_host)
    )
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        limits=limits,
        headers={"User-Agent": agent, "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"},
        trust_env=False,  # no proxy or netrc from the environment: the check sees what a visitor sees
    ) as client:

        async def worker() -> None:
            for url in pending:  # the workers share one iterator: each URL is taken once
                if stop.is_set():
                    return
                async with hosts[(urlsplit(url).hostname or "").lower()]:
                    put(await _check(client, url, timeout=timeout))

        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, concurrency)):
                group.create_task(worker())


_DONE = object()


def check_urls(
    urls: Iterable[str],
    *,
    site_url: str,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    per_host: int = DEFAULT_PER_HOST,
) -> Iterator[Outcome]:
    """Check each URL once and yield its ``Outcome`` as soon as it is known.

    The requests run on an event loop in a thread of their own, so the caller (which writes to the database)
    stays in ordinary synchronous code and records each result while the others are still in flight. Closing
    the iterator early stops the checks that have not started.
    """
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(
                _check_all(
                    urls,
                    results.put,
                    stop,
                    timeout=timeout,
                    concurrency=concurrency,
                    per_host=per_host,
                    agent=user_agent(site_url),
                )
            )
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)
        finally:
            results.put(_DONE)

    thread = threading.Thread(target=run, name="link-checker", daemon=True)
    thread.start()
    try:
        while (item := results.get()) is not _DONE:
            yield item
    finally:
        stop.set()
        thread.join()
    if failure:
        raise failure[0]
