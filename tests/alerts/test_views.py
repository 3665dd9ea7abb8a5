import re

import pytest
from django.urls import reverse

from alerts import tokens
from alerts.models import Address, OutgoingMail, Subscription
from subsidies import listing_index
from tests.factories import jst, make_purpose, make_subsidy

pytestmark = pytest.mark.django_db

SEARCH = reverse("alerts:subscribe_search")


def subscribe(client, email="owner@example.jp", query="purpose=it&q=DX", **extra):
    return client.post(SEARCH, {"email": email, "query": query}, **extra)


@pytest.fixture
def it_purpose():
    return make_purpose(slug="it", name="IT導入")


def test_the_listing_page_offers_the_search_alert_with_its_filters_at_no_extra_query(
    client, it_purpose, django_assert_num_queries
):
    make_subsidy(deadline=jst(2099, 1, 1), purposes=[it_purpose])
    listing_index.current()
    url = reverse("subsidies:list") + "?purpose=it"
    with django_assert_num_queries(3):
        response = client.get(url)
    page = response.content.decode()
    assert "この条件の新着をメールで受け取る" in page
    assert f'action="{SEARCH}"' in page
    assert 'name="query" value="purpose=it"' in page
    assert "csrfmiddlewaretoken" not in page  # the page stays cacheable for everyone


def test_the_detail_page_offers_the_deadline_reminder_only_for_a_dated_listing(client):
    dated = make_subsidy(deadline=jst(2099, 1, 1))
    rolling = make_subsidy(deadline=None, rolling=True)
    page = client.get(dated.get_absolute_url()).content.decode()
    assert "締切の14日前・3日前にお知らせ" in page
    assert reverse("alerts:subscribe_deadline", args=[dated.pk]) in page
    assert "csrfmiddlewaretoken" not in page
    assert "締切の14日前・3日前にお知らせ" not in client.get(rolling.get_absolute_url()).content.decode()


def test_subscribing_stores_the_cleaned_search_and_queues_only_a_confirmation(client, it_purpose):
    response = subscribe(client, query="purpose=it&purpose=nope&q=DX&page=3&sort=new&evil=1")
    assert response.status_code == 200
    assert "確認メールをお送りしました" in response.content.decode()
    assert "リンクの有効期限は48時間です" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.query == "q=DX&purpose=it"
    assert subscription.confirmed_at is None
    assert subscription.address.email == "owner@example.jp"
    mail = OutgoingMail.objects.get()
    assert mail.kind == OutgoingMail.Kind.CONFIRMATION and mail.sent_at is None
    assert "owner@example.jp" not in mail.text.split("お申し込みの内容")[1]  # the link carries a token


def test_the_answer_never_tells_whether_an_address_is_already_subscribed(client, it_purpose):
    first = subscribe(client).content.decode()
    subscription = Subscription.objects.get()
    subscription.confirmed_at = subscription.created_at
    subscription.save()
    again = subscribe(client, email="OWNER@example.jp").content.decode()
    other = subscribe(client, email="someone-else@example.jp").content.decode()
    strip = re.compile(r'nonce="[^"]*"|csrf[^"]*"[^"]*"')
    assert strip.sub("", first) == strip.sub("", again) == strip.sub("", other)
    assert Subscription.objects.count() == 2 and Address.objects.count() == 2


def test_subscribe_pages_answer_with_a_constant_number_of_queries(
    client, it_purpose, django_assert_num_queries
):
    subsidy = make_subsidy(deadline=jst(2099, 1, 1))
    with django_assert_num_queries(4):  # the vocabulary
        assert client.get(SEARCH + "?purpose=it").status_code == 200
    with django_assert_num_queries(1):
        assert client.get(reverse("alerts:subscribe_deadline", args=[subsidy.pk])).status_code == 200


def test_a_deadline_subscription_is_for_a_published_dated_listing_only(client):
    draft = make_subsidy(state="draft", published_at=None)
    rolling = make_subsidy(deadline=None, rolling=True)
    for pk in (draft.pk, rolling.pk, 999999):
        url = reverse("alerts:subscribe_deadline", args=[pk])
        assert client.post(url, {"email": "a@example.jp"}).status_code == 404
    dated = make_subsidy(deadline=jst(2099, 1, 1))
    response = client.post(reverse("alerts:subscribe_deadline", args=[dated.pk]), {"email": "a@example.jp"})
    assert response.status_code == 200
    assert Subscription.objects.get().subsidy == dated


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "メールアドレスを入力してください"),
        ("<script>alert(1)</script>@example.jp", "形式が正しくありません"),
        ("a" * 250 + "@example.jp", "長すぎます"),
        ("owner@example.jp\r\nBcc: victim@example.jp", "形式が正しくありません"),
    ],
)
def test_hostile_addresses_get_a_clear_message_and_store_nothing(client, email, message):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<script>alert(1)</script>" not in page
    assert not Subscription.objects.exists() and not OutgoingMail.objects.exists()


