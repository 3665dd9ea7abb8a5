import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import SharedRequirement
from subsidies.models import EligibilityRequirement, RequiredDocument, Subsidy, SubsidyExpense
from tests.factories import add_children, forget_cached_pages, jst, make_subsidy

FUTURE = jst(2099, 3, 31)


def checklist_url(subsidy_or_pk):
    pk = getattr(subsidy_or_pk, "pk", subsidy_or_pk)
    return reverse("checklists:checklist", kwargs={"pk": pk})


def queries_for(client, url):
    forget_cached_pages()  # compare pages built from scratch, not one warm and one cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def open_listing(**fields):
    defaults = {
        "target_description": "県内の中小企業",
        "deadline": FUTURE,
        "official_url": "https://www.example.go.jp/apply/",
    }
    subsidy = make_subsidy(**(defaults | fields))
    SubsidyExpense.objects.create(subsidy=subsidy, label="機械装置費", order=1)
    RequiredDocument.objects.create(subsidy=subsidy, name="事業計画書", order=1)
    return subsidy


def verdict_of(html):
    """The verdict as a reader sees it: the visible blocks' text, without the entries hidden for ticked items."""
    verdict = html[
        html.index('<div class="checklist__verdict"') : html.index('<div class="checklist__actions">')
    ]
    verdict = re.sub(r'<div class="verdict[^"]*"[^>]*\shidden>.*?</div>', "", verdict, flags=re.S)
    verdict = re.sub(r"<li [^>]*\shidden>.*?</li>", "", verdict)
    verdict = re.sub(r"</li>", "、", verdict)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", verdict)).strip()


def tick_ids(subsidy):
    """The ids of ``open_listing``'s items: target, expenses, deadline and its one document."""
    document = subsidy.documents.get()
    return ["target", "expenses", "deadline", f"doc-{document.pk}"]


@pytest.mark.django_db
def test_the_standalone_page_shows_the_seed_listings_items_one_per_document_unticked(client, demo_data):
    response = client.get(checklist_url(155678))
    assert response.status_code == 200
    text = response.text
    assert "0 / <span data-total>7</span> 完了" in text.replace("<span data-done>0</span>", "0")
    for label in ["申請資格", "スケジュール", "書類準備"]:
        assert f'<legend class="checklist__legend">{label}</legend>' in text
    assert "締切: 2026年3月31日" in text
    assert text.count("checklist__badge--required") == 7
    documents = [
        "事業計画書を作成できる",
        "法人概要を準備できる",
        "経費見積書を準備できる",
        "海外拠点の状況説明書を準備できる",
    ]
    positions = [
        text.index(f'<label class="checklist__label" for="cl-155678-doc-{pk}">') for pk in range(1100, 1104)
    ]
    assert positions == sorted(positions)
    for pk, label in zip(range(1100, 1104), documents, strict=True):
        assert f'name="done" value="doc-{pk}"' in text
        assert label in text
    assert "必要書類を準備できる" not in text
    assert 'action="/subsidies/155678/checklist/"' in text
    assert "/static/js/checklist.js" in text


@pytest.mark.django_db
def test_the_seed_listing_is_closed_today_and_says_so(client, demo_data):
    text = client.get(checklist_url(155678) + "?submitted=1&done=deadline&done=target").text
    assert "締切を過ぎています" in text
    assert "現在は申請できません" in text
    assert "申請できます" not in text
    assert "要件を満たしています" not in text
    assert 'value="deadline" disabled' in text


@pytest.mark.django_db
def test_submitting_the_form_computes_progress_and_verdict_on_the_server(client):
    subsidy = open_listing()
    url = checklist_url(subsidy)
    partial = client.get(url, {"submitted": "1", "done": ["target", "deadline"]}).text
    assert "<span data-done>2</span> / <span data-total>4</span> 完了" in partial
    assert "<span data-percent>50</span>%" in partial
    assert 'value="50"' in partial
    assert 'value="target" checked' in partial
    assert 'data-verdict="pending">' in partial
    assert 'data-verdict="ready" hidden' in partial

    everything = client.get(url, {"submitted": "1", "done": tick_ids(subsidy)})
    text = everything.text
    assert "<span data-done>4</span> / <span data-total>4</span> 完了" in text
    assert 'data-verdict="pending" hidden' in text
    assert 'data-verdict="ready">' in text
    assert '<a href="https://www.example.go.jp/apply/" rel="noopener">公式サイトから申請する</a>' in text
    assert "（締切: 2099年3月31日）" in text


