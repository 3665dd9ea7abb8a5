"""The fast lane: the views named in FAST_LANE_URL_NAMES are answered for a visitor without a session before the session,
locale, CSRF, auth and messages middleware, with the headers every page carries."""

import re

import pytest
from django.conf import settings

from tests.factories import make_subsidy


@pytest.fixture(autouse=True)
def lane_is_on_the_fast_lane(settings):
    settings.FAST_LANE_URL_NAMES = [*settings.FAST_LANE_URL_NAMES, "lane"]


BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.mark.urls("tests.config.fast_lane_urls")
@pytest.mark.django_db
def test_a_marked_view_is_answered_before_the_session_middleware_for_a_visitor_without_one(client):
    response = client.get("/lane/")
    assert response.text == "session=False staff=False match=lane"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" in response.headers["Vary"]
    assert response.headers["Content-Length"] == str(len(response.content))


@pytest.mark.urls("tests.config.fast_lane_urls")
@pytest.mark.django_db
def test_a_visitor_with_a_session_goes_the_whole_way(staff_client):
    assert staff_client.get("/lane/").text == "session=True staff=True match=lane"


@pytest.mark.urls("tests.config.fast_lane_urls")
@pytest.mark.django_db
def test_unmarked_views_and_other_methods_go_the_whole_way(client):
    assert client.get("/whole-way/").text == "session=True staff=False match=whole_way"
    assert client.post("/lane/").text == "session=True staff=False match=lane"


@pytest.mark.django_db
def test_the_detail_page_takes_the_fast_lane_with_its_nonce_and_headers(client):
    subsidy = make_subsidy(title="早道の補助金")
    response = client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
    assert response.status_code == 200
    assert "早道の補助金" in response.text
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Cookie" in response.headers["Vary"]
    # LocaleMiddleware did not run (the site speaks one language, so there was nothing for it to choose).
    assert "Content-Language" not in response.headers
    assert response.cookies["viewed"]["httponly"]


@pytest.mark.django_db
def test_a_missing_listing_on_the_fast_lane_is_the_404_page_with_its_headers(client):
    response = client.get("/subsidies/987654321/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_fast_lane_sits_after_the_headers_and_before_the_session():
    order = settings.MIDDLEWARE
    lane = order.index("config.fast_lane.FastLaneMiddleware")
    for before in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "config.middleware.RejectNulMiddleware",
    ):
        assert order.index(before) < lane
    assert lane < order.index("django.contrib.sessions.middleware.SessionMiddleware")
