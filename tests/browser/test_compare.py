import re

import pytest
from django.urls import reverse

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import jst, make_expense_category, make_subsidy


def make_listings():
    from subsidies.models import SubsidyExpense

    travel = make_expense_category(name="旅費")
    listings = [
        make_subsidy(title=f"比較する補助金{n}", max_amount=1_000_000 * (n + 1), deadline=jst(2099, 3, 1 + n))
        for n in range(3)
    ]
    for listing in listings:
        SubsidyExpense.objects.create(subsidy=listing, label="旅費", category=travel)
    return listings


def named(action, title):
    """An accessible name like 「比較に追加: 題名」 (Chromium puts a space before a visually hidden part)."""
    return re.compile(rf"^{re.escape(action)}\s*:\s*{re.escape(title)}$")


def tray_titles(page):
    return page.locator(".compare-tray li span").all_text_contents()


def compare_path(listings):
    return reverse("comparisons:compare") + "?ids=" + ",".join(str(s.pk) for s in listings)


def open_tray(page):
    """The tray starts folded on a phone (as on every page); open it to reach its buttons."""
    details = page.locator(".compare-tray details")
    if not details.evaluate("element => element.open"):
        page.locator(".compare-tray summary").click()


def lefts(locator):
    return locator.evaluate_all("elements => elements.map(element => element.getBoundingClientRect().x)")


def background(locator):
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_pick_three_compare_remove_one_show_differences_and_reload(page, transactional_db):
    listings = make_listings()
    page.goto(page.live_url + reverse("subsidies:list"))
    for listing in listings:
        page.get_by_role("button", name=named("比較に追加", listing.title)).click()
    assert tray_titles(page) == [listing.title for listing in listings]
    added = page.get_by_role("button", name=named("比較に追加", listings[0].title))
    assert added.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("heading", name="比較リスト（3/4件）").is_visible()

    page.get_by_role("link", name="比較する", exact=True).click()
    page.wait_for_url("**/compare/?ids=*")
    heads = page.locator("thead th[data-compare-column]")
    assert heads.count() == 3

    page.get_by_role("link", name=named("比較から外す", listings[1].title)).click()
    page.wait_for_load_state()
    assert heads.count() == 2
    assert tray_titles(page) == [listings[0].title, listings[2].title]

    rate_row = page.locator("tr", has=page.locator("th", has_text="補助率"))
    amount_row = page.locator("tr", has=page.locator("th", has_text="補助金額"))
    assert rate_row.is_visible()
    toggle = page.get_by_role("button", name="違いだけ表示")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert not rate_row.is_visible()
    assert amount_row.is_visible()
    assert "diff=1" in page.url

    page.reload()
    assert tray_titles(page) == [listings[0].title, listings[2].title]
    assert heads.count() == 2
    assert not rate_row.is_visible()
    page.get_by_role("button", name="違いだけ表示").click()
    assert rate_row.is_visible()
    assert_no_axe_violations(page)
    assert page.problems == []


def test_the_tray_holds_at_most_four_and_says_why(page, transactional_db):
    listings = [make_subsidy(title=f"候補{n}", deadline=jst(2099, 3, 1 + n)) for n in range(5)]
    page.goto(page.live_url + reverse("subsidies:list"))
    for listing in listings:
        page.get_by_role("button", name=named("比較に追加", listing.title)).click()
    assert len(tray_titles(page)) == 4
    assert page.locator(".compare-tray").get_by_text("比較できるのは4件までです").is_visible()
    page.get_by_role("button", name=named("比較リストから外す", listings[0].title)).click()
    assert len(tray_titles(page)) == 3
    assert page.problems == []


def test_without_javascript_the_button_is_a_link_to_the_comparison(browser, live_server, transactional_db):
    listing = make_subsidy(title="リンクで比較", deadline=jst(2099, 3, 1))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("subsidies:list"))
    page.get_by_role("link", name=named("比較に追加", "リンクで比較")).click()
    assert page.locator("thead th[data-compare-column]").count() == 1
    assert page.get_by_role("link", name="違いだけ表示").is_visible()
    assert listing.title in page.locator("table").inner_text()
    context.close()


