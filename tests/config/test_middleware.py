"""Hostile input stops at the door with a 400 page; the shared page cache serves anonymous listings."""

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from subsidies import clock
from subsidies.models import Subsidy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/subsidies/?q=%00", "/subsidies/?page=1%00", "/subsidies/?%00=1", "/regions/tokyo%00/", "/?q=a%00b"],
)
def test_a_nul_character_anywhere_in_the_url_is_answered_with_a_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "使えない文字が含まれています" in response.text
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
def test_a_nul_character_in_a_form_post_or_a_header_is_answered_with_a_400_page(client):
    assert client.post(reverse("admin:login"), {"username": "a\x00", "password": "x"}).status_code == 400
    assert client.get("/", headers={"user-agent": "bot\x00"}).status_code == 400


@pytest.fixture
def redis_page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": "hojo-test",
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.mark.django_db
def test_an_anonymous_listing_is_served_from_the_shared_cache_with_its_own_policy(
    client, demo_data, redis_page_cache
):
    first = client.get("/subsidies/?page=1")
    assert first.headers["X-Page-Cache"] == "miss"
    Subsidy.objects.update(title="変更後のタイトル")
    second = Client().get("/subsidies/?page=1")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "変更後のタイトル" not in second.text


@pytest.mark.django_db
def test_staff_with_a_session_always_see_the_live_page(client, staff_client, demo_data, redis_page_cache):
    client.get("/subsidies/")
    Subsidy.objects.update(title="変更後のタイトル")
    response = staff_client.get("/subsidies/")
    assert "X-Page-Cache" not in response.headers
    assert "変更後のタイトル" in response.text


@pytest.mark.django_db
def test_detail_pages_and_errors_are_never_cached(client, demo_data, redis_page_cache):
    assert "X-Page-Cache" not in client.get(reverse("subsidies:detail", args=[155678])).headers
    assert "X-Page-Cache" not in client.get("/subsidies/?page=999").headers
    assert client.get("/subsidies/?page=999").status_code == 404


@pytest.mark.django_db
def test_without_a_shared_cache_nothing_is_cached(client, demo_data, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in client.get("/subsidies/").headers


@pytest.mark.django_db
def test_equivalent_listing_urls_share_one_cache_entry(client, demo_data, redis_page_cache):
    first = client.get("/subsidies/?region=tokyo&purpose=equipment-it&purpose=sales-expansion&q=")
    assert first.headers["X-Page-Cache"] == "miss"
    same = Client().get("/subsidies/?purpose=sales-expansion&purpose=equipment-it&page=1&region=tokyo")
    assert same.headers["X-Page-Cache"] == "hit"
    assert same.content == first.content
    # A different value, or a second page, is another page.
    assert Client().get("/subsidies/?region=osaka&purpose=equipment-it").headers["X-Page-Cache"] == "miss"
    assert Client().get("/subsidies/?page=2").headers.get("X-Page-Cache") in ("miss", None)


def test_the_cache_path_sorts_the_parameters_and_drops_empty_values_and_the_first_page(rf):
    from config.middleware import cache_path

    assert cache_path(rf.get("/subsidies/?b=2&a=1&a=0&q=&page=1")) == "/subsidies/?a=0&a=1&b=2"
    assert cache_path(rf.get("/subsidies/?page=3")) == "/subsidies/?page=3"
    assert cache_path(rf.get("/subsidies/")) == "/subsidies/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/compare/?ids=155678,200013",
        "/subsidies/155678/checklist/?done=elig-1",
        "/match/?pref=tokyo&biz=manufacturing&emp=12",
    ],
)
def test_the_feature_apps_get_pages_are_cached_whole_too(client, demo_data, redis_page_cache, url):
    first = client.get(url)
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    again = Client().get(url)
    assert again.headers["X-Page-Cache"] == "hit" and again.content == first.content


def test_a_cached_page_is_answered_before_the_session_csrf_auth_and_messages_middleware(settings):
    order = settings.MIDDLEWARE
    cache_at = order.index("config.middleware.PublicPageCacheMiddleware")
    assert order.index("django.middleware.csp.ContentSecurityPolicyMiddleware") < cache_at
    for inner in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ):
        assert cache_at < order.index(inner), inner


@pytest.mark.django_db
def test_a_visitor_with_a_messages_cookie_gets_the_live_page(client, demo_data, redis_page_cache):
    client.get("/subsidies/")
    other = Client()
    other.cookies["messages"] = "x"
    assert "X-Page-Cache" not in other.get("/subsidies/").headers


@pytest.mark.django_db
def test_a_process_keeps_a_copy_of_the_pages_it_serves_until_the_content_changes(
    client, demo_data, redis_page_cache
):
    first = client.get("/subsidies/")
    redis_page_cache.clear()  # the shared copy gone: this process still has its own
    again = client.get("/subsidies/")
    assert again.headers["X-Page-Cache"] == "hit" and again.content == first.content
    subsidy = Subsidy.objects.get(pk=155678)
    subsidy.title = "変更後のタイトル"
    subsidy.save()  # a new content version: a new key for every process
    fresh = client.get("/subsidies/")
    assert fresh.headers["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_a_cached_page_is_not_served_after_midnight_in_japan(
    client, demo_data, redis_page_cache, monkeypatch
):
    evening = datetime.datetime(2026, 12, 4, 14, 59, 59, tzinfo=datetime.UTC)  # 23:59:59 JST
    monkeypatch.setattr(clock, "now", lambda: evening)
    assert client.get("/subsidies/").headers["X-Page-Cache"] == "miss"
    assert client.get("/subsidies/").headers["X-Page-Cache"] == "hit"
    midnight = evening + datetime.timedelta(seconds=1)  # 00:00 JST: every days-left figure moved
    monkeypatch.setattr(clock, "now", lambda: midnight)
    assert client.get("/subsidies/").headers["X-Page-Cache"] == "miss"
