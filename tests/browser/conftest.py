"""Browser tests: Debian's Chromium driven by Playwright against a live Django server.

Run with ``pytest -m browser`` (the default run leaves them out). Chromium comes from the system
(``apt-get install chromium fonts-noto-cjk``); Playwright never downloads a browser here.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
# Full-page PNGs for people to look at (git-ignored); `make screenshots` fills it.
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))


def pytest_terminal_summary(terminalreporter):
    from tests.browser.test_lighthouse import SCORES

    if SCORES:
        terminalreporter.section("Lighthouse (mobile)")
        for name, scores in SCORES.items():
            terminalreporter.write_line(
                f"{name:10} " + "  ".join(f"{key} {value}" for key, value in scores.items())
            )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors and failed requests seen by a page (CSP violations are console errors)."""


def _console_problem(problems, message):
    if message.type == "error":
        # Chromium's "Failed to load resource" names no URL in its text; the location does.
        where = message.location.get("url") if message.location else ""
        problems.append(f"console: {message.text}" + (f" ({where})" if where else ""))


def _failed_request(problems, request):
    # ERR_ABORTED is the browser cancelling a request because the test navigated away (a late favicon);
    # a request that really fails (refused, blocked by CSP, DNS) has another reason, and 4xx/5xx answers
    # show up as console errors.
    if request.failure != "net::ERR_ABORTED":
        problems.append(f"requestfailed: {request.url} {request.failure}")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda message: _console_problem(problems, message))
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: _failed_request(problems, request))
    page.problems = problems
    page.live_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def live_demo(transactional_db):
    """The demo data, in a database the live server thread can see.

    The seed listing (pk 155678) is required; ``programs`` is loaded when its fixture file exists, so the
    suite also runs on a branch where only the seed has landed.
    """
    from django.conf import settings
    from django.core.management import call_command

    from subsidies.management.commands.load_demo import DEMO_FIXTURES

    present = [
        name
        for name in DEMO_FIXTURES
        if any((Path(d) / f"{name}.json").exists() for d in settings.FIXTURE_DIRS)
    ]
    if "seed" not in present:
        pytest.skip("fixtures/seed.json is not in this checkout")
    call_command("loaddata", *present, verbosity=0)


@pytest.fixture
def staff_page(page, django_user_model):
    """``page`` logged in as a superuser (a session cookie made by ``force_login``, not the login form)."""
    from django.conf import settings
    from django.test import Client

    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-tests-only")
    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": page.live_url}]
    )
    return page


def item_tops(page, selector: str) -> list[float]:
    """The top edge, in CSS pixels, of every element ``selector`` matches, in document order."""
    return page.locator(selector).evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")


def save_screenshots(page, name: str) -> list[Path]:
    """Save full-page PNGs of the page as it is now at 375 px and 1280 px wide: ``screenshots/NAME-375.png``.

    The page is not reloaded, so state a test has set up (ticked boxes, an open panel) is kept; the
    viewport is put back afterwards.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.evaluate("document.fonts.ready.then(() => new Promise(requestAnimationFrame))")
        path = SCREENSHOT_DIR / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(original)
    return paths


@pytest.fixture
def screenshot():
    """``screenshot(page, "checklist")`` saves the page at both widths into ``screenshots/``."""
    return save_screenshots
