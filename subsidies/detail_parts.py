"""The parts of a detail page that are the same for every visitor, built once and cached.

The rendered article and its table of contents, the listing's children, the generated FAQs and the JSON-LD
do not depend on the request, so they are cached under a key made of the listing's pk, ``updated_at`` and
state, the site's content version (``versioning``) and its organization. Any staff save changes
``updated_at`` (children touch the parent too, see ``signals.py``) and the content version (a renamed region
or organiser too), so the next request misses and rebuilds; every process reads both from the database (the
detail page reads the token with the listing's row), so this works with per-process caches too. The
whole page around these parts is cached by ``detail_page``.
"""

import dataclasses
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from . import calendar, listing_index, structured_data, versioning
from .faq import QA, generated_faqs
from .formatting import format_deadline
from .models import Round, Subsidy, SubsidyExpense
from .rendering import Article, normalized, render_article, web_url

CACHE_VERSION = 3
# Changes that send no signal (``QuerySet.update``, raw SQL) reach the cached parts within this time.
CACHE_TIMEOUT = 60 * 60

# The related rows the page reads, prefetched once for every section that reads them: expenses with their
# category (the checklist reads it). Its regions and target types come from the listing index (``terms``).
RELATED = (
    Prefetch("expenses", queryset=SubsidyExpense.objects.select_related("category")),
    "documents",
    "steps",
    "faqs",
    "rounds",
)

# The flow shown when staff have not entered the listing's own steps.
DEFAULT_STEPS = (
    ("確認要件", "制度・対象の確認"),
    ("申請対象", "会社規模・事業内容"),
    ("申請書類", "計画書の作成・準備"),
    ("申請・審査", ""),
    ("結果通知・交付", ""),
)


@dataclass(frozen=True)
class Step:
    title: str
    description: str = ""


@dataclass(frozen=True)
class RegionLink:
    name: str
    tag: str
    url: str


@dataclass(frozen=True)
class Document:
    name: str
    detail: str = ""


@dataclass(frozen=True)
class DetailParts:
    url: str
    description: str
    article: Article
    regions: tuple[RegionLink, ...]
    target_types: tuple[str, ...]
    expenses: tuple[str, ...]
    documents: tuple[Document, ...]
    steps: tuple[Step, ...]
    steps_are_default: bool
    faqs: tuple[QA, ...]
    breadcrumbs: tuple[tuple[str, str], ...]
    json_ld: str
    google_calendar_url: str
    # The rounds (公募回), oldest first: their statuses follow the clock, so the page renders them per request.
    rounds: tuple[Round, ...] = ()

    @property
    def faq_items(self) -> tuple[tuple[QA, str], ...]:
        """Each FAQ with the id it carries: a question taken out of the article keeps its heading's id there."""
        return tuple((qa, self.article.moved.get(normalized(qa.question), "")) for qa in self.faqs)

    @property
    def guidelines(self) -> Round | None:
        """The latest round with a 公募要領 URL (the summary's 公募要領 button names that round)."""
        return next((round_ for round_ in reversed(self.rounds) if web_url(round_.guidelines_url)), None)

    # Whole sections of the page, rendered once from their fragments (templates/subsidies/_detail_NAME.html).
    sections: dict[str, SafeString] = dataclasses.field(default_factory=dict)


# The page's sections that depend only on the listing (templates/subsidies/_detail_NAME.html), in page order.
CACHED_SECTIONS = (
    "head",
    "breadcrumbs",
    "heading",
    "amount",
    "deadline_note",
    "verification",
    "reach",
    "actions",
    "calendar",
    "summary",
    "meta",
    "contents",
    "figures",
    "eligibility",
    "flow",
    "article",
    "faq",
    "contact",
)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def cache_key(subsidy: Subsidy) -> str:
    organization = subsidy.organization
    stamp = f"{versioning.stamp(subsidy)}|{organization.pk}|{organization.name}|{organization.website}"
    digest = hashlib.blake2b(stamp.encode(), digest_size=12).hexdigest()
    return f"subsidies:detail-parts:{CACHE_VERSION}:{subsidy.pk}:{digest}"


