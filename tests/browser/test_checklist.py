import re

import pytest
from django.urls import reverse

from subsidies.models import EligibilityRequirement, RequiredDocument, SubsidyExpense
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE
from tests.factories import jst, make_subsidy


@pytest.fixture
def listing(transactional_db):
    """An open listing with five required items (two of them documents) and one optional staff requirement."""
    subsidy = make_subsidy(
        title="ブラウザで確かめる補助金",
        target_description="県内の中小企業",
        deadline=jst(2099, 3, 31),
        official_url="https://www.example.go.jp/apply/",
    )
    SubsidyExpense.objects.create(subsidy=subsidy, label="機械装置費", order=1)
    RequiredDocument.objects.create(subsidy=subsidy, name="事業計画書", order=1)
    RequiredDocument.objects.create(subsidy=subsidy, name="見積書", order=2)
    EligibilityRequirement.objects.create(
        subsidy=subsidy,
        text="事前に窓口へ相談している",
        group=EligibilityRequirement.Group.OTHER,
        required=False,
    )
    return subsidy


def required_ids(subsidy):
    return [
        "target",
        "expenses",
        "deadline",
        *(f"doc-{pk}" for pk in subsidy.documents.values_list("pk", flat=True)),
    ]


def verdict(page):
    """The live verdict as a reader sees it: the visible text of the verdict region, one line per entry."""
    lines = page.locator(".checklist__verdict").inner_text().splitlines()
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in lines if line.strip())


def checklist_url(page, subsidy):
    return page.live_url + reverse("checklists:checklist", kwargs={"pk": subsidy.pk})


def box(page, subsidy, item_id):
    return page.locator(f"#cl-{subsidy.pk}-{item_id}")


def count(page):
    return page.locator(".checklist__count").inner_text()


def test_ticking_items_updates_progress_and_the_verdict_live(page, listing):
    page.goto(checklist_url(page, listing))
    assert re.sub(r"\s+", " ", count(page)) == "0 / 5 完了 0%"
    ready = page.get_by_text("確認した項目では要件を満たしています（最終判断は公募要領で）")
    pending = page.get_by_text("チェックしていない必須項目が")
    assert pending.is_visible() and not ready.is_visible()

    page.get_by_label("対象者の要件を満たしている").check()
    box(page, listing, "deadline").check()
    assert re.sub(r"\s+", " ", count(page)) == "2 / 5 完了 40%"
    assert page.locator("progress").evaluate("bar => bar.value") == 40

    page.get_by_role("checkbox", name="事前に窓口へ相談している").check()
    assert re.sub(r"\s+", " ", count(page)) == "2 / 5 完了 40%", "optional items do not count"

    for item_id in required_ids(listing):
        box(page, listing, item_id).check()
    assert re.sub(r"\s+", " ", count(page)) == "5 / 5 完了 100%"
    assert ready.is_visible() and not pending.is_visible()
    assert page.get_by_role("link", name="公式サイトから申請する").get_attribute("href") == (
        "https://www.example.go.jp/apply/"
    )
    assert page.locator(".checklist__count").get_attribute("aria-live") == "polite"
    assert page.problems == []


def test_ticks_survive_a_reload_and_reset_clears_them(page, listing):
    page.goto(checklist_url(page, listing))
    plan = required_ids(listing)[3]
    box(page, listing, "target").check()
    box(page, listing, plan).check()
    page.reload()
    assert box(page, listing, "target").is_checked()
    assert box(page, listing, plan).is_checked()
    assert re.sub(r"\s+", " ", count(page)) == "2 / 5 完了 40%"

    page.get_by_role("button", name="チェックをすべて外す").click()
    assert not box(page, listing, "target").is_checked()
    assert re.sub(r"\s+", " ", count(page)) == "0 / 5 完了 0%"
    page.reload()
    assert not box(page, listing, "target").is_checked()
    assert page.problems == []


def test_the_detail_page_section_shares_the_state_with_the_standalone_page(page, listing):
    page.goto(checklist_url(page, listing))
    box(page, listing, "expenses").check()
    page.goto(page.live_url + listing.get_absolute_url())
    section = page.locator("#checklist")
    assert section.get_by_role("heading", name="申請前チェックリスト").is_visible()
    assert box(page, listing, "expenses").is_checked()
    assert re.sub(r"\s+", " ", section.locator(".checklist__count").inner_text()) == "1 / 5 完了 20%"
    assert page.problems == []


def test_the_checklist_works_with_the_keyboard(page, listing):
    page.goto(checklist_url(page, listing))
    box(page, listing, "target").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert box(page, listing, "expenses").is_checked()
    assert re.sub(r"\s+", " ", count(page)) == "2 / 5 完了 40%"


