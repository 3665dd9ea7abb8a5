"""The article (``Subsidy.body``): Markdown → sanitised HTML with heading ids and a table of contents.

Editors write plain Markdown; a few conventions of the reference articles become styled blocks:

- a blockquote whose first paragraph is only bold text is a *callout* (the bold text is its title; a title
  with 注意 is a warning callout);
- a two-column table whose first header cell is 「指標」 is a set of *statistics* (label → figure);
- an ordered list whose items each start with a bold line is a list of numbered *steps*;
- a heading that starts with 「Q 」 is an article *FAQ* question, the paragraphs after it its answer;
- a paragraph that starts with bold 「免責事項」 is the *disclaimer*.

Raw HTML in the Markdown is not interpreted (it shows as text), and the HTML that markdown-it produces is
sanitised again by nh3 with an allow-list, so no editor input can reach the page as script, an event
handler, a ``javascript:`` URL or an inline style (the CSP forbids those anyway).
"""

import html
import re
from dataclasses import dataclass
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


def render_article(source: str) -> Article:
    """Markdown → an Article with safe HTML, its table of contents (h2/h3) and its plain text."""
    tokens = _markdown.parse(source or "")
    toc = _decorate(tokens)
    rendered = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = sanitize(rendered)
    text = html.unescape(strip_tags(clean))
    return Article(html=mark_safe(clean), toc=tuple(toc), text=text)


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
