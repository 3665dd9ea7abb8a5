"""XSS payloads stored in every editable text field are rendered inert on every public page, in Chromium.

Every payload would set ``window.__xss`` (or open a dialog) if it ran. Each page is checked for: no dialog,
``window.__xss`` undefined, no ``javascript:`` link, and nothing reported (a CSP violation is a console error).
"""

import datetime
import urllib.parse

import pytest
from django.db import models
from django.utils import timezone

from subsidies.models import (
    FAQ,
    ApplicationStep,
    EligibilityRequirement,
    RequiredDocument,
    Subsidy,
    SubsidyExpense,
)
from tests.security.public_urls import PUBLIC_PAGES, exists

SEED_PK = 155678

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "</title></script><script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "'-alert(1)-'",
    "<script>alert(1)</script>",
    "[クリック](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1">リンク</a>',
    "<details open ontoggle=window.__xss=1>",
    "{{ 7|add:7 }}{% now 'Y' %}",
]
SHORT = "<svg onload=__xss=1>"  # 20 characters, for the shortest columns
URL_PAYLOAD = "javascript:window.__xss=1"


def payload_for(field: models.Field, n: int) -> str:
    if isinstance(field, models.URLField):
        return URL_PAYLOAD
    if isinstance(field, models.EmailField):
        return '"><svg/onload=__xss=1>@x.jp'
    fitting = [p for p in PAYLOADS if not field.max_length or len(p) <= field.max_length]
    return fitting[n % len(fitting)] if fitting else SHORT[: field.max_length]


def fill_text_fields(obj: models.Model, start: int = 0) -> None:
    for n, field in enumerate(obj._meta.concrete_fields, start):
        if isinstance(field, models.CharField | models.TextField) and not field.choices and field.editable:
            setattr(obj, field.name, payload_for(field, n))
    obj.save()


@pytest.fixture
def poisoned(live_demo):
    """The seed listing, open now, with a payload in every text field of it, its parts and its vocabularies."""
    subsidy = Subsidy.objects.get(pk=SEED_PK)
    fill_text_fields(subsidy)
    subsidy.state = Subsidy.State.PUBLISHED
    subsidy.accepts_from = None
    subsidy.rolling = False
    subsidy.deadline = timezone.now() + datetime.timedelta(days=20)
    subsidy.save()
    for model in (EligibilityRequirement, SubsidyExpense, RequiredDocument, ApplicationStep, FAQ):
        for n, part in enumerate(model.objects.filter(subsidy=subsidy)):
            fill_text_fields(part, n)
        if not model.objects.filter(subsidy=subsidy).exists():
            fill_text_fields(model(subsidy=subsidy, **({"answer": "x"} if model is FAQ else {})))
    fill_text_fields(subsidy.organization, 3)
    for terms in (subsidy.purposes.all(), subsidy.target_types.all(), subsidy.regions.all()):
        for n, term in enumerate(terms[:10]):  # names are unique: one digit tells them apart
            term.name = f"<svg onload=__xss={n}>"
            term.save()
    return subsidy


def pages_to_check(subsidy: Subsidy) -> list[str]:
    region = subsidy.regions.first()
    purpose = subsidy.purposes.first()
    query = urllib.parse.urlencode({"q": PAYLOADS[0]})
    paths = [path for path, _ in PUBLIC_PAGES if exists(path)]
    paths += [f"/subsidies/?{query}", f"/?{query}", f"/subsidies/{SEED_PK}/ask/?{query}"]
    paths += [f"/compare/?ids={SEED_PK},200001", f"/subsidies/?q={urllib.parse.quote(SHORT)}"]
    if region:
        paths.append(f"/regions/{region.slug}/")
    if purpose:
        paths.append(f"/purposes/{purpose.slug}/")
    # HTML pages only: a browser shown JSON, XML, text or iCalendar asks for /favicon.ico, which is not served.
    not_html = ("/healthz", "/feeds/", ".ics", ".xml", ".txt")
    paths = [path for path in paths if not any(part in path.split("?")[0] for part in not_html)]
    return [path for path in dict.fromkeys(paths) if exists(path.split("?")[0])]


def test_stored_and_reflected_payloads_are_inert_on_every_public_page(page, poisoned):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    checked = []
    for path in pages_to_check(poisoned):
        response = page.goto(page.live_url + path)
        assert response.status < 500, path
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", path
        assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0, path
        checked.append(path)
    assert dialogs == []
    assert page.problems == []
    assert f"/subsidies/{SEED_PK}/" in checked


def test_the_payload_text_is_shown_to_the_reader_as_text(page, poisoned):
    page.goto(f"{page.live_url}/subsidies/{SEED_PK}/")
    assert PAYLOADS[0] in page.locator("h1").inner_text()
    assert page.problems == []