def test_without_javascript_the_form_is_evaluated_on_the_server(browser, live_server, listing):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("checklists:checklist", kwargs={"pk": listing.pk}))
        assert not page.get_by_role("button", name="チェックをすべて外す").is_visible()
        page.get_by_label("対象者の要件を満たしている").check()
        page.get_by_label("申請期限内である").check()
        page.get_by_role("button", name="チェック結果を確認する").click()
        page.wait_for_load_state()
        assert "done=target" in page.url and "done=deadline" in page.url
        assert re.sub(r"\s+", " ", page.locator(".checklist__count").inner_text()) == "2 / 5 完了 40%"
        assert page.get_by_label("対象者の要件を満たしている").is_checked()

        assert verdict(page) == (
            "チェックしていない必須項目が3件あります\n対象経費に該当する事業である\n事業計画書を作成できる\n"
            "見積書を準備できる\nチェックしていない任意項目:\n事前に窓口へ相談している"
        )
        for label in ["対象経費に該当する事業である", "事業計画書を作成できる", "見積書を準備できる"]:
            page.get_by_label(label).check()
        page.get_by_role("button", name="チェック結果を確認する").click()
        page.wait_for_load_state()
        assert re.sub(r"\s+", " ", page.locator(".checklist__count").inner_text()) == "5 / 5 完了 100%"
        assert page.get_by_text("確認した項目では要件を満たしています（最終判断は公募要領で）").is_visible()
        assert "申請できます" not in page.content()

        bookmarked = page.url
        page.goto("about:blank")
        page.goto(bookmarked)
        assert re.sub(r"\s+", " ", page.locator(".checklist__count").inner_text()) == "5 / 5 完了 100%"
    finally:
        context.close()


def test_a_closed_listing_can_never_become_ready(page, transactional_db):
    closed = make_subsidy(target_description="中小企業", deadline=jst(2026, 3, 31))
    page.goto(page.live_url + reverse("checklists:checklist", kwargs={"pk": closed.pk}))
    assert page.get_by_text("締切を過ぎています", exact=True).is_visible()
    assert box(page, closed, "deadline").is_disabled()
    box(page, closed, "target").check()
    assert re.sub(r"\s+", " ", count(page)) == "1 / 2 完了 50%"
    assert page.get_by_text("現在は申請できません").is_visible()
    assert page.problems == []


def test_the_printed_checklist_has_empty_boxes_and_no_buttons(page, listing):
    page.goto(checklist_url(page, listing))
    box(page, listing, "target").check()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="チェック結果を確認する").is_visible()
    assert not page.locator(".checklist__progress").is_visible()
    assert box(page, listing, "target").evaluate("el => getComputedStyle(el).appearance") == "none"
    assert page.get_by_text(f"/subsidies/{listing.pk}/checklist/").is_visible()
    assert page.get_by_role("heading", level=1).inner_text().endswith("ブラウザで確かめる補助金")


def test_the_standalone_page_fits_a_phone(page, listing):
    page.set_viewport_size(PHONE)
    page.goto(checklist_url(page, listing))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_submitted_url_wins_over_storage_and_then_follows_the_boxes(page, listing):
    plan = required_ids(listing)[3]
    page.goto(checklist_url(page, listing))
    box(page, listing, plan).check()
    page.goto(checklist_url(page, listing) + "?submitted=1&done=target")
    assert box(page, listing, "target").is_checked()
    assert not box(page, listing, plan).is_checked()
    box(page, listing, "deadline").check()
    assert "done=target" in page.url and "done=deadline" in page.url
    page.goto(checklist_url(page, listing))
    assert box(page, listing, "deadline").is_checked() and not box(page, listing, plan).is_checked()


def test_on_a_phone_the_live_verdict_names_what_is_left_unticked(page, listing):
    page.set_viewport_size(PHONE)
    page.goto(checklist_url(page, listing))
    assert verdict(page) == (
        "チェックしていない必須項目が5件あります\n対象者の要件を満たしている\n対象経費に該当する事業である\n"
        "申請期限内である\n事業計画書を作成できる\n見積書を準備できる\n"
        "チェックしていない任意項目:\n事前に窓口へ相談している"
    )
    assert_no_axe_violations(page)

    page.get_by_label("対象者の要件を満たしている").check()
    page.get_by_label("事業計画書を作成できる").check()
    assert verdict(page) == (
        "チェックしていない必須項目が3件あります\n対象経費に該当する事業である\n申請期限内である\n"
        "見積書を準備できる\nチェックしていない任意項目:\n事前に窓口へ相談している"
    )
    assert page.locator(".checklist__verdict").get_attribute("aria-live") == "polite"

    for label in ["対象経費に該当する事業である", "申請期限内である", "見積書を準備できる"]:
        page.get_by_label(label).check()
    assert verdict(page) == (
        "確認した項目では要件を満たしています（最終判断は公募要領で）\n"
        "次のステップ: 公募要領で要件を確かめてから、公式サイトから申請する （締切: 2099年3月31日）\n"
        "チェックしていない任意項目:\n事前に窓口へ相談している"
    )
    page.get_by_role("checkbox", name="事前に窓口へ相談している").check()
    assert "任意項目" not in verdict(page)
    assert "申請できます" not in page.locator("#checklist").inner_text()
    assert_no_axe_violations(page)

    page.get_by_label("見積書を準備できる").uncheck()
    assert verdict(page) == "チェックしていない必須項目が1件あります\n見積書を準備できる"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []
