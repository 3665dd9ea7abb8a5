"""Site-wide request handling that belongs to no app: security headers, hostile input, the page cache.

Each middleware is small and configured from settings (see ``config/settings.py``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.csp import CSP, build_policy

from subsidies import clock, versioning
from subsidies.fragments import ProcessCache

# The header's name as a plain ``str``: ``CSP.HEADER_ENFORCE`` is a StrEnum member, and a WSGI server that checks
# ``type(name) is str`` (the development server's wsgiref does) refuses the whole response with a 500.
CSP_HEADER = str(CSP.HEADER_ENFORCE)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` ({feature: [allowed origins]})."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RejectNulMiddleware:
    """Answers 400 to any request carrying a NUL character in its path, query, form fields or headers.

    No page has a use for NUL, and PostgreSQL refuses it in text (psycopg raises ValueError), so one check here
    keeps every view, present and future, from turning it into a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._is_hostile(request):
            # This runs before the session (whose lookup would meet the NUL) and before the CSP and
            # frame middleware, so the refusal carries their headers itself.
            response = render(request, "400.html", status=400)
            response.headers[CSP_HEADER] = build_policy(settings.SECURE_CSP, None)
            response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
            return response
        return self.get_response(request)

    @staticmethod
    def _is_hostile(request: HttpRequest) -> bool:
        headers = [
            value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)
        ]
        if "\x00" in request.path or "\x00" in "".join(headers):
            return True
        for data in (request.GET, request.POST if request.method == "POST" else {}):
            if _has_nul(data.keys()) or any(_has_nul(data.getlist(key)) for key in data):
                return True
        return False


def resolved(request: HttpRequest):
    """The request's URL match, resolved once for the middleware that look before the view (and kept on the
    request, where the HTTP caching middleware reads the view's policy also for an answer no view made: a page
    from the page cache); None when no URL matches."""
    if request.resolver_match is None:
        try:
            request.resolver_match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
    return request.resolver_match


def cache_path(request: HttpRequest) -> str:
    """The page's path with its query normalised, so that equivalent URLs share one cache entry: parameters
    sorted by name and value, empty values and ``page=1`` (the default page) left out.

    ``?region=tokyo&purpose=b&purpose=a&q=`` and ``?purpose=a&purpose=b&region=tokyo&page=1`` are one page.
    Every other parameter is kept as it came: a value the page reports as unusable (a note on the page) or one a
    feature reads (``?compare=``) keys its own entry."""
    pairs = sorted(
        (name, value)
        for name, values in request.GET.lists()
        for value in values
        if value.strip() and not (name == "page" and value.strip() == "1")
    )
    return request.path + ("?" + urlencode(pairs) if pairs else "")


LOCAL_PAGES = 128


@dataclass(frozen=True)
class LocalPage:
    value: tuple
    expires: datetime


class PublicPageCacheMiddleware:
    """Serves anonymous GETs of the pages named in ``settings.PAGE_CACHE_URL_NAMES`` from the shared cache.

    A page is stored whole, with the Content-Security-Policy header that carries its nonce, so page and policy
    always match. Only visitors without a session or messages cookie are served from it (staff see live pages),
    and only 200 responses that set no cookie are stored. Off when ``settings.PAGE_CACHE_SECONDS`` is 0.
    Entries are keyed by the site's content version (``subsidies.versioning``, one query), the JST date (days
    left change at midnight) and the normalised query (``cache_path``), so a staff save makes the next request
    render anew on every app server, and its ETag (config/http_cache.py) changes.

    Sits with the fast lane, before the session, common, CSRF, auth and messages middleware: a hit is answered
    without them (a visitor without a session has nothing for them to do). That is the measured difference:
    ``make bench-pages`` with Redis, a cached listing page served 1,087–1,162 requests/s (30–32 % of the static
    copy's) when it was answered after them, in ``process_view``; see ``benchmarks/README.md`` for the figure
    now. A miss goes the whole way and is stored on the way back.
    """

    header = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response
        # The most used pages also in this process (the detail page's fragments.ProcessCache): a hit then costs
        # neither the shared cache's round trip nor unpickling ~45 KB.
        self.local = ProcessCache(LOCAL_PAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        now = timezone.now()
        local = self.local.get(key, now)
        cached = local.value if local is not None else cache.get(key)
        if cached is not None:
            if local is None:
                self.local.put(
                    key, LocalPage(cached, now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)), now
                )
            content, status, headers = cached
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response.headers[name] = value
            response.headers[self.header] = "hit"
            return response
        return self._store(request, key, self.get_response(request))

    def _key(self, request: HttpRequest) -> str | None:
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        match = resolved(request)
        if match is None or match.view_name not in settings.PAGE_CACHE_URL_NAMES:
            return None
        digest = hashlib.sha256(cache_path(request).encode()).hexdigest()
        # The JST date too: a page's statuses and days left change at midnight with no staff save.
        return f"page:{versioning.current()}:{clock.jst_date(clock.now()).isoformat()}:{digest}"

    def _store(self, request: HttpRequest, key: str, response: HttpResponse) -> HttpResponse:
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        if settings.SECURE_CSP and CSP_HEADER not in response:
            nonce = getattr(request, "_csp_nonce", None)
            response.headers[CSP_HEADER] = build_policy(settings.SECURE_CSP, nonce)
        # Its ETag too (what config.http_cache would compute from the body), so a hit hashes nothing.
        if "ETag" not in response:
            set_response_etag(response)
        value = (response.content, response.status_code, dict(response.items()))
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
        now = timezone.now()
        self.local.put(key, LocalPage(value, now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)), now)
        response.headers[self.header] = "miss"
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling: REMOTE_ADDR, or behind N trusted proxies
    (``settings.TRUSTED_PROXY_COUNT``) the Nth address from the right of X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a login attempt names, cut to the longest a username can be (django-axes stores it, and a
    longer one would overflow its column on PostgreSQL)."""
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:150] if isinstance(username, str) else username