def test_on_a_phone_the_table_scrolls_inside_its_region_with_the_row_headers_fixed(page, transactional_db):
    listings = make_listings()
    page.set_viewport_size(PHONE)
    page.goto(page.live_url + compare_path(listings))
    # The page itself does not scroll sideways; the table does, inside its region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    region = page.get_by_role("region", name="選んだ補助金の比較")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    # Two columns side by side beside the labels, and the next one peeking out.
    heads = page.locator("thead th[data-compare-column]")
    assert heads.nth(1).bounding_box()["x"] + heads.nth(1).bounding_box()["width"] <= 375
    assert heads.nth(2).bounding_box()["x"] < 375
    row_header = page.get_by_role("rowheader", name="補助金額")
    assert "違いあり" in row_header.inner_text()
    before = row_header.bounding_box()["x"]
    region.evaluate("element => { element.scrollLeft = 400; }")
    assert region.evaluate("element => element.scrollLeft") > 0
    assert row_header.bounding_box()["x"] == before
    assert page.evaluate("window.scrollX") == 0
    assert_no_axe_violations(page)
    assert page.problems == []


def titled_listings():
    """Titles of very different lengths: a long one must not push its 「外す」 out of line."""
    return [
        make_subsidy(title=title, deadline=jst(2099, 3, 1 + n))
        for n, title in enumerate(
            [
                "短い補助金",
                "とても長い名前の補助金・助成金（第3回公募）事業者向け設備導入支援",
                "中くらいの長さの補助金",
            ]
        )
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_trays_remove_buttons_line_up_and_only_compare_is_a_primary_button(
    page, transactional_db, viewport
):
    listings = titled_listings()
    page.set_viewport_size(viewport)
    page.goto(page.live_url + reverse("subsidies:list"))
    for listing in listings:
        page.get_by_role("button", name=named("比較に追加", listing.title)).click()
    open_tray(page)
    removes = page.locator(".compare-tray").get_by_role("button", name=re.compile("^比較リストから外す"))
    assert removes.count() == 3
    assert len(set(lefts(removes))) == 1
    compare = page.locator(".compare-tray").get_by_role("link", name="比較する", exact=True)
    primary = background(compare)
    assert primary == "rgb(0, 49, 216)"  # --color-primary
    assert background(page.get_by_role("button", name="すべて外す")) != primary
    assert all(background(removes.nth(n)) != primary for n in range(3))
    assert_no_axe_violations(page)

    compare.click()
    page.wait_for_url("**/compare/?ids=*")
    tray = page.get_by_role("complementary", name="比較リスト（3/4件）")
    assert tray.is_visible()
    assert tray_titles(page) == [listing.title for listing in listings]
    # Same tray, same place; only 「比較する」 is left out, since this page is the comparison.
    assert tray.get_by_role("link", name="比較する").count() == 0
    open_tray(page)
    removes = tray.get_by_role("link", name=re.compile("^比較リストから外す"))
    assert removes.count() == 3
    assert len(set(lefts(removes))) == 1
    assert background(tray.get_by_role("link", name="すべて外す")) != primary
    assert_no_axe_violations(page)
    assert page.problems == []


def test_on_the_compare_page_the_tray_removes_a_column_or_all_of_them(page, transactional_db):
    listings = titled_listings()
    page.goto(page.live_url + compare_path(listings))
    tray = page.locator(".compare-tray")
    open_tray(page)
    tray.get_by_role("link", name=named("比較リストから外す", listings[0].title)).click()
    page.wait_for_url(f"**{compare_path(listings[1:])}")
    assert page.locator("thead th[data-compare-column]").count() == 2
    assert tray_titles(page) == [listing.title for listing in listings[1:]]
    open_tray(page)
    tray.get_by_role("link", name="すべて外す").click()
    page.wait_for_url("**/compare/")
    assert "比較する補助金がまだ選ばれていません" in page.locator("main").inner_text()
    page.goto(page.live_url + reverse("subsidies:list"))
    assert page.locator(".compare-tray").is_hidden()
    assert page.problems == []


def test_without_javascript_the_compare_page_has_the_tray_and_its_links_work(
    browser, live_server, transactional_db
):
    listings = titled_listings()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + compare_path(listings))
    assert page.get_by_role("complementary", name="比較リスト（3/4件）").is_visible()
    page.locator(".compare-tray summary").click()
    page.get_by_role("link", name=named("比較リストから外す", listings[1].title)).click()
    assert page.locator("thead th[data-compare-column]").count() == 2
    assert page.get_by_role("complementary", name="比較リスト（2/4件）").is_visible()
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_scroll_hint_shows_only_when_the_columns_do_not_fit(page, transactional_db, viewport):
    listings = make_listings()
    page.set_viewport_size(viewport)
    page.goto(page.live_url + compare_path(listings))
    region = page.get_by_role("region", name="選んだ補助金の比較")
    overflows = region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert overflows == (viewport == PHONE)
    assert page.get_by_text("横にスクロールして比較できます").is_visible() == overflows
    page.goto(page.live_url + compare_path(listings[:2]))
    assert not region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert page.get_by_text("横にスクロールして比較できます").is_hidden()
    assert_no_axe_violations(page)
    assert page.problems == []
