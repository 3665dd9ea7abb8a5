"""What browsers and CDNs may keep, and which answers are compressed: the parts Django has no middleware for.

Django's own parts do the rest (``config/settings.py`` MIDDLEWARE, outermost first):
``CompressionMiddleware`` (django-http-compression: zstd, br or gzip, as the client accepts) → Django's
``ConditionalGetMiddleware`` (``If-None-Match`` → a 304 carrying Cache-Control, ETag, Expires and Vary; weak
comparison, so ``W/"x"`` matches) → ``HttpCachingMiddleware`` (the Cache-Control below, and the ETag: the
view's, else Django's MD5 of the uncompressed body, weak on what is compressed) → the CSP middleware and the
rest. The 304 is made outside the CSP middleware, so it
carries no Content-Security-Policy header and a browser keeps the one stored with the body (the detail page's
nonce: ``subsidies/detail_page.py``).

Every answer is one of:
- **personal** (``is_personal``): to a request with a session cookie (staff: treated as signed in without
  reading the session), a POST (a form's posted values), or an answer that sets the CSRF or session cookie
  (the page holds a CSRF token, or logs in or out) — ``Cache-Control: private, no-store``, never compressed
  (so no secret is ever in a compressed body beside reflected input: the BREACH rule);
- **an error** (status ≥ 400) — ``private, no-store``: a 404 for a listing that is published again later must
  not outlive it;
- **the view's own** — a view that set Cache-Control (``never_cache``: /healthz, the alert pages) keeps it;
- **public**, a 200 of a view named in ``settings.HTTP_CACHE_POLICIES``: ``public, max-age, stale-while-
  revalidate`` (and ``s-maxage`` where given) as the table says, with ``max-age + stale-while-revalidate``
  ending by the next JST midnight (every 「残りN日」 changes then) and by the response's ``Expires`` when the
  view set one (the detail page: its next status change), so no cache shows a page past the moment it may be
  wrong. An answer that sets a cookie (the detail page's ``viewed``) is ``private`` instead of ``public``: the
  browser may keep it, a shared cache must not hand the cookie to others. ``Last-Modified`` is dropped: the
  ETag is the validator (the feed's and sitemap's Last-Modified, the newest entry's date, does not move when
  a listing is unpublished or closes, so ``If-Modified-Since`` would be answered 304 wrongly);
- any other 200: ``no-cache`` (may be stored, revalidated on every use).

``Vary`` is what the answer depends on: ``Accept-Encoding`` on every answer that would be compressed for some
client (also when this client asked for none, so a cache never hands the identity copy to everyone); ``Cookie``
only where a view read the session or the auth (SessionMiddleware adds it) or the fast lane answered (the
detail page: staff see drafts, ``viewed`` decides counting). Pages that read neither say the same to everyone
and do not vary by Cookie; a signed-in request for one still gets a ``private, no-store`` answer.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import parse_http_date_safe
from django_http_compression.middleware import HttpCompressionMiddleware

from subsidies import clock

SAFE_METHODS = ("GET", "HEAD")
MIN_COMPRESSED = 200


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """An answer for one person: never stored by any cache, never compressed."""
    return (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or settings.SESSION_COOKIE_NAME in response.cookies
        or settings.CSRF_COOKIE_NAME in response.cookies
    )


def compressible(request: HttpRequest, response: HttpResponse) -> bool:
    """Is compressed for a client that accepts it: a text type the library compresses, 200 bytes or more (below
    that a compressed body is hardly shorter, as Django's GZipMiddleware says), not already encoded, not
    personal."""
    if is_personal(request, response) or "Content-Encoding" in response:
        return False
    content_type = response.get("Content-Type", "").split(";", 1)[0]
    if not HttpCompressionMiddleware.content_type_re.match(content_type):
        return False
    return response.streaming or len(response.content) >= MIN_COMPRESSED


class CompressionMiddleware(HttpCompressionMiddleware):
    """django-http-compression, for the answers ``compressible`` names (see the module's docstring)."""

    def maybe_compress(self, request, response) -> None:
        if compressible(request, response):
            super().maybe_compress(request, response)


class HttpCachingMiddleware:
    """Sets Cache-Control (and Vary: Accept-Encoding) on every answer, as the module's docstring says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        encoded = compressible(request, response)
        if encoded:
            patch_vary_headers(response, ("Accept-Encoding",))
        if is_personal(request, response) or response.status_code >= 400:
            patch_cache_control(response, private=True, no_store=True)
        elif "Cache-Control" not in response and response.status_code == 200:
            self.public(request, response)
        if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
            # Django's ETag (the body's MD5) unless the view set one; weak on what is compressed for some
            # clients, so the 200 (compressed or not) and the 304 (which ConditionalGetMiddleware copies
            # it into, and which is never compressed) carry the same validator.
            if "ETag" not in response:
                set_response_etag(response)
            if encoded and response.get("ETag", "").startswith('"'):
                response.headers["ETag"] = "W/" + response.headers["ETag"]
        return response

    def public(self, request: HttpRequest, response: HttpResponse) -> None:
        match = request.resolver_match
        policy = settings.HTTP_CACHE_POLICIES.get(match.view_name) if match else None
        if policy is None:
            patch_cache_control(response, no_cache=True)
            return
        window = seconds_true(response, now=clock.now())
        max_age = min(policy["max_age"], window)
        directives = {
            "max_age": max_age,
            "stale_while_revalidate": min(policy["stale_while_revalidate"], window - max_age),
        }
        if response.cookies:
            directives["private"] = True
        else:
            directives["public"] = True
            if "s_maxage" in policy:
                directives["s_maxage"] = min(policy["s_maxage"], max_age)
        patch_cache_control(response, **directives)
        if "Last-Modified" in response:
            del response["Last-Modified"]


def seconds_true(response: HttpResponse, *, now: datetime.datetime) -> int:
    """Whole seconds from ``now`` until the next JST midnight or the response's ``Expires``, if sooner."""
    until = clock.next_midnight(now).timestamp()
    if (expires := parse_http_date_safe(response.get("Expires", ""))) is not None:
        until = min(until, expires)
    return max(0, int(until - now.timestamp()))
