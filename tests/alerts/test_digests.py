"""The daily digest, planned and sent in this process to a real SMTP server (the worker has its own tests)."""

import datetime
import re

import pytest
from django.urls import reverse

from alerts import digests, mail, services, tokens
from alerts.models import Address, DigestItem, OutgoingMail, SendingSwitch, Subscription
from subsidies.clock import JST
from tests.alerts.conftest import html_of, text_of
from tests.factories import jst, make_purpose, make_subsidy

pytestmark = pytest.mark.django_db

CONFIRMED = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=JST)
DAY1 = datetime.datetime(2027, 3, 2, 7, 0, tzinfo=JST)
DAY2 = datetime.datetime(2027, 3, 3, 7, 0, tzinfo=JST)


@pytest.fixture
def it_purpose():
    return make_purpose(slug="it", name="IT導入")


def subscription(email="owner@example.jp", *, query="", subsidy=None, at=CONFIRMED) -> Subscription:
    kind = Subscription.Kind.DEADLINE if subsidy else Subscription.Kind.SEARCH
    made = services.subscribe(
        email=email, kind=kind, description="テスト", now=at, query=query, subsidy=subsidy
    )
    OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CONFIRMATION).delete()
    return services.confirm(subscription_id=made.pk, now=at)


def run(at, now=None):
    written = digests.plan_day(at=at)
    mail.send_pending(now=now or at + datetime.timedelta(minutes=5))
    return written


def test_a_confirmation_is_the_only_mail_before_the_link_is_followed(smtp, client, it_purpose):
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    client.post(reverse("alerts:subscribe_search"), {"email": "new@example.jp", "query": "purpose=it"})
    run(DAY1, now=datetime.datetime.now(datetime.UTC))
    (confirmation,) = smtp.messages
    assert confirmation["Subject"] == "【補助金ディレクトリ】メール通知の登録を確認してください"
    body = text_of(confirmation)
    assert "利用目的: IT導入" in body
    link = re.search(r"http://\S+/alerts/confirm/(\S+)/", body)
    assert link and "new@example.jp" not in link.group(0)
    assert "登録を確定する" in html_of(confirmation)
    assert not DigestItem.objects.exists()


def test_an_expired_confirmation_is_not_sent(smtp, client):
    listing = make_subsidy(deadline=jst(2099, 1, 1))
    client.post(reverse("alerts:subscribe_deadline", args=[listing.pk]), {"email": "late@example.jp"})
    assert mail.send_pending(now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)) == {}
    assert smtp.messages == []


def test_the_digest_lists_new_and_changed_listings_of_the_search_in_japanese_text_and_html(smtp, it_purpose):
    subscription(query="purpose=it")
    old = make_subsidy(
        title="前からある補助金",
        purposes=[it_purpose],
        deadline=jst(2099, 1, 1),
        published_at=jst(2027, 1, 1),
    )
    new = make_subsidy(
        title="新しいIT補助金<b>",
        purposes=[it_purpose],
        deadline=jst(2027, 3, 20),
        max_amount=4_500_000,
        published_at=DAY1 - datetime.timedelta(hours=3),
    )
    make_subsidy(
        title="対象外の補助金", deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=3)
    )
    Subsidy = type(old)
    Subsidy.objects.filter(pk=old.pk).update(updated_at=DAY1 - datetime.timedelta(hours=2))
    Subsidy.objects.filter(pk=new.pk).update(updated_at=DAY1 - datetime.timedelta(hours=3))
    assert run(DAY1) == 1
    (digest,) = smtp.messages
    assert digest["Subject"] == "【補助金ディレクトリ】新着・更新2件（3月2日）"
    assert digest["To"] == "owner@example.jp"
    text, html = text_of(digest), html_of(digest)
    assert "・[新着] 新しいIT補助金<b>" in text
    assert "締切: 2027年3月20日（土）（残り18日）／支給額: 450万円" in text
    assert "・[更新] 前からある補助金" in text
    assert "対象外の補助金" not in text
    assert "新しいIT補助金&lt;b&gt;" in html and "新しいIT補助金<b>" not in html
    assert "owner@example.jp" not in text + html  # links carry signed tokens
    unsubscribe = digest["List-Unsubscribe"]
    assert re.fullmatch(r"<http://[^>]+/alerts/unsubscribe/[^>]+/>", unsubscribe)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in text  # the same link is visible in the body


