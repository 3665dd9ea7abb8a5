"""Keyboard helpers for browser tests: move with Tab and check that focus is visible at every stop.

from tests.browser.keyboard import assert_focus_visible, tab_to
"""

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 40),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          boxShadow: style.boxShadow, focusVisible: el.matches(':focus-visible')};
}"""


def assert_focus_visible(page):
    """The focused element matches :focus-visible and draws an outline of at least 2 px (or a ring)."""
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["tag"] != "BODY", "focus was lost to <body>"
    assert focus["focusVisible"], f"{focus} does not match :focus-visible"
    drawn = (focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2) or focus["boxShadow"] != "none"
    assert drawn, f"no visible focus indicator on {focus}"
    return focus


def tab_to(page, selector, *, limit=60):
    """Press Tab until ``selector`` has focus, checking the focus indicator at every stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} was not reached in {limit} Tab presses")
