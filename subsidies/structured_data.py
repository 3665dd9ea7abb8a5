"""schema.org JSON-LD for the detail page: MonetaryGrant, FAQPage and BreadcrumbList.

schema.org's MonetaryGrant has no deadline property of its own; the deadline is the ``validThrough`` of its
``amount`` (a MonetaryAmount), which is where schema.org puts the last moment an amount is on offer.
"""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from .clock import JST
from .faq import QA
from .rendering import web_url

# The same escapes as Django's json_script: the JSON can never close the <script> element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data) -> SafeString:
    """JSON safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


def monetary_grant(*, subsidy, url: str, organization_url: str = "") -> dict:
    funder = {"@type": "Organization", "name": subsidy.organization.name}
    if organization_url:
        funder["url"] = organization_url
    grant = {
        "@context": "https://schema.org",
        "@type": "MonetaryGrant",
        "identifier": str(subsidy.pk),
        "name": subsidy.title,
        "description": subsidy.summary,
        "url": url,
        "funder": funder,
    }
    amount = {"@type": "MonetaryAmount", "currency": "JPY"}
    if subsidy.max_amount is not None and not subsidy.is_roundup:
        amount["maxValue"] = subsidy.max_amount
    if subsidy.has_firm_deadline and not subsidy.is_roundup:  # an expected (予定) date is not stated as fact
        local = subsidy.deadline.astimezone(JST)  # a date alone when the source gives no time
        amount["validThrough"] = local.isoformat() if subsidy.deadline_has_time else local.date().isoformat()
    if len(amount) > 2:
        grant["amount"] = amount
    if official := web_url(subsidy.official_url):
        grant["sameAs"] = official
    return grant


def faq_page(qas: Iterable[QA]) -> dict | None:
    entities = [
        {"@type": "Question", "name": qa.question, "acceptedAnswer": {"@type": "Answer", "text": qa.answer}}
        for qa in qas
    ]
    if not entities:
        return None
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities}


def breadcrumb_list(crumbs: Iterable[tuple[str, str]]) -> dict:
    """``crumbs``: (name, absolute url) from ホーム to the page itself."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
