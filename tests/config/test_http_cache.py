"""The HTTP layer a browser and a CDN use (config/http_cache.py, subsidies/README.md "DESIGN notes: HTTP
caching"): an ETag and a 304 on every anonymous page, Cache-Control per page type, private answers for staff and
forms, errors never stored, compression where it is safe, and Vary naming exactly what an answer depends on."""

import datetime
import gzip

import brotli
import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import resolve, reverse

from alerts import tokens
from alerts.models import Subscription
from subsidies import clock, detail_page
from subsidies.models import Subsidy
from tests.factories import NOW, jst, make_purpose, make_subsidy
from tests.security.public_urls import existing_public_urls

try:
    from compression import zstd
except ImportError:  # Python before 3.14: the backport django-http-compression depends on
    from backports import zstd

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
SEED = 155678

# One URL of each anonymous page type, the view name its policy is under, and whether it reads the session
# (staff see drafts there: Vary: Cookie). The detail page is asked twice (see public_get): a browser's first
# view is counted and sets a cookie, so that answer is private.
PAGES = [
    ("/", "subsidies:home", False),
    ("/subsidies/?status=open&sort=new", "subsidies:list", False),
    ("/regions/tokyo/", "subsidies:region", False),
    ("/purposes/equipment-it/", "subsidies:purpose", False),
    (f"/subsidies/{SEED}/", "subsidies:detail", True),
    (f"/subsidies/{SEED}/checklist/", "checklists:checklist", True),
    (f"/subsidies/{SEED}/deadline.ics", "subsidies:deadline_ics", True),
    (f"/subsidies/{SEED}/ask/?q=対象経費", "assistant:ask", True),
    (f"/compare/?ids={SEED},200001", "comparisons:compare", False),
    ("/match/?pref=tokyo&emp=10", "matching:match", False),
    (f"/match/verdict/{SEED}/?pref=tokyo&emp=10", "matching:verdict", False),
    ("/feeds/latest/", "subsidies:feed", False),
    ("/sitemap.xml", "sitemap", False),
    ("/robots.txt", "subsidies:robots", False),
    ("/about/", "about", False),
    ("/disclaimer/", "disclaimer", False),
]
URLS = [url for url, _, _ in PAGES]


@pytest.fixture
def at(monkeypatch):
    """Fix the clock the views and the middleware read (default: 2026-01-16 12:00 JST)."""

    def move(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    move(NOW)
    return move


def directives(response) -> dict[str, str]:
    found = {}
    for part in response.get("Cache-Control", "").split(","):
        if part.strip():
            name, _, value = part.strip().partition("=")
            found[name] = value
    return found


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def public_get(client, url, **headers):
    """GET as a returning browser (for the detail page: one whose view was already counted)."""
    headers = {"user-agent": BROWSER} | headers
    client.get(url, headers=headers)
    return client.get(url, headers=headers)


def expected_policy(view_name, *, window):
    policy = settings.HTTP_CACHE_POLICIES[view_name]
    max_age = min(policy["max_age"], window)
    expected = {
        "public": "",
        "max-age": str(max_age),
        "stale-while-revalidate": str(min(policy["stale_while_revalidate"], window - max_age)),
    }
    if "s_maxage" in policy:
        expected["s-maxage"] = str(policy["s_maxage"])
    return expected


# ETag and 304


def test_every_anonymous_page_type_has_an_etag_its_policy_and_answers_if_none_match_with_304(
    client, demo_data, at
):
    for url, view_name, _ in PAGES:
        response = public_get(client, url)
        assert response.status_code == 200, url
        etag = response["ETag"]
        # 12:00 JST: twelve hours until midnight; the detail page's own expiry (its similar table) an hour away.
        window = 3600 if view_name == "subsidies:detail" else 12 * 3600
        assert directives(response) == expected_policy(view_name, window=window), url
        assert "Last-Modified" not in response, url

        not_modified = client.get(url, headers={"user-agent": BROWSER, "if-none-match": etag})
        assert not_modified.status_code == 304, url
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert not_modified["Cache-Control"] == response["Cache-Control"]
        assert vary(not_modified) == vary(response), url
        # The 304 carries no policy header: the browser keeps the one stored with the body (and its nonce).
        assert "Content-Security-Policy" not in not_modified
        assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200, url


def test_a_compressed_answer_has_a_weak_etag_that_still_matches(client, demo_data, at):
    for url in URLS:
        plain = public_get(client, url)
        compressed = client.get(url, headers={"user-agent": BROWSER, "accept-encoding": "gzip"})
        assert compressed["ETag"] == plain["ETag"], url
        if "Content-Encoding" in compressed:
            assert compressed["ETag"].startswith('W/"'), url
        again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": compressed["ETag"]})
        assert again.status_code == 304, url


def test_the_public_detail_page_is_the_same_bytes_for_everyone_until_it_changes(demo_data, at):
    first, second = (public_get(Client(), f"/subsidies/{SEED}/") for _ in range(2))
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]


