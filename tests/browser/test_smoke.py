from django.urls import reverse

from tests.factories import jst, make_subsidy


def test_listing_page_renders_in_chromium_without_console_errors(page, transactional_db):
    make_subsidy(title="ブラウザで見る補助金", deadline=jst(2099, 3, 31))
    page.goto(page.live_url + reverse("subsidies:list"))
    assert page.locator("h1").inner_text() == "補助金・助成金一覧"
    assert page.get_by_role("link", name="ブラウザで見る補助金").is_visible()
    assert page.problems == []
