"""Answer a question about one listing from that listing alone.

A question about a structured field (締切, 金額, 補助率, ...) is answered with the field's value in a
sentence; anything else with the best passages of the article and the FAQs, quoted. When nothing in the
listing answers it, the answer says so. Nothing here composes a fact that the listing does not hold.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from subsidies import formatting
from subsidies.models import ApplicationStatus, Subsidy
from subsidies.rendering import web_url

from .analysis import words
from .intents import Intent, content_words, fix_typos, recognise
from .passages import Passage, article_passages, faq_passages, field_passages
from .ranking import GENERIC_WORDS, QUESTION_WORDS, Hit, PassageIndex
from .text import normalize

# What the box says when the page does not answer a question (then where to ask), and for an empty field.
NOT_STATED = "このページには記載がありません"
CANNOT_ANSWER = NOT_STATED

# The box answers only when the page uses at least this share of the words that say what the question is
# about (「明日の東京の天気は」: 明日 and 天気 are not on the page, so it does not answer with 対象地域).
# Tuned on the development set (``make eval``), never on the held-out set.
MIN_GROUNDED = 1.0
# A passage answers when it holds at least this share of the question's term weight ...
MIN_COVERAGE = 0.3
# ... or, without a word of its own (「今からでも申請できますか」), nearly all of it.
WHOLE_COVERAGE = 0.95
# ... and beats a weak intent (「対象」「使える」) only when it holds this much.
STRONG_COVERAGE = 0.7
# A second passage is quoted too when it scores at least this share of the first one.
SECOND_QUOTE_RATIO = 0.8

# Listings whose passage index each process keeps (an index is a few hundred kB at most).
INDEX_CACHE_SIZE = 512
_INDEXES: OrderedDict[tuple, PassageIndex] = OrderedDict()
_INDEX_LOCK = threading.Lock()

# Where each field is shown on the detail page (ids the detail template carries).
FIELD_ANCHORS = {
    "deadline": "key-figures",
    "amount": "key-figures",
    "subsidy_rate": "key-figures",
    "adoption_rate": "key-figures",
    "difficulty": "key-figures",
    "review_period": "key-figures",
    "target": "eligibility",
    "region": "eligibility",
    "organization": "eligibility",
    "expenses": "requirements",
    "documents": "requirements",
    "flow": "flow",
    "contact": "contact",
}
FIELD_NAMES = {
    "deadline": "申請締切",
    "amount": "最大支給額",
    "subsidy_rate": "補助率",
    "adoption_rate": "採択率",
    "difficulty": "申請難易度",
    "review_period": "審査期間",
    "target": "対象者",
    "region": "対象地域",
    "organization": "主催機関",
    "expenses": "対象経費",
    "documents": "必要書類",
    "flow": "申請の流れ",
    "contact": "問い合わせ先",
}


@dataclass(frozen=True)
class Item:
    text: str
    url: str = ""

    @property
    def external(self) -> bool:
        return self.url.startswith("http")


@dataclass
class Answer:
    """What the box shows. ``source`` is the field key, the passage's anchor, or "" when unanswered."""

    kind: str  # "field", "text" or "none"
    source: str = ""
    sentences: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    quotes: list[Hit] = field(default_factory=list)
    anchor: str = ""
    label: str = ""  # 推定 / 公式 for an adoption rate
    basis: str = ""  # "estimate" / "official", for the label's style
    stated: bool = True  # False when the field is empty in the listing

    @property
    def answered(self) -> bool:
        return self.kind != "none"

    @property
    def field_name(self) -> str:
        return FIELD_NAMES.get(self.source, "")


def passage_index(subsidy: Subsidy) -> PassageIndex:
    """The listing's passage index, built once per listing version (pk + updated_at) in each process.

    Staff edit FAQs and lists inline with the listing, and saving the listing moves ``updated_at``, so a
    new version gets a new key and the old entry falls out of the LRU. The cache is in-process rather than
    Django's cache: unpickling the index from the cache costs more than a question does.
    """
    key = (subsidy.pk, subsidy.updated_at)
    with _INDEX_LOCK:
        index = _INDEXES.get(key)
        if index is not None:
            _INDEXES.move_to_end(key)
            return index
    index = PassageIndex(listing_passages(subsidy), page_text=page_text(subsidy))
    with _INDEX_LOCK:
        _INDEXES[key] = index
        while len(_INDEXES) > INDEX_CACHE_SIZE:
            _INDEXES.popitem(last=False)
    return index


def listing_passages(subsidy: Subsidy) -> list[Passage]:
    """Article, staff FAQs and structured lists, each text once.

    An article often repeats the FAQs and the application steps; the repeat is dropped in favour of the
    FAQ or the list, whose place on the page is fixed.
    """
    fixed = faq_passages(subsidy.faqs.all()) + field_passages(subsidy)
    seen = {_skeleton(p.text) for p in fixed}
    return [p for p in article_passages(subsidy.body) if _skeleton(p.text) not in seen] + fixed


