"""The axe helper itself: it must find violations where there are some, and report them readably."""

import pytest

from tests.browser.axe import assert_no_axe_violations, axe_violations

BROKEN = """<!doctype html><html><head><title>壊れたページ</title></head><body><main>
<h1>見出し</h1><p class="faint">薄い文字</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<label>名前</label><input type="text"></main></body></html>"""


def test_axe_finds_missing_lang_alt_text_label_and_low_contrast(page):
    page.set_content(BROKEN.replace('class="faint"', 'style="color:#ccc;background:#fff"'))
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= found


def test_assert_no_axe_violations_fails_with_each_rule_and_element_named(page):
    page.set_content(BROKEN)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    assert "image-alt" in message
    assert "<img src=" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
