"""The issue's examples on the seed listing, refusals, and citations that link to sections of the page."""

import pytest
from django.urls import reverse

from assistant.answers import FIELD_ANCHORS, answer, passage_index
from subsidies.models import Subsidy
from tests.factories import NOW, make_subsidy

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(evaluation_listings):
    return Subsidy.objects.get(pk=155678)


def test_who_runs_it_is_answered_with_the_organiser_on_the_page(seed):
    result = answer(seed, "主催しているのはどこですか", now=NOW)
    assert (result.kind, result.source, result.anchor) == ("field", "organization", "eligibility")
    assert result.sentences == ["主催機関は一般財団法人海外産業人材育成協会（AOTS）です。"]


def test_which_countries_is_answered_by_quoting_the_countries_the_page_names(seed):
    result = answer(seed, "どこの国が対象ですか", now=NOW)
    assert (result.kind, result.anchor) == ("text", "faq")
    assert "ASEAN諸国、インド、アフリカ" in result.quotes[0].passage.text


def test_the_weather_is_not_on_the_page_so_it_is_refused_not_answered_with_the_region(seed):
    result = answer(seed, "明日の東京の天気は", now=NOW)
    assert result.kind == "none" and not result.answered


def test_a_question_about_a_place_is_still_answered_with_the_regions(seed):
    result = answer(seed, "東京の会社でも申請できますか", now=NOW)
    assert (result.kind, result.source) == ("field", "region")
    assert result.sentences == ["対象地域は全国です。"]


@pytest.mark.parametrize(
    "question", ["社長の年収はいくら？", "おすすめのラーメン屋を教えて", "今日は何曜日？"]
)
def test_a_question_about_something_the_page_never_mentions_is_refused(question):
    subsidy = make_subsidy(max_amount=5_000_000, body="## 概要\n\n設備の購入費を補助します。")
    assert answer(subsidy, question, now=NOW).kind == "none"


def test_the_refusal_says_the_page_does_not_state_it_and_where_to_ask(client, seed):
    response = client.get(reverse("assistant:ask", kwargs={"pk": seed.pk}), {"q": "明日の東京の天気は"})
    assert "このページには記載がありません。" in response.text
    assert "問い合わせ先（一般財団法人海外産業人材育成協会（AOTS））にお尋ねください" in response.text
    assert 'href="https://www.aots.jp/"' in response.text
    assert f'href="{seed.get_absolute_url()}#contact"' in response.text


def test_a_field_the_listing_leaves_empty_is_refused_with_its_name_and_where_to_ask(client, seed):
    response = client.get(reverse("assistant:ask", kwargs={"pk": seed.pk}), {"q": "補助率は？"})
    assert "補助率は、このページには記載がありません。" in response.text
    assert f'href="{seed.get_absolute_url()}#contact"' in response.text


def test_a_field_answer_is_quoted_and_links_to_its_section(client, seed):
    response = client.get(reverse("assistant:ask", kwargs={"pk": seed.pk}), {"q": "主催はどこ？"})
    assert "<blockquote" in response.text
    assert f'href="{seed.get_absolute_url()}#eligibility">このページの「主催機関」</a>' in response.text


def test_every_section_an_answer_cites_is_an_id_on_the_detail_page(client, seed):
    page = client.get(seed.get_absolute_url()).text
    anchors = set(FIELD_ANCHORS.values()) | {p.anchor for p in passage_index(seed).passages}
    assert {anchor for anchor in anchors if f'id="{anchor}"' not in page} == set()
