"""The article (``Subsidy.body``): Markdown → sanitised HTML with heading ids and a table of contents.

Editors write plain Markdown; a few conventions of the reference articles become styled blocks:

- a blockquote whose first paragraph is only bold text is a *callout* (the bold text is its title; a title
  with 注意 is a warning callout);
- a two-column table whose first header cell is 「指標」 is a set of *statistics* (label → figure);
- an ordered list whose items each start with a bold line is a list of numbered *steps*;
- a heading that starts with 「Q 」 is an article *FAQ* question, the paragraphs after it its answer;
- a paragraph that starts with bold 「免責事項」 is the *disclaimer*.

The page shows each block once: when the listing's own steps (申請の流れ) or FAQs (よくある質問) repeat what the
article says, ``render_article(..., steps=..., questions=...)`` leaves the repeated list or questions out of the
article, with a link to the section that shows them; a question's heading id moves with it to the FAQ section
(``Article.moved``), so every ``#article-N`` link (the table of contents, the question box's citations) still
lands on the passage.

Raw HTML in the Markdown is not interpreted (it shows as text), and the HTML that markdown-it produces is
sanitised again by nh3 with an allow-list, so no editor input can reach the page as script, an event
handler, a ``javascript:`` URL or an inline style (the CSP forbids those anyway).
"""

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .formatting import reading_minutes

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "s", "del", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "div", "dl", "dt", "dd", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
    "div": {"tabindex", "role", "aria-label"},
}
ALLOWED_CLASSES = {
    "blockquote": {"callout", "callout--warning"},
    "p": {"callout__title", "disclaimer", "faq-answer", "list-heading"},
    "ol": {"steps"},
    "li": {"steps__item"},
    "h3": {"faq-question"},
    "h4": {"faq-question"},
    "div": {"table-scroll"},
    "dl": {"stats"},
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer"

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    link_rel=LINK_REL,
    url_schemes=URL_SCHEMES,
    allowed_classes=ALLOWED_CLASSES,
)

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_QUESTION = re.compile(r"^Q[\s　.．:：]")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


@dataclass(frozen=True)
class Heading:
    id: str
    text: str
    level: int


@dataclass(frozen=True)
class Article:
    html: SafeString
    toc: tuple[Heading, ...]
    text: str
    # A question left out of the article (it is in the FAQ section) → the id its heading had: ``article-8``.
    moved: dict[str, str] = field(default_factory=dict)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.text)


def web_url(value) -> str:
    """The URL when it is an http(s) address, else "" (a stored ``javascript:`` URL never becomes a link)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def site_name(value) -> str:
    """The host name of an http(s) URL (「www.aots.jp」), "" for anything else."""
    url = web_url(value)
    return (urlsplit(url).hostname or "") if url else ""


def sanitize(fragment: str) -> str:
    """Run any HTML through the allow-list."""
    return _cleaner.clean(fragment)


def render_article(source: str, *, steps: Iterable[str] = (), questions: Iterable[str] = ()) -> Article:
    """Markdown → an Article with safe HTML, its table of contents (h2/h3) and its plain text.

    ``steps`` (the titles of the listing's own steps) and ``questions`` (its FAQs' questions) are shown elsewhere
    on the page: a list of steps with exactly those titles and each of those questions are left out here.
    """
    tokens = _markdown.parse(source or "")
    toc = _decorate(tokens)
    _fold_steps(tokens, {normalized(title) for title in steps})
    moved = _fold_questions(tokens, {normalized(question) for question in questions})
    rendered = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = sanitize(rendered)
    text = html.unescape(strip_tags(clean))
    return Article(html=mark_safe(clean), toc=tuple(toc), text=text, moved=moved)


def normalized(text: str) -> str:
    """A step title or question as compared across the article and the listing's rows: no 「Q」 mark, no
    spaces, no trailing punctuation, full-width forms folded."""
    text = unicodedata.normalize("NFKC", _QUESTION.sub("", text.strip()))
    return re.sub(r"[\s?？。.!！]+", "", text)


def _moved_note(anchor: str, what: str) -> Token:
    return Token(
        "html_block",
        "",
        0,
        content=f'<p class="article-moved">{what}は<a href="#{anchor}">「{_SECTION_NAMES[anchor]}」</a>にまとめています。</p>\n',
    )


_SECTION_NAMES = {"flow": "申請の流れ", "faq": "よくある質問"}


def _fold_steps(tokens: list[Token], titles: set[str]) -> None:
    """Replace a top-level list of steps whose bold titles are exactly the listing's steps by a link to them."""
    if not titles:
        return
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "ordered_list_open" and token.level == 0 and token.attrGet("class") == "steps":
            end = next(
                j
                for j in range(i, len(tokens))
                if tokens[j].type == "ordered_list_close" and tokens[j].level == 0
            )
            items = [
                normalized(_bold_title(tokens[j + 2]))
                for j in range(i, end)
                if tokens[j].type == "list_item_open" and tokens[j].level == 1
            ]
            if len(items) == len(titles) and set(items) == titles:
                tokens[i : end + 1] = [_moved_note("flow", "この手順")]
        i += 1


def _bold_title(inline: Token) -> str:
    """The text of the bold run an inline token opens with (a step's title)."""
    kids = _kids(inline)
    if not kids or kids[0].type != "strong_open":
        return ""
    close = next((k for k, kid in enumerate(kids) if kid.type == "strong_close"), len(kids))
    return "".join(kid.content for kid in kids[1:close] if kid.type == "text")


