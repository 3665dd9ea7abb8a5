"""axe-core in real Chromium: ``assert_no_axe_violations(page)`` for any page a browser test has opened.

axe-core comes from npm (``package.json`` pins it; ``npm ci`` installs it into ``node_modules/``). It is
injected with ``page.evaluate`` because the site's Content-Security-Policy blocks the ``<script>`` tag that
Playwright's ``add_script_tag`` would insert; ``evaluate`` runs through the DevTools protocol, which CSP does
not govern.

Usage from any branch's browser test::

    from tests.browser.axe import assert_no_axe_violations

    def test_checklist_page_has_no_accessibility_violations(page, live_demo):
        page.goto(page.live_url + reverse("checklists:checklist", args=[155678]))
        assert_no_axe_violations(page)
"""

from functools import cache
from pathlib import Path

import pytest

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; colour contrast is one of the wcag2aa rules and stays on.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is not installed ({AXE_PATH} is missing): run `npm ci` in the repository root")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page, *, context=None, disable_rules=()) -> list[dict]:
    """Run axe on the page as it is now and return its violations (axe's own JSON objects)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {"color-contrast": {"enabled": True}} | {rule: {"enabled": False} for rule in disable_rules},
        "resultTypes": ["violations"],
    }
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options).then(r => r.violations)",
        [context, options],
    )


def format_violations(violations: list[dict]) -> str:
    """One block per rule: its id, impact, help text and URL, then each offending element and why."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        )
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(node['target'])}")
            lines.append(f"    {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, context=None, disable_rules=()) -> None:
    """Fail with a readable list if axe finds any WCAG 2.x A/AA violation on the page.

    ``context`` narrows the check to a CSS selector; ``disable_rules`` switches named rules off, and
    should carry a comment saying why wherever it is used.
    """
    violations = axe_violations(page, context=context, disable_rules=disable_rules)
    if violations:
        report = format_violations(violations)
        print(f"axe violations on {page.url}:\n{report}")
        pytest.fail(f"{len(violations)} axe violation(s) on {page.url}:\n{report}", pytrace=False)