def page_text(subsidy: Subsidy) -> str:
    """The listing's other words on its page (title, summary, fields), for telling what the page mentions."""
    return "\n".join(
        [
            subsidy.title,
            subsidy.summary,
            subsidy.organization.name,
            subsidy.target_description,
            subsidy.max_amount_note,
            subsidy.subsidy_rate,
            subsidy.deadline_note,
            subsidy.review_period_note,
            subsidy.contact_name,
            *(r.name for r in subsidy.regions.all()),
            *(t.name for t in subsidy.target_types.all()),
        ]
    )


# Nouns that come with questions about a listing's fields (「電話番号は」「主催団体は」「上限額は」) and say
# nothing about a topic of their own.
FIELD_WORDS = frozenset(
    [
        "額",
        "先",
        "番号",
        "団体",
        "機関",
        "組織",
        "省庁",
        "日",
        "日付",
        "時期",
        "期間",
        "年",
        "月",
        "数字",
        "割合",
        "公式",
        "受付",
        "開始",
        "最大",
        "最高",
        "上限",
        "下限",
        "金額",
        "方法",
        "手続き",
        "情報",
        "内容",
        "詳細",
        "条件",
        "要件",
        "資格",
        "人",
        "時",
        "程度",
        "目安",
        "予定",
        "名前",
        "名称",
        "概要",
        "仕組み",
        "数",
        "件数",
        "人数",
    ]
)


def topic_words(question: str, intent: Intent | None) -> list:
    """The nouns that say what ``question`` is about.

    Question words (いつ, 何), words every listing uses (補助金, 申請), the nouns of field questions (番号,
    団体) and the words that made the intent are left out.
    """
    text = content_words(question)
    if intent:
        text = intent.strip(text)
    return [
        word
        for word in words(text)
        if word.pos[0] in ("名詞", "形状詞")
        and not word.is_number
        and not word.is_counter
        and any(ch.isalnum() for ch in word.surface)
        and word.lemma not in QUESTION_WORDS
        and word.lemma not in GENERIC_WORDS
        and word.lemma not in FIELD_WORDS
    ]


def grounded_share(index: PassageIndex, question: str, intent: Intent | None) -> float:
    """The share of the nouns saying what ``question`` is about that the page uses (1.0 with none).

    A place name counts as on the page for a question about where the programme applies: 「大阪の会社でも
    申請できますか」 is answered with the listing's regions.
    """
    topics = topic_words(question, intent)
    if not topics:
        return 1.0
    found = sum(
        index.on_page(word.lemma)
        or index.on_page(word.surface)
        or (word.is_place and intent is not None and intent.places)
        for word in topics
    )
    return found / len(topics)


