"""The site's URLs plus a view that fails, for tests/config/test_http_cache.py (a 500 is not cached either)."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a failing view")


urlpatterns = [
    path("broken/", broken, name="broken"),
    path("", include("config.urls")),
]
