"""Full-page screenshots of every page type at 375 px and 1280 px, for people to look at.

They land in ``screenshots/`` (git-ignored; ``make screenshots`` runs only this file). Other apps' browser
tests add their pages with the ``screenshot`` fixture.
"""

import pytest
from django.urls import reverse

from subsidies.models import Subsidy
from tests.browser.conftest import SCREENSHOT_DIR

PAGES = {
    "home": lambda: reverse("subsidies:home"),
    "listing": lambda: reverse("subsidies:list"),
    "listing-filtered": lambda: reverse("subsidies:list") + "?q=補助金&status=open&sort=deadline",
    "listing-empty": lambda: reverse("subsidies:list") + "?q=該当するはずのない語",
    "detail": lambda: reverse("subsidies:detail", args=[155678]),
    "checklist": lambda: reverse("checklists:checklist", args=[200001]),
    "compare": lambda: reverse("comparisons:compare") + "?ids=155678,200001,200004",
    "ask": lambda: reverse("assistant:ask", args=[155678]) + "?q=締切はいつですか",
    "about": lambda: reverse("about"),
    "404": lambda: "/no-such-page/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot_of_each_page_type_at_phone_and_desktop_width(name, page, live_demo, screenshot):
    page.goto(page.live_url + PAGES[name]())
    paths = screenshot(page, name)
    assert [path.name for path in paths] == [f"{name}-375.png", f"{name}-1280.png"]
    assert all(path.stat().st_size > 10_000 for path in paths)
    # Nothing may be wider than the phone's screen: no sideways scrolling at 375 px.
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_screenshot_of_the_detail_page_as_printed(page, live_demo):
    page.goto(page.live_url + reverse("subsidies:detail", args=[155678]))
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "detail-print.png"), full_page=True)


def test_screenshot_of_the_admin_change_page(staff_page, live_demo, screenshot):
    seed = Subsidy.objects.get(pk=155678)
    response = staff_page.goto(
        staff_page.live_url + reverse("admin:subsidies_subsidy_change", args=[seed.pk])
    )
    assert response.status == 200
    # The staff member's screen: the listing's own fields and every part of it, inline, on one page.
    assert staff_page.locator("#id_title").input_value() == seed.title
    for prefix, rows in [
        ("requirements", seed.requirements.count()),
        ("expenses", seed.expenses.count()),
        ("documents", seed.documents.count()),
        ("steps", seed.steps.count()),
        ("faqs", seed.faqs.count()),
    ]:
        assert staff_page.locator(f"#id_{prefix}-INITIAL_FORMS").input_value() == str(rows), prefix
    paths = screenshot(staff_page, "admin-change")
    assert all(path.stat().st_size > 10_000 for path in paths)
