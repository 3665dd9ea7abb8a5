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


@pytest.mark.django_db
def test_the_standalone_page_shows_the_seed_listings_five_items_unticked(client, demo_data):
    response = client.get(checklist_url(155678))
    assert response.status_code == 200
    text = response.text
    assert "0 / <span data-total>5</span> 完了" in text.replace("<span data-done>0</span>", "0")
    for label in ["申請資格", "スケジュール", "書類準備"]:
        assert f'<legend class="checklist__legend">{label}</legend>' in text
    assert "締切: 2026年3月31日" in text
    assert text.count("checklist__badge--required") == 5
    assert 'action="/subsidies/155678/checklist/"' in text
    assert "/static/js/checklist.js" in text


@pytest.mark.django_db
def test_the_seed_listing_is_closed_today_and_says_so(client, demo_data):
    text = client.get(checklist_url(155678) + "?submitted=1&done=deadline&done=target").text
    assert "締切を過ぎています" in text
    assert "現在は申請できません" in text
    assert "申請できます。" not in text
    assert 'value="deadline" disabled' in text


@pytest.mark.django_db
def test_submitting_the_form_computes_progress_and_verdict_on_the_server(client):
    subsidy = open_listing()
    url = checklist_url(subsidy)
    partial = client.get(url, {"submitted": "1", "done": ["target", "deadline"]}).text
    assert "<span data-done>2</span> / <span data-total>5</span> 完了" in partial
    assert "<span data-percent>40</span>%" in partial
    assert 'value="40"' in partial
    assert 'value="target" checked' in partial
    assert 'data-verdict="pending">' in partial
    assert 'data-verdict="ready" hidden' in partial

    everything = client.get(
        url, {"submitted": "1", "done": ["target", "expenses", "deadline", "plan", "documents"]}
    )
    text = everything.text
    assert "<span data-done>5</span> / <span data-total>5</span> 完了" in text
    assert 'data-verdict="pending" hidden' in text
    assert 'data-verdict="ready">' in text
    assert "必須項目をすべてクリアしました。申請できます。" in text
    assert '<a href="https://www.example.go.jp/apply/" rel="noopener">公式サイトから申請する</a>' in text
    assert "（締切: 2099年3月31日）" in text


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
    assert "必須項目をすべてクリアすると申請可能です" in response.text
    assert (
        f'<a class="checklist__page-link" href="{checklist_url(small)}">印刷用のチェックリストを開く</a>'
        in response.text
    )
    assert queries_for(client, large.get_absolute_url()) == queries_for(client, small.get_absolute_url())


@pytest.mark.django_db
def test_an_upcoming_listing_says_when_to_apply_once_ready(client):
    subsidy = open_listing(accepts_from=jst(2099, 1, 5, 9, 0))
    ids = ["target", "expenses", "deadline", "plan", "documents"]
    text = client.get(checklist_url(subsidy), {"submitted": "1", "done": ids}).text
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