def test_a_staff_save_makes_the_next_request_fresh_with_a_new_etag(client, demo_data, at):
    before = {url: public_get(client, url)["ETag"] for url in ("/", "/subsidies/", f"/subsidies/{SEED}/")}
    subsidy = Subsidy.objects.get(pk=SEED)
    subsidy.title = "スタッフが直した題名"
    subsidy.save()
    for url, etag in before.items():
        response = client.get(url, headers={"user-agent": BROWSER, "if-none-match": etag})
        assert response.status_code == 200, url
        assert response["ETag"] != etag
        assert "スタッフが直した題名" in response.text


@pytest.fixture
def redis_page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": "hojo-test-http",
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_a_staff_save_also_makes_the_shared_page_cache_render_anew(client, demo_data, at, redis_page_cache):
    first = client.get("/subsidies/")
    assert first["X-Page-Cache"] == "miss"
    assert Client().get("/subsidies/")["X-Page-Cache"] == "hit"
    subsidy = Subsidy.objects.get(pk=SEED)
    subsidy.title = "スタッフが直した題名"
    subsidy.save()
    after = Client().get("/subsidies/", headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert after["X-Page-Cache"] == "miss"
    assert "スタッフが直した題名" in after.text


def test_the_etag_changes_at_jst_midnight_when_days_left_do(client, at):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    url = subsidy.get_absolute_url()
    at(jst(2026, 1, 16, 23, 59))
    before = {path: public_get(client, path) for path in (url, "/")}
    assert "残り74日" in before[url].text
    at(jst(2026, 1, 17, 0, 0))
    for path, response in before.items():
        after = client.get(path, headers={"user-agent": BROWSER, "if-none-match": response["ETag"]})
        assert after.status_code == 200, path
        assert "残り73日" in after.text


def test_the_view_count_shown_is_part_of_the_detail_pages_etag(client, at):
    subsidy = make_subsidy(view_count=20)
    url = subsidy.get_absolute_url()
    first = public_get(client, url)
    assert "21回閲覧" in first.text
    Client().get(url, headers={"user-agent": BROWSER})  # another browser's first view is counted
    again = client.get(url, headers={"user-agent": BROWSER, "if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "22回閲覧" in again.text


def test_a_count_not_shown_yet_does_not_change_the_etag(client, at):
    subsidy = make_subsidy(view_count=2)
    url = subsidy.get_absolute_url()
    first = public_get(client, url)
    Client().get(url, headers={"user-agent": BROWSER})
    assert client.get(url, headers={"user-agent": BROWSER, "if-none-match": first["ETag"]}).status_code == 304


def test_a_304_of_the_detail_page_asks_what_its_200_asks(client, demo_data, at, django_assert_num_queries):
    url = f"/subsidies/{SEED}/"
    etag = public_get(client, url)["ETag"]
    with django_assert_num_queries(1):  # the row read (and, for a first view, the count)
        assert client.get(url, headers={"user-agent": BROWSER, "if-none-match": etag}).status_code == 304


def test_a_304_of_a_listing_page_asks_what_its_200_asks(client, demo_data, at, django_assert_num_queries):
    url = "/subsidies/?status=open"
    etag = public_get(client, url)["ETag"]
    with django_assert_num_queries(3):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_if_modified_since_alone_never_answers_304(client, demo_data, at):
    """The feed's and sitemap's Last-Modified (the newest entry's) would not move when a listing closes or is
    unpublished; the ETag is the validator."""
    for url in ("/feeds/latest/", "/sitemap.xml"):
        response = client.get(url, headers={"if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"})
        assert response.status_code == 200, url


# Cache-Control


def test_caches_may_not_keep_a_page_past_jst_midnight(client, demo_data, at):
    at(jst(2026, 1, 16, 23, 58))
    assert directives(client.get("/")) == {"public": "", "max-age": "60", "stale-while-revalidate": "60"}
    at(jst(2026, 1, 16, 23, 59) + datetime.timedelta(seconds=30))
    assert directives(client.get("/")) == {"public": "", "max-age": "30", "stale-while-revalidate": "0"}


def test_caches_may_not_keep_a_detail_page_past_its_next_status_change(client, at):
    subsidy = make_subsidy(deadline=NOW + datetime.timedelta(seconds=400), deadline_has_time=True)
    response = public_get(client, subsidy.get_absolute_url())
    assert directives(response) == {
        "public": "",
        "max-age": "300",
        "stale-while-revalidate": "100",
        "s-maxage": "0",
    }


def test_a_first_view_that_sets_the_counting_cookie_is_private_and_a_cdn_revalidates_every_view(client, at):
    subsidy = make_subsidy()
    counted = client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
    assert "viewed" in counted.cookies
    assert directives(counted) == {"private": "", "max-age": "300", "stale-while-revalidate": "300"}
    returning = client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
    assert not returning.cookies
    assert directives(returning)["s-maxage"] == "0"


def test_a_signed_in_member_of_staff_gets_private_no_store_and_nothing_compressed(
    staff_client, demo_data, at
):
    for url in URLS:
        response = staff_client.get(url, headers={"accept-encoding": "br, gzip"})
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= directives(response).keys(), url
        assert "public" not in directives(response), url
        assert "ETag" not in response, url
        assert "Content-Encoding" not in response, url
        assert "accept-encoding" not in vary(response), url


def test_a_page_carrying_a_csrf_token_is_private_no_store_and_not_compressed(client, db):
    make_purpose(slug="it", name="IT導入")
    client.post(reverse("alerts:subscribe_search"), {"email": "a@example.jp", "query": "purpose=it"})
    confirm = reverse("alerts:confirm", args=[tokens.confirm_token(Subscription.objects.get().pk)])
    for url in (reverse("admin:login"), confirm):
        response = client.get(url, headers={"accept-encoding": "br, gzip"})
        assert "csrfmiddlewaretoken" in response.text, url
        assert {"private", "no-store"} <= directives(response).keys()
        assert "ETag" not in response
        assert "Content-Encoding" not in response


def test_the_answer_to_a_posted_form_is_private_no_store_and_not_compressed(client, db):
    make_purpose(slug="it", name="IT導入")
    response = client.post(
        reverse("alerts:subscribe_search"),
        {"email": "owner@example.jp", "query": "purpose=it"},
        headers={"accept-encoding": "gzip"},
    )
    assert "確認メールをお送りしました" in response.text
    assert "IT導入" in response.text  # the posted search, described
    assert {"private", "no-store"} <= directives(response).keys()
    assert "Content-Encoding" not in response


@pytest.mark.urls("tests.config.http_cache_urls")
def test_errors_are_never_stored(demo_data, at):
    client = Client(raise_request_exception=False)
    for url, status in [
        ("/subsidies/987654321/", 404),
        ("/no-such-page/", 404),
        ("/subsidies/?page=999", 404),
        ("/subsidies/?q=%00", 400),
        ("/broken/", 500),
    ]:
        response = client.get(url, headers={"user-agent": BROWSER})
        assert response.status_code == status, url
        assert {"private", "no-store"} <= directives(response).keys(), url
        assert "ETag" not in response, url


def test_a_view_that_says_never_cache_keeps_its_own_header(client, db):
    assert "no-store" in directives(client.get("/healthz"))


def test_every_public_page_has_a_policy():
    """The health check and the alert pages say never_cache themselves; every other public page is in the table."""
    named = set(settings.HTTP_CACHE_POLICIES) | {"subsidies:healthz"}
    for url in existing_public_urls():
        view_name = resolve(url).view_name
        assert view_name in named or view_name.startswith("alerts:"), url


# Compression


def test_compression_is_negotiated_zstd_then_br_then_gzip_and_none_when_not_asked(client, demo_data, at):
    url = f"/subsidies/{SEED}/"
    plain = public_get(client, url).content
    for accept, coding, decompress in [
        ("gzip, deflate, br, zstd", "zstd", zstd.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
    ]:
        response = client.get(url, headers={"user-agent": BROWSER, "accept-encoding": accept})
        assert response["Content-Encoding"] == coding, accept
        assert decompress(response.content) == plain
        assert len(response.content) < len(plain) / 3
    response = client.get(url, headers={"user-agent": BROWSER})
    assert "Content-Encoding" not in response
    assert response.content == plain


def test_feeds_and_other_text_are_compressed_too(client, demo_data, at):
    for url in ["/feeds/latest/", "/sitemap.xml", f"/subsidies/{SEED}/deadline.ics"]:
        response = client.get(url, headers={"accept-encoding": "br"})
        assert response["Content-Encoding"] == "br", url
        assert brotli.decompress(response.content) == client.get(url).content


# Vary


def test_vary_names_exactly_what_the_answer_depends_on(client, demo_data, at):
    for url, _, reads_session in PAGES:
        response = public_get(client, url, **{"accept-encoding": "gzip"})
        expected = {"accept-encoding"} if len(client.get(url).content) >= 200 else set()
        if reads_session:
            expected.add("cookie")
        assert vary(response) == expected, url
        # Not compressed for this client, it still varies by what another would have been sent.
        assert vary(public_get(client, url)) == expected, url


def test_no_answer_varies_by_accept_language(client, demo_data, at):
    for url in [*URLS, "/no-such-page/"]:
        assert "accept-language" not in vary(client.get(url)), url


# Order


def test_the_middleware_order_lets_etags_compression_and_the_nonce_work_together():
    order = settings.MIDDLEWARE
    position = order.index
    assert position("whitenoise.middleware.WhiteNoiseMiddleware") < position(
        "config.http_cache.CompressionMiddleware"
    )
    assert position("config.http_cache.CompressionMiddleware") < position(
        "django.middleware.http.ConditionalGetMiddleware"
    )
    assert position("django.middleware.http.ConditionalGetMiddleware") < position(
        "config.http_cache.HttpCachingMiddleware"
    )
    assert position("config.http_cache.HttpCachingMiddleware") < position(
        "django.middleware.csp.ContentSecurityPolicyMiddleware"
    )
    assert position("django.middleware.csp.ContentSecurityPolicyMiddleware") < position(
        "config.fast_lane.FastLaneMiddleware"
    )
    assert "django.middleware.gzip.GZipMiddleware" not in order


def test_the_nonce_of_the_public_page_is_the_one_its_body_carries(client, demo_data, at):
    response = public_get(client, f"/subsidies/{SEED}/")
    page = detail_page.page(
        None, detail_page.read_row(SEED, drafts=False), now=clock.now(), cached=True
    )  # the stored page
    nonce = detail_page.nonce_for(page)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert f'nonce="{nonce}"' in response.text


@pytest.mark.parametrize("url", [url for url, name, _ in PAGES if name in settings.PAGE_CACHE_URL_NAMES])
def test_a_page_served_from_the_page_cache_carries_the_headers_its_render_did(
    client, demo_data, at, settings, url
):
    settings.PAGE_CACHE_SECONDS = 60
    caches["default"].clear()
    rendered = client.get(url, headers={"user-agent": BROWSER})
    assert rendered["X-Page-Cache"] == "miss"
    for headers in ({}, {"accept-encoding": "gzip"}):
        served = Client().get(url, headers={"user-agent": BROWSER} | headers)
        assert served["X-Page-Cache"] == "hit", url
        assert served["Cache-Control"] == rendered["Cache-Control"], url
        assert vary(served) == vary(rendered), url
        assert served["ETag"].removeprefix("W/") == rendered["ETag"].removeprefix("W/"), url
        assert Client().get(url, headers={"if-none-match": served["ETag"]}).status_code == 304, url
    caches["default"].clear()