def test_a_second_run_of_the_day_sends_nothing_and_the_next_day_only_what_is_newer(smtp, it_purpose):
    subscription(query="purpose=it")
    first = make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    assert run(DAY1) == 1
    assert run(DAY1) == 0
    assert len(smtp.messages) == 1
    later = make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY2 - datetime.timedelta(hours=1)
    )
    type(later).objects.filter(pk=later.pk).update(updated_at=DAY2 - datetime.timedelta(hours=1))
    Subscription.objects.update(
        checked_version=""
    )  # the content version moved (the generator bypasses signals)
    assert run(DAY2) == 1
    assert len(smtp.messages) == 2 and later.title in text_of(smtp.messages[1])
    assert first.title not in text_of(smtp.messages[1])
    assert run(datetime.datetime(2027, 3, 4, 7, tzinfo=JST)) == 0  # nothing new since
    assert OutgoingMail.objects.filter(kind="digest").count() == 2


def test_one_address_gets_one_mail_a_day_with_its_searches_and_reminders(smtp, it_purpose):
    listing = make_subsidy(title="締切が近い補助金", deadline=jst(2027, 3, 16), published_at=jst(2027, 1, 1))
    subscription(query="purpose=it")
    subscription(subsidy=listing)
    subscription("other@example.jp", subsidy=listing)
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    assert run(DAY1) == 2
    (mine,) = smtp.to("owner@example.jp")
    assert "新着・更新1件・締切のお知らせ1件" in mine["Subject"]
    assert "締切が近い補助金" in text_of(mine) and "残り14日" in text_of(mine)
    (theirs,) = smtp.to("other@example.jp")
    assert "締切のお知らせ1件" in theirs["Subject"]


def test_each_reminder_is_sent_once_at_14_and_at_3_days(smtp):
    listing = make_subsidy(deadline=jst(2027, 3, 31), published_at=jst(2027, 1, 1))
    subscription(subsidy=listing, at=datetime.datetime(2027, 3, 10, tzinfo=JST))
    sent = []
    for day in range(11, 32):
        at = datetime.datetime(2027, 3, day, 7, 0, tzinfo=JST)
        if run(at):
            sent.append((day, DigestItem.objects.latest("pk").threshold))
    assert sent == [(17, 14), (28, 3)]
    assert [m["Subject"] for m in smtp.messages] == [
        "【補助金ディレクトリ】締切のお知らせ1件（3月17日）",
        "【補助金ディレクトリ】締切のお知らせ1件（3月28日）",
    ]
    assert "残り14日" in text_of(smtp.messages[0]) and "残り3日" in text_of(smtp.messages[1])


def test_a_reminder_follows_a_new_deadline(smtp):
    listing = make_subsidy(deadline=jst(2027, 3, 31), published_at=jst(2027, 1, 1))
    subscription(subsidy=listing, at=datetime.datetime(2027, 3, 10, tzinfo=JST))
    assert run(datetime.datetime(2027, 3, 17, 7, tzinfo=JST)) == 1
    listing.deadline = jst(2027, 4, 14)
    listing.save()
    assert run(datetime.datetime(2027, 3, 18, 7, tzinfo=JST)) == 0
    assert run(datetime.datetime(2027, 3, 31, 7, tzinfo=JST)) == 1


def test_the_switch_pauses_all_sending_and_nothing_is_lost(smtp, it_purpose):
    subscription(query="purpose=it")
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    SendingSwitch.objects.update_or_create(pk=1, defaults={"paused": True})
    assert run(DAY1) == 0
    assert smtp.messages == []
    SendingSwitch.objects.filter(pk=1).update(paused=False)
    assert run(DAY2) == 1
    assert len(smtp.messages) == 1


def test_an_smtp_refusal_leaves_the_mail_for_the_next_run(smtp, it_purpose):
    subscription(query="purpose=it")
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    smtp.before_accept = lambda number: False
    run(DAY1)
    mail_row = OutgoingMail.objects.get()
    assert mail_row.sent_at is None and mail_row.attempts == 1 and "451" in mail_row.last_error
    smtp.before_accept = None
    mail.send_pending(now=DAY1 + datetime.timedelta(hours=1))
    assert len(smtp.messages) == 1
    mail.send_pending(now=DAY1 + datetime.timedelta(hours=2))
    assert len(smtp.messages) == 1


def test_unsubscribing_from_the_digest_stops_the_next_one(smtp, client, it_purpose):
    subscription(query="purpose=it")
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY1 - datetime.timedelta(hours=1)
    )
    run(DAY1)
    url = smtp.messages[0]["List-Unsubscribe"][1:-1]
    assert (
        client.post(url.split("127.0.0.1:8000", 1)[1], {"List-Unsubscribe": "One-Click"}).status_code == 200
    )
    make_subsidy(
        purposes=[it_purpose], deadline=jst(2099, 1, 1), published_at=DAY2 - datetime.timedelta(hours=1)
    )
    Subscription.objects.update(checked_version="")
    assert run(DAY2) == 0
    assert len(smtp.messages) == 1
    assert Address.objects.get().subscriptions.get().cancelled_at is not None
    assert tokens.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1])[0] == "a"