def _skeleton(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def answer(subsidy: Subsidy, question: str, *, now: datetime.datetime) -> Answer:
    question = fix_typos(normalize(question))
    intent = recognise(question)
    index = passage_index(subsidy)
    if grounded_share(index, question, intent) < MIN_GROUNDED:
        return Answer(kind="none")
    hits = [
        hit
        for hit in index.search(content_words(question), whole=question)
        if hit.coverage >= MIN_COVERAGE and (hit.has_word or hit.coverage >= WHOLE_COVERAGE)
    ]
    if intent and (not intent.weak or not hits or _field_wins(intent, hits[0])):
        return field_answer(subsidy, intent, now=now)
    if hits:
        quotes = [hits[0]] + [h for h in hits[1:2] if h.score >= hits[0].score * SECOND_QUOTE_RATIO]
        return Answer(
            kind="text", source=hits[0].passage.anchor, quotes=quotes, anchor=hits[0].passage.anchor
        )
    return Answer(kind="none")


def _field_wins(intent: Intent, hit: Hit) -> bool:
    """A weak intent gives way to a passage from elsewhere on the page that matches the question closely.

    A line of the same list the intent would answer with (an expense for 「何に使える」) does not win: the
    field answer gives the whole list.
    """
    return hit.passage.anchor == FIELD_ANCHORS[intent.key] or hit.coverage < STRONG_COVERAGE


def field_answer(subsidy: Subsidy, intent: Intent, *, now: datetime.datetime) -> Answer:
    result = Answer(kind="field", source=intent.key, anchor=FIELD_ANCHORS[intent.key])
    FIELD_WRITERS[intent.key](subsidy, result, now)
    if not result.sentences and not result.items:
        result.stated = False
        result.sentences = [f"{result.field_name}は、{NOT_STATED}。"]
    return result


def _deadline(subsidy: Subsidy, result: Answer, now: datetime.datetime) -> None:
    status = subsidy.status(at=now)
    if subsidy.accepts_from and status == ApplicationStatus.UPCOMING:
        result.sentences.append(f"受付開始は{formatting.format_accepts_from(subsidy)}です。")
    if subsidy.rolling:
        result.sentences.append("随時受付です（締切日の定めはありません）。")
    elif subsidy.deadline:
        # The deadline as the page writes it: the date alone unless the source states a time, an expected
        # (予定) one as its month, and days left only for an announced one.
        when = formatting.format_deadline(subsidy)
        if status == ApplicationStatus.CLOSED:
            result.sentences.append(f"申請締切は{when}で、受付は終了しています。")
        elif subsidy.deadline_expected:
            result.sentences.append(f"申請締切は{when}です（見込みで、公式の発表はまだありません）。")
        else:
            days = formatting.format_days_left(subsidy.days_left(on=now))
            result.sentences.append(f"申請締切は{when}です（{days}）。")
    if subsidy.deadline_note:
        result.sentences.append(f"補足：{subsidy.deadline_note}")


def _amount(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.max_amount is not None:
        note = f"（{subsidy.max_amount_note}）" if subsidy.max_amount_note else ""
        result.sentences.append(f"最大支給額は{formatting.format_yen(subsidy.max_amount)}です{note}。")
    elif subsidy.max_amount_note:
        # The page shows 「記載なし」 and the note (「銘柄ごとの定額」): the note is what it says.
        result.sentences.append(
            f"最大支給額は金額の記載がなく、「{subsidy.max_amount_note}」とされています。"
        )
    _subsidy_rate(subsidy, result, now)


def _subsidy_rate(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.subsidy_rate:
        result.sentences.append(f"補助率は{subsidy.subsidy_rate}です。")


def _adoption_rate(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.adoption_rate is None:
        return
    result.label = subsidy.get_adoption_rate_basis_display()
    result.basis = subsidy.adoption_rate_basis
    result.sentences.append(f"採択率は{subsidy.adoption_rate}%（{result.label}）です。")
    if subsidy.adoption_rate_basis == Subsidy.RateBasis.ESTIMATE:
        result.sentences.append("公式に発表された数値ではありません。")
    if subsidy.adoption_rate_citation:
        result.sentences.append(f"出典・根拠：{subsidy.adoption_rate_citation}")


def _difficulty(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.difficulty:
        result.sentences.append(f"申請難易度は「{subsidy.get_difficulty_display()}」です。")
    if subsidy.preparation_days:
        result.sentences.append(f"書類準備の目安は約{subsidy.preparation_days}日です。")


def _review_period(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.review_period_note:
        result.sentences.append(f"審査期間の目安：{subsidy.review_period_note}")


def _target(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.target_description:
        result.sentences.append(f"対象者は「{subsidy.target_description}」です。")
    types = [t.name for t in subsidy.target_types.all()]
    if types:
        result.sentences.append(f"対象事業者の種別：{'、'.join(types)}")
    result.items = [
        Item(f"{r.text}（{r.detail}）" if r.detail else r.text)
        for r in subsidy.requirements.all()
        if r.group == r.Group.ELIGIBILITY
    ]


def _region(subsidy: Subsidy, result: Answer, now) -> None:
    names = [r.name for r in subsidy.regions.all()]
    if names:
        result.sentences.append(f"対象地域は{'、'.join(names)}です。")


def _expenses(subsidy: Subsidy, result: Answer, now) -> None:
    result.items = [Item(e.label) for e in subsidy.expenses.all()]
    if result.items:
        result.sentences.append("対象経費は次のとおりです。")


def _documents(subsidy: Subsidy, result: Answer, now) -> None:
    result.items = [Item(f"{d.name}（{d.detail}）" if d.detail else d.name) for d in subsidy.documents.all()]
    if result.items:
        result.sentences.append("必要書類は次のとおりです。")


def _flow(subsidy: Subsidy, result: Answer, now) -> None:
    result.items = [
        Item(f"{s.title}：{s.description}" if s.description else s.title) for s in subsidy.steps.all()
    ]
    if result.items:
        result.sentences.append("申請の流れは次のとおりです。")


def _contact(subsidy: Subsidy, result: Answer, now) -> None:
    if subsidy.contact_name:
        result.sentences.append(f"問い合わせ先は{subsidy.contact_name}です。")
    if subsidy.contact_phone:
        result.items.append(Item(f"電話：{subsidy.contact_phone}", f"tel:{subsidy.contact_phone}"))
    if subsidy.contact_email:
        result.items.append(Item(f"メール：{subsidy.contact_email}", f"mailto:{subsidy.contact_email}"))
    contact_url, official_url = web_url(subsidy.contact_url), web_url(subsidy.official_url)
    if contact_url:
        result.items.append(Item("問い合わせページ", contact_url))
    if official_url and official_url != contact_url:
        result.items.append(Item("公式ページ", official_url))
    if result.items and not result.sentences:
        result.sentences.append("問い合わせ先は次のとおりです。")


def _organization(subsidy: Subsidy, result: Answer, now) -> None:
    result.sentences.append(f"主催機関は{subsidy.organization.name}です。")
    website = web_url(subsidy.organization.website)
    if website:
        result.items.append(Item(f"{subsidy.organization.name}のウェブサイト", website))


FIELD_WRITERS = {
    "deadline": _deadline,
    "amount": _amount,
    "subsidy_rate": _subsidy_rate,
    "adoption_rate": _adoption_rate,
    "difficulty": _difficulty,
    "review_period": _review_period,
    "target": _target,
    "region": _region,
    "organization": _organization,
    "expenses": _expenses,
    "documents": _documents,
    "flow": _flow,
    "contact": _contact,
}
