"""/match/ in Chromium at phone width: fill the profile, read the reasons; the profile is kept in the browser
and the detail page says whether the listing fits (and ticks the checklist's target item)."""

import pytest
from django.urls import reverse

from subsidies.models import Eligibility, Purpose, Region, RequiredDocument
from tests.browser.conftest import PHONE
from tests.factories import jst, make_subsidy


@pytest.fixture
def listings(transactional_db):
    from django.core.management import call_command

    call_command("loaddata", "taxonomies", verbosity=0)
    tokyo = Region.objects.get(slug="tokyo")
    equipment = Purpose.objects.get(slug="equipment-it")
    fits = make_subsidy(
        title="東京都の小さな工場の設備補助",
        regions=[tokyo],
        purposes=[equipment],
        deadline=jst(2099, 3, 31),
        target_description="都内の中小企業",
    )
    RequiredDocument.objects.create(subsidy=fits, name="見積書", order=1)
    Eligibility.objects.create(subsidy=fits, max_employees=20, company_size="sme")
    too_small = make_subsidy(title="5人以下の補助", purposes=[equipment], deadline=jst(2099, 2, 1))
    Eligibility.objects.create(subsidy=too_small, max_employees=5)
    return {"fits": fits, "too_small": too_small}


def test_filling_the_profile_at_phone_width_shows_the_reasons(page, listings):
    page.set_viewport_size(PHONE)
    page.goto(page.live_url + reverse("matching:match"))
    page.select_option("#id_pref", "tokyo")
    page.select_option("#id_biz", "manufacturing")
    page.select_option("#id_form", "kabushiki")
    page.fill("#id_emp", "12")
    page.fill("#id_cap", "1000")
    page.get_by_label("設備整備・IT導入をしたい").check()
    page.get_by_role("button", name="この条件で探す").click()
    page.wait_for_url("**/match/?*")

    likely = page.locator("#group-likely")
    assert "対象になりそう（1件）" in likely.inner_text()
    reasons = likely.locator(".reason").all_inner_texts()
    assert any("従業員12人：上限20人以下 ✓" in r for r in reasons)
    assert any("所在地 東京都：対象地域 東京都 ✓" in r for r in reasons)
    # 対象外 is collapsed; opening it shows the failed condition.
    page.locator("#group-not-eligible summary").click()
    failed = page.locator("#group-not-eligible .reason--failed").all_inner_texts()
    assert any("従業員12人：上限5人以下 ✗" in r for r in failed)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []

    # The profile is kept: /match/ without a query string comes back to it, and the detail page says why.
    page.goto(page.live_url + reverse("matching:match"))
    page.wait_for_url("**/match/?*")
    assert page.locator("#id_emp").input_value() == "12"
    page.goto(page.live_url + listings["fits"].get_absolute_url())
    verdict = page.locator(".match-verdict")
    verdict.wait_for()
    assert "あなたのプロフィールでは：対象になりそう" in verdict.inner_text()
    assert any("従業員12人：上限20人以下 ✓" in r for r in verdict.locator(".reason").all_inner_texts())
    target = page.locator(f"#cl-{listings['fits'].pk}-target")
    assert target.is_checked()
    assert page.problems == []


def test_match_page_and_fit_box_have_no_accessibility_violations(page, listings):
    from tests.browser.axe import assert_no_axe_violations

    profile = "pref=tokyo&biz=manufacturing&form=kabushiki&emp=12&purpose=equipment-it"
    page.goto(page.live_url + reverse("matching:match") + "?" + profile)
    page.evaluate("document.fonts.ready")
    page.locator("#group-not-eligible summary").click()
    assert_no_axe_violations(page)
    page.goto(page.live_url + listings["fits"].get_absolute_url() + "?" + profile)
    page.evaluate("document.fonts.ready")
    assert "対象になりそう" in page.locator(".match-verdict").inner_text()
    assert_no_axe_violations(page)
    assert page.problems == []
