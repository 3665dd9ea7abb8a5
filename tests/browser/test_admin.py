"""The staff side in real Chromium: a listing's change page, with every part inline, fits a 1,280 px window
and speaks Japanese."""

import pytest
from django.urls import reverse

from subsidies.models import (
    FAQ,
    ApplicationStep,
    EligibilityRequirement,
    ExpenseCategory,
    RequiredDocument,
    Subsidy,
    SubsidyExpense,
)
from tests.browser.conftest import DESKTOP

SEED_PK = 155678
LONG = (
    "公募要領の第3章に定める要件をすべて満たし、申請時点で県内に本店または主たる事業所を有し、"
    "かつ過去3年以内に同種の補助金の交付を受けていないこと。"
)
INLINES = ("requirements", "expenses", "documents", "steps", "faqs", "rounds")


@pytest.fixture
def admin_page(page, live_demo, django_user_model):
    """``page`` logged in through the admin's own login form as a superuser, at 1,280 px."""
    django_user_model.objects.create_superuser("editor-in-chief", "chief@example.com", "pw-for-tests-only")
    page.set_viewport_size(DESKTOP)
    page.goto(page.live_url + reverse("admin:login"))
    page.get_by_label("ユーザー名").fill("editor-in-chief")
    page.get_by_label("パスワード").fill("pw-for-tests-only")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(page.live_url + reverse("admin:index"))
    return page


@pytest.fixture
def crowded_listing(live_demo):
    """The seed listing's copy with fifteen long rows of every part."""
    subsidy = Subsidy.objects.get(pk=SEED_PK)
    subsidy.pk = None
    subsidy.title = "行の多い掲載"
    subsidy.save()
    category = ExpenseCategory.objects.first()
    for i in range(15):
        EligibilityRequirement.objects.create(
            subsidy=subsidy, text=f"要件{i}：{LONG[:60]}", detail=LONG * 2, order=i
        )
        SubsidyExpense.objects.create(
            subsidy=subsidy, label=f"経費{i}：{LONG[:40]}", category=category, order=i
        )
        RequiredDocument.objects.create(
            subsidy=subsidy, name=f"書類{i}：{LONG[:40]}", detail=LONG[:80], order=i
        )
        ApplicationStep.objects.create(
            subsidy=subsidy, title=f"手順{i}：{LONG[:30]}", description=LONG * 3, order=i
        )
        FAQ.objects.create(subsidy=subsidy, question=f"質問{i}：{LONG[:50]}？", answer=LONG * 3, order=i)
    return subsidy


def overflowing_inlines(page) -> dict:
    """Each inline whose content is wider than its box (it would scroll sideways within the page)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.inline-group')]
            .map(group => [group.id, [group.clientWidth, Math.max(
                group.scrollWidth, ...[...group.querySelectorAll('.wrapper')].map(w => w.scrollWidth))]])
            .filter(([, [box, content]]) => content > box))"""
    )


def test_the_seed_listings_change_page_fits_1280_px_and_is_in_japanese(admin_page):
    page = admin_page
    response = page.goto(page.live_url + reverse("admin:subsidies_subsidy_change", args=[SEED_PK]))
    assert response.status == 200
    assert page.evaluate("window.innerWidth") == DESKTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert overflowing_inlines(page) == {}
    for prefix in INLINES:
        assert page.locator(f"#{prefix}-group").is_visible(), prefix
    assert page.locator("#site-name").inner_text() == "補助金ディレクトリ 管理画面"
    assert page.get_by_role("button", name="保存", exact=True).first.is_visible()
    assert page.get_by_role("button", name="保存して編集を続ける").first.is_visible()
    assert page.locator(".submit-row a.deletelink").first.inner_text() == "削除"
    assert page.locator("#requirements-group h2").inner_text() == "申請要件"
    assert page.locator("select#id_kind option").first.inner_text() != "- Select an option -"
    assert page.problems == []


def test_a_listing_with_many_long_rows_fits_1280_px(admin_page, crowded_listing):
    page = admin_page
    page.goto(page.live_url + reverse("admin:subsidies_subsidy_change", args=[crowded_listing.pk]))
    assert page.locator("#requirements-group tr.has_original").count() == 15
    assert page.locator("#steps-group .inline-related.has_original").count() == 15
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert overflowing_inlines(page) == {}
    assert page.problems == []


def test_the_admin_index_names_every_app_in_japanese(admin_page):
    page = admin_page
    captions = page.locator("#content-main caption").all_inner_texts()
    assert "ログイン制限" in captions and "バックグラウンド処理" in captions
    assert "Axes" not in page.locator("#content-main").inner_text()
    assert (
        page.get_by_role("link", name="ログアウト").is_visible()
        or page.get_by_role("button", name="ログアウト").is_visible()
    )