@pytest.mark.django_db
def test_with_nothing_ticked_the_verdict_lists_every_required_item(client):
    subsidy = open_listing()
    verdict = verdict_of(client.get(checklist_url(subsidy)).text)
    assert verdict == (
        "チェックしていない必須項目が 4 件あります "
        "対象者の要件を満たしている、 対象経費に該当する事業である、 申請期限内である、 事業計画書を作成できる、"
    )


@pytest.mark.django_db
def test_with_some_ticked_the_verdict_lists_what_is_left_unticked(client):
    subsidy = open_listing()
    RequiredDocument.objects.create(subsidy=subsidy, name="見積書", order=2)
    html = client.get(checklist_url(subsidy), {"submitted": "1", "done": ["target", "deadline"]}).text
    assert verdict_of(html) == (
        "チェックしていない必須項目が 3 件あります 対象経費に該当する事業である、 事業計画書を作成できる、 見積書を準備できる、"
    )


@pytest.mark.django_db
def test_with_every_required_item_ticked_the_verdict_says_what_it_is_and_the_next_step(client):
    subsidy = open_listing()
    html = client.get(checklist_url(subsidy), {"submitted": "1", "done": tick_ids(subsidy)}).text
    assert verdict_of(html) == (
        "確認した項目では要件を満たしています（最終判断は公募要領で） "
        "次のステップ: 公募要領で要件を確かめてから、 公式サイトから申請する （締切: 2099年3月31日）"
    )


@pytest.mark.django_db
def test_unticked_optional_items_are_listed_even_when_every_required_item_is_ticked(client):
    subsidy = open_listing()
    optional = EligibilityRequirement.objects.create(
        subsidy=subsidy, text="事前に窓口へ相談している", group="other", required=False
    )
    url = checklist_url(subsidy)
    ready = verdict_of(client.get(url, {"submitted": "1", "done": tick_ids(subsidy)}).text)
    assert ready.startswith("確認した項目では要件を満たしています（最終判断は公募要領で）")
    assert ready.endswith("チェックしていない任意項目: 事前に窓口へ相談している、")
    done = [*tick_ids(subsidy), f"req-{optional.pk}"]
    assert "任意項目" not in verdict_of(client.get(url, {"submitted": "1", "done": done}).text)


@pytest.mark.django_db
def test_without_a_usable_official_url_the_next_step_is_the_contact(client):
    subsidy = open_listing(official_url="", contact_name="県産業振興課")
    html = client.get(checklist_url(subsidy), {"submitted": "1", "done": tick_ids(subsidy)}).text
    assert "次のステップ: 問い合わせ窓口（県産業振興課）に公募要領と申請方法を確認する" in verdict_of(html)


@pytest.mark.django_db
@pytest.mark.parametrize("ticks", ["none", "some", "all"])
def test_the_checklist_never_says_you_can_apply(client, demo_data, ticks):
    subsidy = open_listing()
    done = {"none": [], "some": ["target"], "all": tick_ids(subsidy)}[ticks]
    for url in [checklist_url(subsidy), subsidy.get_absolute_url(), checklist_url(155678)]:
        text = client.get(url, {"submitted": "1", "done": done}).text
        assert "申請できます" not in text
        assert "申請可能" not in text


@pytest.mark.django_db
def test_the_printed_page_names_the_listing_its_deadline_and_its_address(client):
    subsidy = open_listing(title="印刷する補助金")
    text = client.get(checklist_url(subsidy)).text
    assert "印刷する補助金" in text
    assert "2099年3月31日（火）" in text
    assert "23:59" not in text  # the source gave no time
    assert f"http://testserver/subsidies/{subsidy.pk}/checklist/" in text
    assert "/static/css/checklist.css" in text


@pytest.mark.django_db
def test_drafts_are_404_for_the_public_and_a_preview_for_staff(client, staff_client):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert client.get(checklist_url(draft)).status_code == 404
    response = staff_client.get(checklist_url(draft))
    assert response.status_code == 200
    assert "下書きプレビュー" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/subsidies/999999/checklist/", "/subsidies/abc/checklist/", "/subsidies/-1/checklist/"]
)
def test_unknown_and_non_numeric_listings_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "done=<script>alert(1)</script>",
        "done=" + "x" * 5000,
        "&".join(["done=target"] * 500),
        "done[]=target&submitted[]=1",
        "done=%ff%fe&submitted=%ff",
        "submitted=1&done=req-abc&done=shared-0&done=req-",
        "done",
    ],
)
def test_hostile_query_strings_never_break_the_page(client, query):
    subsidy = open_listing()
    response = client.get(checklist_url(subsidy) + "?" + query)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text


@pytest.mark.django_db
def test_the_standalone_page_makes_five_queries_however_many_items(client):
    small = open_listing()
    large = open_listing(official_url="https://www.jgrants-portal.go.jp/subsidy/x")
    add_children(large, 15)
    for i in range(10):
        shared = SharedRequirement.objects.create(text=f"共通{i}")
        shared.subsidies.add(large)
    for i in range(10):
        EligibilityRequirement.objects.create(subsidy=large, text=f"追加{i}", required=i % 2 == 0, order=i)
    assert queries_for(client, checklist_url(small)) == 5
    assert queries_for(client, checklist_url(large)) == 5
    assert queries_for(client, checklist_url(large) + "?submitted=1&done=target&done=req-1") == 5


@pytest.mark.django_db
def test_the_detail_page_shows_the_checklist_section_with_a_constant_query_count(client):
    small = open_listing()
    add_children(small, 1)
    large = open_listing()
    add_children(large, 12)
    for i in range(5):
        SharedRequirement.objects.create(text=f"共通{i}").subsidies.add(large)
    response = client.get(small.get_absolute_url())
    assert "申請前チェックリスト" in response.text
    assert f'action="{checklist_url(small)}"' in response.text
    assert verdict_of(response.text) == (
        "チェックしていない必須項目が 6 件あります 対象者の要件を満たしている、 対象経費に該当する事業である、 "
        "要件0、 申請期限内である、 書類0を準備できる、 事業計画書を作成できる、"
    )
    assert (
        f'<a class="checklist__page-link" href="{checklist_url(small)}">印刷用のチェックリストを開く</a>'
        in response.text
    )
    assert queries_for(client, large.get_absolute_url()) == queries_for(client, small.get_absolute_url())


@pytest.mark.django_db
def test_an_upcoming_listing_says_when_to_apply_once_ready(client):
    subsidy = open_listing(accepts_from=jst(2099, 1, 5, 9, 0))
    text = client.get(checklist_url(subsidy), {"submitted": "1", "done": tick_ids(subsidy)}).text
    assert "受付開始: 2099年1月5日（月）から" in text
    assert "受付開始（2099年1月5日（月））を待って" in text


# The detail page's section is cached; edits show at once.


@pytest.mark.django_db
def test_the_detail_section_shows_an_edited_shared_requirement_at_once(client):
    subsidy = open_listing()
    shared = SharedRequirement.objects.create(text="旧い共通項目")
    shared.subsidies.add(subsidy)
    assert "旧い共通項目" in client.get(subsidy.get_absolute_url()).text
    shared.text = "新しい共通項目"
    shared.save()
    assert "新しい共通項目" in client.get(subsidy.get_absolute_url()).text
    shared.subsidies.remove(subsidy)
    assert "新しい共通項目" not in client.get(subsidy.get_absolute_url()).text


@pytest.mark.django_db
def test_the_detail_section_follows_a_rule_on_the_organisers_kind_at_once(client):
    subsidy = open_listing()
    SharedRequirement.objects.create(text="都道府県の共通項目", organization_kind="prefecture")
    assert "都道府県の共通項目" not in client.get(subsidy.get_absolute_url()).text
    subsidy.organization.kind = "prefecture"
    subsidy.organization.save()
    assert "都道府県の共通項目" in client.get(subsidy.get_absolute_url()).text


@pytest.mark.django_db
def test_the_detail_section_shows_an_edited_requirement_at_once(client):
    subsidy = open_listing()
    requirement = EligibilityRequirement.objects.create(subsidy=subsidy, text="旧い要件")
    assert "旧い要件" in client.get(subsidy.get_absolute_url()).text
    requirement.text = "新しい要件"
    requirement.save()
    assert "新しい要件" in client.get(subsidy.get_absolute_url()).text
