import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies.models import (
    FAQ,
    ApplicationStep,
    EligibilityRequirement,
    RequiredDocument,
    Subsidy,
    SubsidyExpense,
)
from tests.factories import NOW, jst, make_region, make_subsidy, make_target_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: NOW)


def ask_url(subsidy, **params):
    from urllib.parse import urlencode

    return reverse("assistant:ask", kwargs={"pk": subsidy.pk}) + ("?" + urlencode(params) if params else "")


def test_the_ask_url_is_the_fixed_one():
    assert reverse("assistant:ask", kwargs={"pk": 155678}) == "/subsidies/155678/ask/"


def test_without_javascript_the_page_shows_the_question_the_answer_and_the_box(client):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    response = client.get(ask_url(subsidy, q="締切はいつですか？"))
    assert response.status_code == 200
    html = response.text
    assert "<html" in html
    assert "締切はいつですか？" in html
    assert "申請締切は2026年3月31日（火）です（残り74日）。" in html
    assert f'href="{subsidy.get_absolute_url()}#key-figures"' in html
    assert f'action="{ask_url(subsidy)}"' in html
    assert "専門家による助言ではありません" in html
    assert 'name="robots" content="noindex"' in html


def test_the_partial_is_only_the_answer_fragment(client):
    subsidy = make_subsidy(max_amount=10_000_000)
    response = client.get(ask_url(subsidy, q="いくら？", partial=1))
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert "最大支給額は1,000万円です。" in response.text


def test_a_text_answer_quotes_the_passage_and_links_its_heading(client):
    subsidy = make_subsidy(body="## 概要\n\n本文です。\n\n## 研修\n\nオンライン研修も対象です。")
    response = client.get(ask_url(subsidy, q="オンライン研修", partial=1))
    assert "<blockquote" in response.text
    assert "オンライン研修も対象です。" in response.text
    assert f'href="{subsidy.get_absolute_url()}#article-2"' in response.text


def test_an_unanswerable_question_points_to_the_official_page_and_the_contact(client):
    subsidy = make_subsidy(official_url="https://example.jp/", contact_name="事務局")
    response = client.get(ask_url(subsidy, q="駐車場はありますか", partial=1))
    assert "このページには記載がありません" in response.text
    assert "問い合わせ先（事務局）にお尋ねください" in response.text
    assert 'href="https://example.jp/"' in response.text
    assert f'href="{subsidy.get_absolute_url()}#contact"' in response.text


def test_the_page_without_a_question_shows_only_the_box(client):
    subsidy = make_subsidy()
    response = client.get(ask_url(subsidy))
    assert response.status_code == 200
    assert "ask-turn" not in response.text
    assert 'name="q"' in response.text


def test_drafts_and_unknown_listings_are_404_for_the_public_and_drafts_answer_for_staff(client, staff_client):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None, max_amount=5_000_000)
    assert client.get(ask_url(draft, q="いくら？")).status_code == 404
    assert client.get(reverse("assistant:ask", kwargs={"pk": 999_999}) + "?q=x").status_code == 404
    response = staff_client.get(ask_url(draft, q="いくら？"))
    assert response.status_code == 200
    assert "最大支給額は500万円です。" in response.text
    assert "下書きプレビュー" in response.text


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "質問を入力してください。"),
        ("   ", "質問を入力してください。"),
        ("締切\x07は", "使えない制御文字が含まれています"),
        ("あ" * 201, "質問は200文字以内で入力してください（いまは201文字です）。"),
        ("<script>alert(1)</script>", "HTML のタグや記号は使えません"),
        ("&lt;b&gt;", "HTML のタグや記号は使えません"),
        ("？？！！…", "質問の文章を入力してください"),
    ],
)
def test_empty_long_or_hostile_questions_get_a_clear_message_not_an_error(client, question, message):
    subsidy = make_subsidy()
    for partial in ("", "1"):
        response = client.get(ask_url(subsidy, q=question, partial=partial))
        assert response.status_code == 200
        assert message in response.text
        assert "<script>alert" not in response.text


def test_a_rejected_question_is_echoed_without_its_control_characters(client):
    subsidy = make_subsidy()
    # The fragment: the site header (not this app) echoes request.GET.q on full pages.
    response = client.get(ask_url(subsidy, q="締切\x1bは\x07？", partial=1))
    assert "\x1b" not in response.text and "\x07" not in response.text
    assert "締切は？" in response.text


def test_the_fragment_without_a_question_asks_for_one(client):
    subsidy = make_subsidy()
    response = client.get(ask_url(subsidy, partial=1))
    assert "質問を入力してください。" in response.text
    assert "お答えできません" not in response.text


def test_a_question_of_exactly_200_characters_is_accepted(client):
    subsidy = make_subsidy()
    response = client.get(ask_url(subsidy, q="締" * 200, partial=1))
    assert "200文字以内" not in response.text


def test_asking_is_a_get_and_changes_nothing(client):
    subsidy = make_subsidy()
    before = Subsidy.objects.values().get(pk=subsidy.pk)
    assert client.post(ask_url(subsidy, q="締切")).status_code == 405
    client.get(ask_url(subsidy, q="締切"))
    assert Subsidy.objects.values().get(pk=subsidy.pk) == before


def grow(subsidy, count):
    """Give the listing ``count`` more rows of every list the answer reads (short region codes for PostgreSQL)."""
    for i in range(count):
        SubsidyExpense.objects.create(subsidy=subsidy, label=f"経費{i}", order=i)
        RequiredDocument.objects.create(subsidy=subsidy, name=f"書類{i}", order=i)
        ApplicationStep.objects.create(subsidy=subsidy, title=f"手順{i}", order=i)
        FAQ.objects.create(subsidy=subsidy, question=f"質問{i}？", answer=f"回答{i}。", order=i)
        EligibilityRequirement.objects.create(subsidy=subsidy, text=f"要件{i}", order=i)
        subsidy.regions.add(make_region(code=f"Q{subsidy.pk % 10}{i}"))
        subsidy.target_types.add(make_target_type())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "question", ["締切は？", "必要な書類は？", "オンライン研修はできますか", "駐車場は？"]
)
def test_an_answer_costs_eight_queries_however_many_rows_the_listing_has(client, question):
    subsidy = make_subsidy()
    # One for the listing (with its organisation), one per prefetched list: regions, target types,
    # requirements, expenses, documents, steps, FAQs.
    assert count_queries(client, ask_url(subsidy, q=question)) == 8
    grow(subsidy, 5)
    subsidy.save()
    assert count_queries(client, ask_url(subsidy, q=question, partial=1)) == 8


def test_the_detail_page_carries_the_box_and_its_deferred_script(client):
    subsidy = make_subsidy()
    response = client.get(subsidy.get_absolute_url())
    assert f'action="{ask_url(subsidy)}"' in response.text
    assert "js/assistant.js" in response.text
    assert "<script>" not in response.text