def detail_parts(subsidy: Subsidy) -> DetailParts:
    key = cache_key(subsidy)
    parts = cache.get(key)
    if parts is None:
        parts = build_parts(subsidy)
        cache.set(key, parts, CACHE_TIMEOUT)
    return parts


def build_parts(subsidy: Subsidy) -> DetailParts:
    """Everything per-listing the page needs: the listing's row (its article is read if it was deferred), one
    query for each kind of related row (``RELATED``, prefetched on ``subsidy`` for the page's other sections
    too), and its regions and target types from the listing index (none for a listed listing)."""
    prefetch_related_objects([subsidy], *RELATED)
    index = listing_index.current(versioning.token_of(subsidy))
    regions = tuple(
        RegionLink(region.name, region.tag, region.get_absolute_url())
        for region in index.terms("region", subsidy.pk)
    )
    target_types = tuple(str(target) for target in index.terms("target", subsidy.pk))
    expenses = tuple(expense.label for expense in subsidy.expenses.all())
    documents = tuple(Document(doc.name, doc.detail) for doc in subsidy.documents.all())
    own_steps = tuple(Step(step.title, step.description) for step in subsidy.steps.all())
    staff_faqs = tuple(QA(faq.question, faq.answer) for faq in subsidy.faqs.all())
    faqs = (
        *generated_faqs(
            target_description=subsidy.target_description,
            target_types=target_types,
            documents=(f"{doc.name}（{doc.detail}）" if doc.detail else doc.name for doc in documents),
            expenses=expenses,
            review_period_note=subsidy.review_period_note,
        ),
        *staff_faqs,
    )
    url = absolute(subsidy.get_absolute_url())
    breadcrumbs = (("ホーム", reverse("subsidies:home")),)
    if regions:
        breadcrumbs += ((regions[0].name, regions[0].url),)
    breadcrumbs += ((subsidy.title, subsidy.get_absolute_url()),)
    json_ld = [
        structured_data.monetary_grant(
            subsidy=subsidy, url=url, organization_url=web_url(subsidy.organization.website)
        ),
        structured_data.breadcrumb_list((name, absolute(path)) for name, path in breadcrumbs),
    ]
    if faq_page := structured_data.faq_page(faqs):
        json_ld.append(faq_page)
    parts = DetailParts(
        url=url,
        description=Truncator(subsidy.summary).chars(120),
        article=render_article(
            subsidy.body,
            steps=(step.title for step in own_steps),
            questions=(faq.question for faq in staff_faqs),
        ),
        regions=regions,
        target_types=target_types,
        expenses=expenses,
        documents=documents,
        steps=own_steps or tuple(Step(*step) for step in DEFAULT_STEPS),
        steps_are_default=not own_steps,
        faqs=faqs,
        breadcrumbs=breadcrumbs,
        json_ld=structured_data.script_json(json_ld),
        google_calendar_url=_google_calendar_url(subsidy, url),
        rounds=tuple(subsidy.rounds.all()),
    )
    sections = {
        name: render_to_string(f"subsidies/_detail_{name}.html", {"subsidy": subsidy, "parts": parts})
        for name in CACHED_SECTIONS
    }
    return dataclasses.replace(parts, sections=sections)


def _google_calendar_url(subsidy: Subsidy, url: str) -> str:
    """Only an announced deadline becomes a calendar event: an expected (予定) one would look firm there."""
    if not subsidy.has_firm_deadline or subsidy.is_roundup:
        return ""
    return calendar.google_calendar_url(
        title=subsidy.title,
        deadline=subsidy.deadline,
        all_day=not subsidy.deadline_has_time,
        details=deadline_description(subsidy, url),
    )


def deadline_description(subsidy: Subsidy, url: str) -> str:
    lines = [f"申請締切: {format_deadline(subsidy)}"]
    if subsidy.deadline_note:
        lines.append(subsidy.deadline_note)
    lines.append(f"詳細: {url}")
    return "\n".join(lines)
