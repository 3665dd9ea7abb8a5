"""The view counter: one atomic increment per browser per listing, never for staff or bots.

Which listings a browser has already been counted for is kept in one signed cookie (no session row is
created for an anonymous visitor). The increment is a single ``UPDATE ... SET view_count = view_count + 1``,
so concurrent requests never lose a count; it is the detail page's own read of the listing
(``detail_page.read_row(count=True)``), which runs on every request before any cache is consulted, so caching
never hides a view.

Two choices keep counting cheap on PostgreSQL:
- No index holds ``view_count`` and the table leaves room on each page (migration 0006), so the update is a
  heap-only tuple (HOT) update: the row's new version goes on the same page and no index entry is written.
- The counting statement commits asynchronously (``set_config('synchronous_commit', 'off', true)``, for that
  statement's transaction only): it returns before its WAL record is flushed to disk, which is most of a
  first visit's database time. What this trades: if the PostgreSQL server itself crashes, the views counted
  in the last moments before the crash (at most 3 × ``wal_writer_delay``, 0.6 s by default) are lost. The
  database stays consistent, and nothing else on the site commits this way.

Counting in Redis instead (and writing the counts to the database later) was measured and not built:
``make bench-pages``, the detail page served 1,729 → 1,591 first visits a second with the count in Redis, and
2,009 → 1,682 returning ones, which then need the pending count read too (benchmarks/README.md).
"""

from django.http import HttpRequest, HttpResponse

COOKIE = "viewed"
SALT = "subsidies.counting"
MAX_AGE = 365 * 24 * 60 * 60
# The cookie keeps the most recent listings only, so it stays small (≈ 7 bytes a listing).
MAX_REMEMBERED = 200

# Words (lowercase) that name a crawler, a tool or a library in a User-Agent. Plain substrings: testing each
# with ``in`` takes a tenth of the time of one case-insensitive regular expression of them all.
BOT_WORDS = (
    *("bot", "crawl", "spider", "slurp", "archiver", "fetch", "scan", "monitor", "preview", "headless"),
    *("lighthouse", "pingdom", "uptime", "curl", "wget", "python", "httpx", "aiohttp", "okhttp", "java/"),
    *("go-http", "libwww", "httpclient", "axios", "node-fetch", "facebookexternalhit", "embedly"),
    *("quora link", "whatsapp", "telegram", "discord", "slack"),
)


def is_bot(user_agent: str) -> bool:
    """Obvious automated clients: no User-Agent, or one that names a crawler, a tool or a library."""
    lowered = user_agent.lower()
    return not lowered.strip() or any(word in lowered for word in BOT_WORDS)


def seen_listings(request: HttpRequest) -> list[int]:
    raw = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    return [int(part) for part in raw.split(".") if part.isdigit()]


def should_count(request: HttpRequest, pk: int) -> bool:
    if request.method != "GET" or request.user.is_staff:
        return False
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    return pk not in seen_listings(request)


def remember_view(request: HttpRequest, response: HttpResponse, pk: int) -> None:
    """Add a counted listing to the browser's signed cookie."""
    seen = [*seen_listings(request), pk][-MAX_REMEMBERED:]
    response.set_signed_cookie(
        COOKIE,
        ".".join(str(item) for item in seen),
        salt=SALT,
        max_age=MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