def _fold_questions(tokens: list[Token], questions: set[str]) -> dict[str, str]:
    """Take out each article question (a 「Q」 heading and its answer) that is one of ``questions``; the first
    of a run leaves a link to the FAQ section. Returns each question's former heading id."""
    moved: dict[str, str] = {}
    if not questions:
        return moved
    i = 0
    while i < len(tokens):
        token = tokens[i]
        key = normalized(_inline_text(tokens[i + 1])) if token.type == "heading_open" else ""
        if token.attrGet("class") == "faq-question" and key in questions and key not in moved:
            moved[key] = str(token.attrGet("id"))
            end = i + 3
            while (
                end < len(tokens)
                and tokens[end].type != "heading_open"
                and (tokens[end].level > 0 or tokens[end].type.startswith(("paragraph", "inline")))
            ):
                end += 1
            follows_a_moved_one = (
                i > 0 and tokens[i - 1].type == "html_block" and "article-moved" in tokens[i - 1].content
            )
            tokens[i:end] = [] if follows_a_moved_one else [_moved_note("faq", "質問と回答")]
            continue
        i += 1
    return moved


def _inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or () if child.type in {"text", "code_inline"})


def _kids(inline: Token) -> list[Token]:
    return [
        child for child in inline.children or () if not (child.type == "text" and not child.content.strip())
    ]


def _only_bold(inline: Token) -> bool:
    """An inline token that is nothing but one bold run: ``**ここがポイント！**``."""
    kids = _kids(inline)
    return len(kids) >= 3 and kids[0].type == "strong_open" and kids[-1].type == "strong_close"


def _starts_bold(inline: Token, words: tuple[str, ...]) -> bool:
    kids = _kids(inline)
    return (
        len(kids) >= 2
        and kids[0].type == "strong_open"
        and kids[1].type == "text"
        and kids[1].content.startswith(words)
    )


def _decorate(tokens: list[Token]) -> list[Heading]:
    """Give headings ids, mark the conventional blocks with classes, and collect the TOC."""
    toc: list[Heading] = []
    counter = 0
    in_faq_answer = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = max(2, int(token.tag[1]))  # the page has the only h1
            token.tag = tokens[i + 2].tag = f"h{min(level, 4)}"
            text = _inline_text(tokens[i + 1]).strip()
            counter += 1
            token.attrSet("id", f"article-{counter}")
            if _QUESTION.match(text):
                token.attrSet("class", "faq-question")
                in_faq_answer = True
            else:
                in_faq_answer = False
                if level <= 3 and text:
                    toc.append(Heading(id=f"article-{counter}", text=text, level=level))
        elif token.type == "paragraph_open" and token.level == 0:
            inline = tokens[i + 1]
            if _starts_bold(inline, ("免責事項",)):
                token.attrSet("class", "disclaimer")
            elif in_faq_answer:
                token.attrSet("class", "faq-answer")
            elif _only_bold(inline) and i + 3 < len(tokens) and tokens[i + 3].type == "bullet_list_open":
                token.attrSet("class", "list-heading")
        elif token.type in {"blockquote_open", "table_open", "ordered_list_open", "bullet_list_open", "hr"}:
            if token.level == 0:
                in_faq_answer = False
            if token.type == "blockquote_open":
                _mark_callout(tokens, i)
            elif token.type == "table_open":
                i = _decorate_table(tokens, i)
                continue
            elif token.type == "ordered_list_open":
                _mark_steps(tokens, i)
        i += 1
    return toc


def _mark_callout(tokens: list[Token], start: int) -> None:
    if (
        start + 2 < len(tokens)
        and tokens[start + 1].type == "paragraph_open"
        and _only_bold(tokens[start + 2])
    ):
        title = _inline_text(tokens[start + 2])
        tokens[start].attrSet("class", "callout callout--warning" if "注意" in title else "callout")
        tokens[start + 1].attrSet("class", "callout__title")


def _mark_steps(tokens: list[Token], start: int) -> None:
    """An ordered list whose every item opens with a bold line becomes numbered steps."""
    depth = tokens[start].level
    items = []
    j = start + 1
    while j < len(tokens) and not (tokens[j].type == "ordered_list_close" and tokens[j].level == depth):
        if tokens[j].type == "list_item_open" and tokens[j].level == depth + 1:
            items.append(j)
        j += 1
    if items and all(
        tokens[k + 1].type == "paragraph_open" and _starts_bold(tokens[k + 2], ("",)) for k in items
    ):
        tokens[start].attrSet("class", "steps")
        for k in items:
            tokens[k].attrSet("class", "steps__item")


def _decorate_table(tokens: list[Token], start: int) -> int:
    """Wrap a table so it scrolls on phones, or turn a 「指標」 table into statistics. Returns the next index."""
    end = start
    while tokens[end].type != "table_close":
        end += 1
    rows: list[list[str]] = []
    for token in tokens[start:end]:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(_inline_text(token).strip())
        elif token.type in {"th_open", "td_open"}:
            style = token.attrGet("style") or ""
            token.attrs.pop("style", None)
            if match := _ALIGN.search(str(style)):
                token.attrSet("class", f"align-{match.group(1)}")
    if rows and len(rows[0]) == 2 and rows[0][0] == "指標":
        items = "".join(
            f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>" for label, value in rows[1:]
        )
        block = Token("html_block", "", 0, content=f'<dl class="stats">{items}</dl>\n')
        tokens[start : end + 1] = [block]
        return start + 1
    opening = Token(
        "html_block", "", 0, content='<div class="table-scroll" tabindex="0" role="region" aria-label="表">\n'
    )
    closing = Token("html_block", "", 0, content="</div>\n")
    tokens.insert(end + 1, closing)
    tokens.insert(start, opening)
    return end + 3
