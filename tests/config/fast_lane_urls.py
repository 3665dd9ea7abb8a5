"""Views that report which middleware ran before them, for tests/config/test_fast_lane.py (which names ``lane``
in ``FAST_LANE_URL_NAMES``)."""

from django.http import HttpResponse
from django.urls import include, path


def _report(request):
    return HttpResponse(
        f"session={hasattr(request, 'session')} staff={request.user.is_staff}"
        f" match={request.resolver_match.url_name}"
    )


def lane(request):
    return _report(request)


def whole_way(request):
    return _report(request)


urlpatterns = [
    path("lane/", lane, name="lane"),
    path("whole-way/", whole_way, name="whole_way"),
    path("", include("config.urls")),
]
