"""Every text field an editor can fill, filled with script-injection payloads: none reaches the page as markup."""

import html
import re
from html.parser import HTMLParser

import pytest

from subsidies.models import FAQ, ApplicationStep, EligibilityRequirement, RequiredDocument, SubsidyExpense
from tests.factories import make_organization, make_region, make_subsidy, make_target_type

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "</script><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "<details open ontoggle=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ csp_nonce }}{% debug %}",
]
UNSAFE_TAGS = {"script", "iframe", "img", "svg", "math", "style", "object", "embed", "details", "base"}


class Markup(HTMLParser):
    """Every element and attribute of the page, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_no_injected_markup(text: str) -> Markup:
    parser = Markup()
    parser.feed(text)
    scripts = [attrs for tag, attrs in parser.elements if tag == "script"]
    inline = [attrs for attrs in scripts if "src" not in attrs]
    assert inline == [{"type": "application/ld+json", "nonce": inline[0]["nonce"]}], "only the JSON-LD inline"
    for attrs in scripts:
        if "src" in attrs:
            # The site's own deferred files, nothing else.
            assert attrs == {"src": attrs["src"], "defer": None}, attrs
            assert re.fullmatch(r"/static/js/[a-z]+(\.[0-9a-f]+)?\.js", attrs["src"]), attrs["src"]
    for tag, attrs in parser.elements:
        site_image = tag == "img" and (attrs.get("src") or "").startswith("/static/img/")
        assert tag not in UNSAFE_TAGS - {"script"} or site_image, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            cleaned = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value or "")).lower()
            assert not cleaned.startswith(("javascript:", "data:", "vbscript:")), (tag, name, value)
            # Text in meta content and data-* attributes is never a URL (scripts read it as textContent).
            assert "javascript:" not in cleaned or tag == "meta" or name.startswith("data-"), (
                tag,
                name,
                value,
            )
    ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', text, re.S).group(1)
    assert "<" not in ld
    # In the raw page, "<script" opens only the JSON-LD and the site's files; a payload's is escaped text.
    assert text.count("<script") == len(scripts)
    skeleton = " ".join(f"<{tag} {' '.join(attrs)}>" for tag, attrs in parser.elements)
    assert "onerror" not in skeleton and "onload" not in skeleton and "ontoggle" not in skeleton
    return parser


def fill_every_field(payload: str):
    organization = make_organization(name=f"主催{payload}", website="javascript:alert(1)")
    subsidy = make_subsidy(
        organization=organization,
        regions=[make_region(name=f"地域{payload}"[:20])],
        target_types=[make_target_type(name=f"種別{payload}")],
        title=f"補助金{payload}",
        summary=f"要約{payload}",
        body=f"## 見出し{payload}\n\n本文{payload}\n\n> **注意{payload}**\n>\n> {payload}\n\n| 指標 | 値 |\n| --- | --- |\n| {payload} | {payload} |\n\n1. **{payload}**\n\n   {payload}\n",
        target_description=f"対象{payload}",
        max_amount_note=f"補足{payload}",
        subsidy_rate=f"1/2{payload}"[:100],
        adoption_rate="50.0",
        adoption_rate_basis="estimate",
        adoption_rate_citation=f"根拠{payload}",
        deadline_note=f"締切{payload}",
        review_period_note=f"審査{payload}",
        official_url="javascript:alert(1)",
        contact_name=f"窓口{payload}",
        contact_phone=f"03{payload}"[:50],
        contact_email="a@example.jp",
        contact_url="javascript:alert(1)",
        source_name=f"ソース{payload}",
        source_url="javascript:alert(1)",
    )
    SubsidyExpense.objects.create(subsidy=subsidy, label=f"経費{payload}")
    RequiredDocument.objects.create(subsidy=subsidy, name=f"書類{payload}", detail=f"補足{payload}")
    ApplicationStep.objects.create(subsidy=subsidy, title=f"手順{payload}", description=f"説明{payload}")
    FAQ.objects.create(subsidy=subsidy, question=f"質問{payload}", answer=f"回答{payload}")
    EligibilityRequirement.objects.create(subsidy=subsidy, text=f"要件{payload}", detail=f"詳細{payload}")
    return subsidy


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_in_any_field_reaches_the_page_as_markup(client, payload):
    subsidy = fill_every_field(payload)
    response = client.get(subsidy.get_absolute_url(), headers={"user-agent": "Mozilla/5.0"})
    assert response.status_code == 200
    page = assert_no_injected_markup(response.text)
    # The fields are on the page, as text a reader sees.
    visible = "".join(page.text)
    for shown in (f"要約{payload}", f"回答{payload}", f"経費{payload}", f"窓口{payload}", f"手順{payload}"):
        assert shown in visible


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_reaches_the_calendar_file_unescaped(client, payload):
    subsidy = fill_every_field(payload)
    body = client.get(f"/subsidies/{subsidy.pk}/deadline.ics").content.decode()
    unfolded = body.replace("\r\n ", "")
    summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY:"))
    assert "\n" not in summary
    assert ";" not in summary.replace("\\;", "")
