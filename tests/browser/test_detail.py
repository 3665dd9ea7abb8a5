import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, item_tops

SEED_URL = reverse("subsidies:detail", kwargs={"pk": 155678})


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_seed_page_fits_the_screen_without_console_or_csp_errors(page, live_demo, viewport):
    page.set_viewport_size(viewport)
    page.goto(page.live_url + SEED_URL)
    assert page.locator("h1").inner_text().startswith("海外展開を目指す中小企業向け")
    assert page.locator("#key-figures").get_by_text("最大1,000万円").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.problems == []


def test_table_of_contents_links_move_to_their_headings(page, live_demo):
    page.goto(page.live_url + SEED_URL)
    page.get_by_role("link", name="4. 補助金申請を成功させるためのステップ").click()
    assert page.evaluate("location.hash") == "#article-6"
    assert page.locator("#article-6").is_visible()


def test_wide_article_tables_scroll_by_keyboard(page, live_demo):
    page.set_viewport_size(PHONE)
    page.goto(page.live_url + SEED_URL)
    region = page.get_by_role("region", name="表").first
    region.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "表"


def test_print_hides_the_site_chrome_and_calendar_buttons(page, live_demo):
    page.goto(page.live_url + SEED_URL)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".calendar-links").is_visible()
    assert page.get_by_text("#155678", exact=True).is_visible()
    assert len(page.pdf(format="A4")) > 10_000


ROWS = {
    # Lists laid out in a row (flex or grid): every item starts at the same height as the first.
    ".flow__steps > li": "申請の流れ",
    ".detail-meta > li": "読了時間・更新日・閲覧数",
    ".chips > li": "対象事業者の種別",
}


@pytest.mark.parametrize(("selector", "what"), ROWS.items(), ids=ROWS.values())
def test_items_laid_out_in_a_row_line_up(page, live_demo, selector, what):
    page.goto(page.live_url + SEED_URL)
    tops = item_tops(page, selector)
    assert len(tops) > 1, what
    assert max(tops) - min(tops) < 0.5, (what, tops)


# What the applicant needs first: how much and by when, without scrolling on a phone.

FIRST_SCREEN = {"width": 375, "height": 667}


def test_amount_and_deadline_are_on_the_first_screen_of_a_phone(page, live_demo):
    page.set_viewport_size(FIRST_SCREEN)
    page.goto(page.live_url + SEED_URL)
    for selector, text in (
        (".figure--amount .figure__value", "最大1,000万円"),
        (".figure--deadline .figure__value", "2026年3月31日"),
    ):
        value = page.locator(f"#key-figures {selector}")
        assert text in value.inner_text()
        box = value.bounding_box()
        assert box["y"] + box["height"] <= FIRST_SCREEN["height"], (selector, box)
    # The primary actions follow them: the official page first.
    assert page.locator("#key-figures .action--primary").inner_text().startswith("公式ページ")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_block_of_the_seed_page_appears_once(page, live_demo, viewport):
    page.set_viewport_size(viewport)
    page.goto(page.live_url + SEED_URL)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    for heading in ("申請の流れ", "よくある質問", "対象者", "お問い合わせ"):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1, heading
    assert page.get_by_text("ニーズの特定と制度の選定", exact=True).count() == 1
    # A moved question's old anchor still lands on it, now in よくある質問.
    page.goto(page.live_url + SEED_URL + "#article-8")
    assert page.locator("#faq #article-8").is_visible()


def test_the_title_breaks_between_phrases(page, live_demo):
    page.set_viewport_size(PHONE)
    page.goto(page.live_url + SEED_URL)
    assert page.locator("h1").evaluate("h => getComputedStyle(h).wordBreak") == "auto-phrase"
