"""Keyboard-only journeys with a visible focus indicator at every stop.

The journey goes as far as this app's pages go: search → results → a listing. The checklist and comparison
apps continue it from the detail page in their own browser tests with ``tests/browser/keyboard.py``.
"""

from django.urls import reverse

from tests.browser.keyboard import assert_focus_visible, tab_to


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, transactional_db):
    page.goto(page.live_url + reverse("subsidies:home"))
    page.keyboard.press("Tab")
    focus = assert_focus_visible(page)
    assert focus["text"] == "本文へスキップ"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.problems == []


def test_search_then_open_a_listing_with_the_keyboard_only(page, live_demo):
    page.goto(page.live_url + reverse("subsidies:home"))
    tab_to(page, "header input[name=q]")
    page.keyboard.type("窓リノベ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/subsidies/?q=*")
    assert page.locator("h1").count() == 1

    # (The reference page's 団体旅行 listing is a まとめ記事 now: no comparison or checklist to reach.)
    tab_to(page, "main a[href$='/subsidies/200016/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/subsidies/200016/")
    assert "窓リノベ" in page.locator("h1").inner_text()

    # Add it to the comparison: the tray appears with one listing.
    tab_to(page, "main a.compare-button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".compare-tray:not([hidden])")
    assert "1/4" in page.locator(".compare-tray").inner_text()

    # Tick the checklist's first item with the space bar: the progress counts it.
    tab_to(page, "main .checklist__box:not([disabled])", limit=120)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    assert page.locator(".checklist__count [data-done]").first.inner_text() == "1"
    assert page.problems == []
