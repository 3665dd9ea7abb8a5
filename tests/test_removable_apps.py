"""Each feature app can be removed from INSTALLED_APPS and the site still works, without its sections.

The proof runs in a fresh interpreter per app (``tests/without_app_settings.py``), so the app is never imported,
its AppConfig never ready: a new SQLite database is migrated and given the demo data, ``manage.py check``
runs, and the home, listing and detail pages, a landing page and the feed are requested through the whole
middleware stack. The process also reports every module of the app that anything imported (none may be).
The same pages of the full site, in this process, show the sections that must then be gone.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = 155678
PAGES = {
    "home": "/",
    "listing": "/subsidies/",
    "detail": f"/subsidies/{SEED}/",
    "region": "/regions/tokyo/",
    "feed": "/feeds/latest/",
}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"

# What each app adds to the listings' pages, as it appears in their HTML, and one page of its own.
SECTIONS = {
    "checklists": {"detail": ['id="checklist"']},
    "comparisons": {
        "detail": ['class="compare-button"', 'class="similar"', "js/compare.js"],
        "listing": ['class="compare-button"', "css/compare.css"],
        "home": ["js/compare.js"],
    },
    "assistant": {"detail": ['id="ask"', "css/assistant.css"]},
    "matching": {"detail": ['class="match-verdict-slot"', "js/matching.js"]},
    # The seed's deadline has passed, so its page offers no reminder: the listing's form shows the app.
    "alerts": {"listing": ['class="alert-subscribe section"']},
}
OWN_PAGE = {
    "checklists": f"/subsidies/{SEED}/checklist/",
    "comparisons": f"/compare/?ids={SEED}",
    "assistant": f"/subsidies/{SEED}/ask/?q=締切",
    "matching": "/match/?prefecture=tokyo",
    "alerts": "/alerts/search/",
}

SCRIPT = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
call_command("loaddata", "taxonomies", "seed", "programs", verbosity=0)
call_command("check", fail_level="ERROR")
client = Client(headers={"user-agent": sys.argv[2]})
pages = {}
for name, url in json.loads(sys.argv[1]).items():
    response = client.get(url)
    pages[name] = [response.status_code, response.content.decode()]
app = os.environ["WITHOUT_APP"]
imported = sorted(name for name in sys.modules if name == app or name.startswith(app + "."))
print(json.dumps({"pages": pages, "imported": imported}))
"""


def site_without(app: str, tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}
    } | {
        "DJANGO_SETTINGS_MODULE": "tests.without_app_settings",
        "WITHOUT_APP": app,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    pages = PAGES | {"own": OWN_PAGE[app]}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(pages), BROWSER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("app", list(SECTIONS))
def test_the_site_works_without_the_app_and_shows_none_of_its_sections(app, tmp_path):
    without = site_without(app, tmp_path)
    assert without["imported"] == []
    for name in PAGES:
        status, _ = without["pages"][name]
        assert status == 200, f"{name} without {app}: {status}"
    assert without["pages"]["own"][0] == 404
    for page, markers in SECTIONS[app].items():
        html = without["pages"][page][1]
        for marker in markers:
            assert marker not in html, f"{marker} on {page} without {app}"


@pytest.mark.django_db
@pytest.mark.parametrize("app", list(SECTIONS))
def test_with_the_app_installed_its_sections_are_there(app, client, demo_data):
    for page, markers in SECTIONS[app].items():
        html = client.get(PAGES[page], headers={"user-agent": BROWSER}).text
        for marker in markers:
            assert marker in html, f"{marker} on {page} with {app}"
    assert client.get(OWN_PAGE[app]).status_code == 200
