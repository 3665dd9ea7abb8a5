"""A listing's text cut into passages that can be quoted, each remembering the heading it sits under.

Heading anchors follow one rule, shared with the detail page's Markdown renderer: the N-th heading of the
article (any level, counted from 1 in document order) has the id ``article-N``. Text before the first
heading links to ``#article``; the staff FAQs link to ``#faq``.
"""

import re
from dataclasses import dataclass

from django.apps import apps

ARTICLE_ANCHOR = "article"
FAQ_ANCHOR = "faq"

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_FENCE = re.compile(r"^\s*(```|~~~)")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: keep the label
    (re.compile(r"(\*\*|__|\*|_|`)"), ""),  # emphasis and code marks
]


def heading_anchor(number: int) -> str:
    """The id of the ``number``-th heading of the article (1-based): ``article-3``."""
    return f"article-{number}"


@dataclass(frozen=True)
class Passage:
    text: str
    heading: str  # the heading it sits under ("" before the first heading)
    anchor: str  # an id on the detail page, without "#"
    kind: str = "article"  # "article" or "faq"
    question: str = ""  # for a FAQ: the question (``text`` is the answer)
    label: str = ""  # a bold line that introduces the passage inside a section (「申請時の注意点」)
    field: str = ""  # for a line of one of the listing's lists: the list (expenses, documents, ...)

    @property
    def indexed_text(self) -> str:
        """What the ranker reads: the heading (or FAQ question) and label with the passage."""
        return f"{self.question or self.heading}\n{self.label}\n{self.text}"


def plain(markdown_line: str) -> str:
    text = markdown_line
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text.strip()


def _table_row(line: str) -> str:
    cells = [plain(cell) for cell in line.strip().strip("|").split("|")]
    return "／".join(cell for cell in cells if cell)


def article_passages(body: str) -> list[Passage]:
    """Paragraphs, list items and table rows of a Markdown article, with their heading and anchor."""
    passages: list[Passage] = []
    heading, anchor, headings_seen = "", ARTICLE_ANCHOR, 0
    block: list[str] = []
    block_is_item = False
    in_fence = in_quote = False
    label = ""

    def flush(continuation: bool = False):
        nonlocal block
        text = " ".join(part for part in block if part).strip()
        block = []
        if not text:
            return
        if continuation and passages and passages[-1].anchor == anchor and passages[-1].kind == "item":
            previous = passages.pop()
            text = f"{previous.text} {text}"
        kind = "item" if block_is_item else "article"
        passages.append(Passage(text=text, heading=heading, anchor=anchor, kind=kind, label=label))

    for raw in body.splitlines():
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        quoted = not in_fence and bool(_QUOTE.match(raw))
        if quoted != in_quote and raw.strip():
            flush()
            in_quote, label, block_is_item = quoted, "", False
        line = _QUOTE.sub("", raw) if quoted else raw
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            headings_seen += 1
            heading, anchor = plain(match.group(2)), heading_anchor(headings_seen)
            block_is_item, label = False, ""
            continue
        bold = None if block or in_fence else _BOLD_LINE.match(line)
        if bold:
            # A paragraph that is one bold line is a sub-heading for what follows (「**申請時の注意点**」).
            label, block_is_item = plain(bold.group(2)), False
            continue
        if not line.strip():
            continuing = block_is_item
            flush()
            block_is_item = continuing
            continue
        if "|" in line and line.strip().startswith("|"):
            flush()
            block_is_item = False
            if not _TABLE_RULE.match(line):
                block.append(_table_row(line))
                flush()
            continue
        if _LIST_ITEM.match(line):
            flush()
            block_is_item = True
            block.append(plain(_LIST_ITEM.sub("", line)))
            continue
        indented = raw.startswith(("  ", "\t"))
        if block_is_item and not block and indented:
            # An indented paragraph under a list item belongs to the item (「1. **手順**」 then its text).
            block.append(plain(line))
            flush(continuation=True)
            continue
        if not block:
            block_is_item = False
        block.append(plain(line))
    flush()
    return [
        Passage(text=p.text, heading=p.heading, anchor=p.anchor, label=p.label) for p in passages if p.text
    ]


def requirements_anchor() -> str:
    """Where the detail page shows the listing's requirements: only the checklist lists them (``#checklist``).

    Without the checklists app they are not on the page, so they are not quoted either.
    """
    return "checklist" if apps.is_installed("checklists") else ""


def field_passages(subsidy) -> list[Passage]:
    """The listing's structured lists as passages, so a question about one line of them finds it.

    Each links to the section of the detail page that shows the list: 対象経費 and 必要書類 are in
    ``#requirements`` (「申請要件」 panel), the steps in ``#flow``, the requirements in the checklist.
    """
    rows = [
        (
            "申請要件",
            "requirements",
            requirements_anchor(),
            (f"{r.text} {r.detail}".strip() for r in subsidy.requirements.all()),
        ),
        (
            "必要書類",
            "documents",
            "requirements",
            (f"{d.name}（{d.detail}）" if d.detail else d.name for d in subsidy.documents.all()),
        ),
        ("対象経費", "expenses", "requirements", (e.label for e in subsidy.expenses.all())),
        (
            "申請の流れ",
            "flow",
            "flow",
            (f"{s.title}：{s.description}" if s.description else s.title for s in subsidy.steps.all()),
        ),
    ]
    return [
        Passage(text=text, heading=heading, anchor=anchor, kind="field", field=field)
        for heading, field, anchor, texts in rows
        if anchor
        for text in texts
    ]


def faq_passages(faqs) -> list[Passage]:
    return [
        Passage(
            text=faq.answer.strip(),
            heading="よくある質問",
            anchor=FAQ_ANCHOR,
            kind="faq",
            question=faq.question,
        )
        for faq in faqs
    ]