def test_a_hostile_search_is_cleaned_or_refused_never_stored_as_given(client, it_purpose):
    too_long = subscribe(client, query="q=" + "あ" * 1200)
    assert too_long.status_code == 400
    assert "検索条件が長すぎる" in too_long.content.decode()
    html = subscribe(client, query="q=<script>alert(1)</script>&region=<b>x</b>")
    assert html.status_code == 200
    assert "<script>alert(1)</script>" not in html.content.decode()
    assert "&lt;script&gt;" in html.content.decode()
    assert Subscription.objects.get().query == "q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"


def test_nul_in_any_field_is_refused_with_a_400(client):
    assert subscribe(client, email="a\x00@example.jp").status_code == 400
    assert subscribe(client, query="q=a\x00b").status_code == 400
    assert not Subscription.objects.exists()


def test_subscribing_is_rate_limited_per_address_and_per_client(client, it_purpose):
    for _ in range(3):
        assert subscribe(client, email="busy@example.jp").status_code == 200
    limited = subscribe(client, email="busy@example.jp")
    assert limited.status_code == 429
    assert "しばらくしてからお試しください" in limited.content.decode()
    assert OutgoingMail.objects.count() == 3
    for n in range(20):
        subscribe(client, email=f"user{n}@example.jp", REMOTE_ADDR="203.0.113.9")
    assert subscribe(client, email="fresh@example.jp", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert subscribe(client, email="fresh@example.jp", REMOTE_ADDR="203.0.113.10").status_code == 200


def test_the_confirmation_link_shows_a_button_and_activates_only_on_post(client, it_purpose):
    subscribe(client)
    subscription = Subscription.objects.get()
    url = reverse("alerts:confirm", args=[tokens.confirm_token(subscription.pk)])
    page = client.get(url)
    assert page.status_code == 200 and "登録を確定する" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    done = client.post(url)
    assert "メール通知を登録しました" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.checked_at == subscription.confirmed_at


def test_an_expired_or_forged_confirmation_link_activates_nothing(client, it_purpose, monkeypatch, settings):
    import time

    subscribe(client)
    subscription = Subscription.objects.get()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - settings.ALERTS_CONFIRM_MAX_AGE - 5)
    old = tokens.confirm_token(subscription.pk)
    monkeypatch.setattr(time, "time", real)
    expired = client.post(reverse("alerts:confirm", args=[old]))
    assert expired.status_code == 410
    assert "有効期限が切れています" in expired.content.decode()
    forged = client.post(reverse("alerts:confirm", args=[old[:-2] + "xx"]))
    assert forged.status_code == 404
    unsubscribe_as_confirm = tokens.unsubscribe_token(subscription_id=subscription.pk)
    assert client.post(reverse("alerts:confirm", args=[unsubscribe_as_confirm])).status_code == 404
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_one_click_unsubscribe_is_a_post_without_csrf_token_or_page(it_purpose):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    subscribe(client)
    subscription = Subscription.objects.get()
    client.post(reverse("alerts:confirm", args=[tokens.confirm_token(subscription.pk)]))  # no csrf: refused
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    subscription.confirmed_at = subscription.created_at
    subscription.save()
    url = reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(address_id=subscription.address_id)])
    assert "配信を停止する" in client.get(url).content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active  # a GET (a link scanner) changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert client.post(reverse("alerts:unsubscribe", args=["forged"])).status_code == 404


def test_a_closed_listing_offers_no_reminder_and_refuses_one(client):
    closed = make_subsidy(deadline=jst(2020, 3, 31))
    assert "締切の14日前・3日前にお知らせ" not in client.get(closed.get_absolute_url()).content.decode()
    response = client.post(reverse("alerts:subscribe_deadline", args=[closed.pk]), {"email": "a@example.jp"})
    assert response.status_code == 404
    assert "募集は終了しています" in response.content.decode()
    assert not Subscription.objects.exists()


def test_link_pages_answer_with_a_constant_number_of_queries(client, it_purpose, django_assert_num_queries):
    subscribe(client)
    subscription = Subscription.objects.get()
    confirm = reverse("alerts:confirm", args=[tokens.confirm_token(subscription.pk)])
    with django_assert_num_queries(0):
        client.get(confirm)
    with django_assert_num_queries(5):  # savepoint, the row locked, the content version, the update, release
        client.post(confirm)
    unsubscribe = reverse(
        "alerts:unsubscribe", args=[tokens.unsubscribe_token(address_id=subscription.address_id)]
    )
    with django_assert_num_queries(0):
        client.get(unsubscribe)
    with django_assert_num_queries(1):
        client.post(unsubscribe)
