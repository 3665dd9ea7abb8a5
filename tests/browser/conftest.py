"""Browser tests: Debian's Chromium driven by Playwright against a live Django server.

Run with ``pytest -m browser`` (the default run leaves them out). Chromium comes from the system
(``apt-get install chromium fonts-noto-cjk``); Playwright never downloads a browser here.
"""

import os
import shutil

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


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"requestfailed: {request.url} {request.failure}"))
    page.problems = problems
    page.live_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def live_demo(transactional_db):
    """The demo data, in a database the live server thread can see."""
    from django.core.management import call_command

    call_command("loaddata", "taxonomies", "seed", "programs", verbosity=0)
