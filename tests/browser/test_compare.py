import re

from django.urls import reverse

from tests.browser.axe import assert_no_axe_violations
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
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(
        page.live_url + reverse("comparisons:compare") + "?ids=" + ",".join(str(s.pk) for s in listings)
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    region = page.get_by_role("region", name="選んだ補助金の比較")
    row_header = page.get_by_role("rowheader", name="補助金額")
    before = row_header.bounding_box()["x"]
    region.evaluate("element => { element.scrollLeft = 400; }")
    assert region.evaluate("element => element.scrollLeft") > 0
    assert row_header.bounding_box()["x"] == before
    assert page.problems == []
