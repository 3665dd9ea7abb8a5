"""The fast lane: the detail page answered for a visitor without a session before the session, CSRF, auth and
messages middleware.

Kept because the measured difference is large. ``make bench-pages`` with Redis (benchmarks/README.md), one run each,
back to back on 2026-12-05, with and without the fast lane (``FAST_LANE_URL_NAMES = []``), everything else equal:
the detail page for a returning browser 2,009 → 1,757 requests/s without it (0.86 → 1.02 ms of CPU a request), a
first visit 1,729 → 1,499 (1.00 → 1.16 ms); the other pages did not move (they have their own early answer,
``PublicPageCacheMiddleware``). Django has no part that skips middleware for some views: ``process_view`` runs
after them, and the ``cache_page`` decorator still runs them all. Tests: ``tests/config/test_fast_lane.py``.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from config.middleware import resolved


class FastLaneMiddleware:
    """Answers GET and HEAD requests for the views named in ``settings.FAST_LANE_URL_NAMES`` before the session,
    common, CSRF, auth and messages middleware, when the request carries no session cookie (so the visitor is
    anonymous).

    Such a view reads nothing of the session, the messages or the CSRF token and renders no form that posts,
    so the middleware that provide those can be skipped.
    The list is in the settings, beside ``PAGE_CACHE_URL_NAMES``, so that the apps do not import ``config``.

    A visitor without a session has nothing for those middleware to do. Staff (who have a session) and every
    other view go the whole way. Sits after the security, CSP and X-Frame-Options middleware in MIDDLEWARE, so every answer carries their
    headers, and after the HTTP caching and compression ones (``config/http_cache.py``), which treat its
    answers as any other. The view sees ``request.user`` as an ``AnonymousUser`` and ``request.resolver_match``
    as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        match = resolved(request)
        if match is None or match.view_name not in settings.FAST_LANE_URL_NAMES:
            return self.get_response(request)
        request.user = AnonymousUser()
        response = match.func(request, *match.args, **match.kwargs)
        # What the skipped middleware would have said of such a response: its length, and that it would
        # differ with a session (staff see drafts and previews).
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        patch_vary_headers(response, ("Cookie",))
        return response
