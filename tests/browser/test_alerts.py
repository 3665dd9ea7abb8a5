"""The alerts' forms in real Chromium: no axe violations, and a subscription made with the keyboard alone."""

import datetime

from django.urls import reverse
from django.utils import timezone

from alerts.models import Subscription
from subsidies.models import Subsidy
from tests.browser.axe import assert_no_axe_violations


def visit(page, path):
    response = page.goto(page.live_url + path)
    page.evaluate("document.fonts.ready")
    return response


def open_listing():
    listing = Subsidy.objects.published().filter(rolling=False, deadline__isnull=False).first()
    listing.deadline = timezone.now() + datetime.timedelta(days=40)
    listing.accepts_from = None
    listing.save()
    return listing


def test_the_reminder_form_on_a_detail_page_is_accessible_and_works_by_keyboard(page, live_demo):
    listing = open_listing()
    visit(page, listing.get_absolute_url())
    form = page.locator("#deadline-alert")
    assert "締切の14日前・3日前にお知らせ" in form.inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("メールアドレス").last.focus()
    page.keyboard.type("keyboard@example.jp")
    page.keyboard.press("Enter")
    page.wait_for_url("**/alerts/deadline/**")
    assert "確認メールをお送りしました" in page.locator("h1").inner_text()
    assert_no_axe_violations(page)
    assert Subscription.objects.get().subsidy_id == listing.pk
    assert page.problems == []


def test_the_search_subscribe_page_with_an_error_is_accessible(page, live_demo):
    visit(page, reverse("alerts:subscribe_search") + "?region=tokyo")
    page.get_by_label("メールアドレス").fill("not-an-address@")
    page.evaluate(
        "document.querySelector('form input[type=email]').type = 'text'"
    )  # past the browser's check
    page.get_by_role("button", name="メールで受け取る").click()
    assert "形式が正しくありません" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
