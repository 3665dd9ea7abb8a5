from django.urls import reverse

from tests.browser.conftest import PHONE
from tests.factories import jst, make_subsidy


def _listing():
    from subsidies.models import FAQ

    subsidy = make_subsidy(
        title="質問ボックスの補助金",
        deadline=jst(2099, 3, 31),
        max_amount=5_000_000,
        body="## 概要\n\n本文です。\n\n## 研修\n\nオンライン研修も補助の対象です。",
    )
    FAQ.objects.create(
        subsidy=subsidy, question="他の補助金と併用できますか？", answer="同じ経費には併用できません。"
    )
    return subsidy


def test_with_javascript_answers_appear_in_place_and_earlier_ones_stay(page, transactional_db):
    subsidy = _listing()
    page.goto(page.live_url + subsidy.get_absolute_url())
    for n, question in enumerate(("いくらもらえますか", "他の補助金と併用できる？", "駐車場はありますか"), 1):
        page.fill("#ask-q", question)
        page.keyboard.press("Enter")
        page.wait_for_function("n => document.querySelectorAll('.ask-turn').length === n", arg=n)
    turns = page.locator(".ask-turn")
    assert "最大支給額は500万円です。" in turns.nth(0).inner_text()
    assert "同じ経費には併用できません。" in turns.nth(1).inner_text()
    assert "このページには記載がありません" in turns.nth(2).inner_text()
    assert page.url == page.live_url + subsidy.get_absolute_url()
    assert page.locator("[data-ask-log]").get_attribute("aria-live") == "polite"
    assert page.input_value("#ask-q") == ""
    assert page.problems == []


def test_a_rejected_question_stays_in_the_box_to_be_fixed(page, transactional_db):
    subsidy = _listing()
    page.goto(page.live_url + subsidy.get_absolute_url())
    page.fill("#ask-q", "<b>締切</b>")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-ask-error]")
    assert "HTML のタグ" in page.locator("[data-ask-error]").inner_text()
    assert page.input_value("#ask-q") == "<b>締切</b>"
    assert page.problems == []


def test_without_javascript_the_form_opens_the_answer_page(browser, live_server, transactional_db):
    subsidy = _listing()
    context = browser.new_context(viewport=PHONE, locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + subsidy.get_absolute_url())
    page.fill("#ask-q", "いくらもらえますか")
    page.click(".ask__form button")
    page.wait_for_load_state()
    assert page.url.startswith(live_server.url + reverse("assistant:ask", kwargs={"pk": subsidy.pk}) + "?q=")
    assert "最大支給額は500万円です。" in page.locator(".ask-turn").inner_text()
    assert page.locator("#ask-q").is_visible()
    context.close()
