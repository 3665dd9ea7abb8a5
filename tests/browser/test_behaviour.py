"""What only a real browser shows: forms that submit and keep their values, links that keep the filters,
in-page navigation, and pages that load without a console error or a failed request."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.browser.conftest import item_tops
from tests.factories import jst, make_subsidy

FILTER_FORM = "main form:has([name=status]), main form:has([name=region]), main form:has([name=sort])"


def filter_form(page):
    form = page.locator(FILTER_FORM).first
    if not form.count():
        pytest.skip("the listing on this branch has no filter form (it comes with the listing's filters)")
    return form


def choose(form, name, value):
    """Select only ``value`` for ``name``, whether the form offers a <select>, radio buttons or checkboxes."""
    select = form.locator(f"select[name={name}]")
    if select.count():
        select.first.select_option(value)
        return
    checked = form.locator(f"input[type=checkbox][name={name}]:checked")
    for _ in range(checked.count()):
        checked.nth(0).uncheck()
    form.locator(f"input[name={name}][value='{value}']").first.check()


def chosen(form, name):
    """The values the form shows as chosen for ``name``."""
    select = form.locator(f"select[name={name}]")
    if select.count():
        return [select.first.input_value()]
    checked = form.locator(f"input[name={name}]:checked")
    return [checked.nth(i).get_attribute("value") for i in range(checked.count())]


def query(url):
    return parse_qs(urlsplit(url).query)


def test_listing_filter_form_submits_and_keeps_its_values(page, live_demo):
    page.goto(page.live_url + reverse("subsidies:list"))
    form = filter_form(page)
    choose(form, "status", "open")
    choose(form, "sort", "deadline")
    form.locator("button[type=submit], button:not([type]), input[type=submit]").first.click()
    page.wait_for_load_state()
    assert query(page.url)["status"] == ["open"]
    assert query(page.url)["sort"] == ["deadline"]
    form = filter_form(page)
    assert chosen(form, "status") == ["open"]
    assert chosen(form, "sort") == ["deadline"]
    assert page.problems == []


def test_pagination_links_keep_the_filters(page, transactional_db):
    for n in range(45):
        make_subsidy(title=f"ページ送りの補助金{n:02d}", deadline=jst(2099, 1 + n % 12, 1 + n % 28))
    page.goto(page.live_url + reverse("subsidies:list") + "?status=open&sort=deadline")
    filter_form(page)
    next_link = page.locator("main a[rel=next]")
    assert next_link.count() == 1
    next_link.click()
    page.wait_for_load_state()
    params = query(page.url)
    assert params["page"] == ["2"]
    assert params["status"] == ["open"]
    assert params["sort"] == ["deadline"]
    assert chosen(filter_form(page), "status") == ["open"]
    assert page.locator("main a[rel=prev]").count() == 1
    assert page.problems == []


def test_detail_table_of_contents_jumps_to_each_section(page, live_demo):
    page.goto(page.live_url + reverse("subsidies:detail", args=[155678]))
    links = page.locator("main nav.toc a[href^='#'], main nav[aria-label*='目次'] a[href^='#']")
    if not links.count():
        pytest.skip("the detail page on this branch has no table of contents (it comes with the detail page)")
    page.set_viewport_size({"width": 375, "height": 700})
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        page.wait_for_function("(hash) => location.hash === hash", arg=target)
        # Wait for smooth scrolling to settle, then the section's top must be at the top of the viewport.
        page.wait_for_function(
            "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= -2 && r.top < window.innerHeight / 3; }",
            arg=target[1:],
        )
    assert page.problems == []


def test_every_internal_link_on_the_home_page_loads_without_console_errors(page, live_demo):
    page.goto(page.live_url + reverse("subsidies:home"))
    hrefs = page.eval_on_selector_all(
        "a[href]",
        "(links) => [...new Set(links.map(a => a.href))].filter(h => h.startsWith(location.origin))",
    )
    assert len(hrefs) >= 3
    for href in hrefs[:40]:
        response = page.goto(href.split("#")[0])
        assert response.status == 200, f"{href} answered {response.status}"
    assert page.problems == []


def test_pages_log_no_csp_violation_or_failed_request(page, live_demo):
    for path in [
        reverse("subsidies:home"),
        reverse("subsidies:list") + "?q=補助金",
        reverse("subsidies:detail", args=[155678]),
        reverse("about"),
        reverse("disclaimer"),
    ]:
        page.goto(page.live_url + path)
        # The stylesheet really loaded (static files are served by the live server) and applied.
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Hiragino Sans"')
    assert page.problems == []


def test_a_csp_violation_would_be_caught(page, transactional_db):
    page.goto(page.live_url + reverse("about"))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    assert any("Content Security Policy" in problem for problem in page.problems)


def test_the_home_page_s_browse_lists_line_up_in_rows(page, live_demo):
    page.goto(page.live_url + "/")
    for selector in (".browse__purposes > li", ".browse__block ul > li"):
        tops = item_tops(page, selector)
        first_row = [top for top in tops if top < tops[0] + 8]
        assert len(first_row) > 1, selector
        assert max(first_row) - min(first_row) < 0.5, (selector, first_row)


def test_on_a_phone_the_results_come_first_and_the_filters_open_from_絞り込む(page, live_demo):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(page.live_url + reverse("subsidies:list") + "?region=tokyo")
    first_card = page.locator(".card").first.bounding_box()
    assert first_card["y"] < 812  # the first result is on the first screen
    assert not page.locator("#facet-region").is_visible()
    assert page.get_by_role("link", name="地域: 東京都 を外す").is_visible()
    assert page.get_by_role("link", name="条件をクリア").is_visible()
    page.locator(".listing__filters > summary").click()  # a <details>: no script needed
    assert page.locator("#facet-region").is_visible()
    page.locator("input[name=national][value=exclude]").check()
    page.get_by_role("button", name="この条件で探す").click()
    page.wait_for_load_state()
    assert query(page.url)["national"] == ["exclude"]
    assert page.get_by_role("link", name="地域の範囲: 全国向けを除く を外す").is_visible()
    assert page.problems == []


def test_on_a_wide_screen_the_filters_are_shown_beside_the_results(page, live_demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.live_url + reverse("subsidies:list") + "?region=tokyo")
    assert page.locator("#facet-region").is_visible()
    assert page.locator(".card").first.bounding_box()["y"] < 900
