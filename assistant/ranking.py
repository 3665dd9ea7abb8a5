"""BM25 over a listing's passages, with a coverage measure that decides whether a passage answers at all.

BM25 orders the passages. Whether the best one is an answer is a separate question: its raw score grows
with the length of the question, so the threshold is on *coverage* instead: the share of the question's
term weight (IDF, terms the listing never uses weigh the most) that the passage contains.
"""

import math
from collections import Counter
from dataclasses import dataclass

from .analysis import lemmas
from .passages import Passage
from .synonyms import group_of
from .text import has_hiragana, normalize, soft_terms, terms

K1 = 1.2
B = 0.75
# A single kanji says less than a bigram: 「対」 matches far more than 「対象」.
UNIGRAM_WEIGHT = 0.3
# A kanji followed by hiragana (see ``text.soft_terms``) counts half, and only if the listing uses it.
SOFT_WEIGHT = 0.5


# Word terms (the analyser's dictionary forms, ``w:`` + lemma) and synonym groups (``s:`` + group name).
WORD_PREFIX = "w:"
GROUP_PREFIX = "s:"


def term_weight(term: str) -> float:
    if term.startswith((WORD_PREFIX, GROUP_PREFIX)):
        return 1.0
    return UNIGRAM_WEIGHT if len(term) == 1 else 1.0


# Words every listing uses: a passage that shares only these with a question is not about it
# (「雨の日でも申請できますか」 shares 「申請」 with half the page).
GENERIC = frozenset(["対象", "申請", "補助", "助成", "制度", "事業", "支援", "利用", "必要", "場合", "確認"])


PARTICLES = frozenset("のはがをにでともへやかよねしすさせまなだ")

# Dictionary forms that say how a question is asked, not what it is about.
QUESTION_WORDS = frozenset(
    [
        "為る",
        "居る",
        "有る",
        "在る",
        "成る",
        "出来る",
        "教える",
        "知る",
        "分かる",
        "良い",
        "言う",
        "思う",
        "呉れる",
        "下さる",
        "頂く",
        "欲しい",
        "何",
        "何処",
        "どこ",
        "いつ",
        "何時",
        "誰",
        "どう",
        "どの",
        "どんな",
        "どれ",
        "如何",
        "幾ら",
        "いくら",
        "事",
        "物",
        "方",
        "所",
        "場合",
        "可能",
        "大丈夫",
        "本当",
        "具体",
        "詳しい",
        "質問",
        "今",
        "様",
        "くらい",
        "位",
        "達",
        "等",
        "の",
        "ん",
        "此の",
        "この",
        "其の",
        "それ",
        "これ",
        "私",
        "僕",
        "うち",
        "当社",
        "弊社",
        "自社",
        "ページ",
        "掲載",
    ]
)
# Words every listing uses (as GENERIC, in dictionary forms).
GENERIC_WORDS = frozenset(
    [
        "対象",
        "申請",
        "補助",
        "助成",
        "制度",
        "事業",
        "支援",
        "利用",
        "必要",
        "場合",
        "確認",
        "補助金",
        "助成金",
        "金",
        "使う",
        "受ける",
        "貰う",
        "出る",
        "会社",
        "企業",
        "事業者",
    ]
)


# Synonym groups of words every listing uses (申請/応募).
GENERIC_GROUPS = frozenset(["apply"])


def word_terms(text: str) -> list[str]:
    """The analyser's content words of ``text`` and their synonym groups, as terms."""
    result = []
    for lemma in lemmas(text):
        group = group_of(lemma)
        if group:
            result.append(GROUP_PREFIX + group)
        if lemma not in QUESTION_WORDS:
            result.append(WORD_PREFIX + lemma)
    return result


def _is_word(term: str) -> bool:
    if term.startswith(GROUP_PREFIX):
        return term[len(GROUP_PREFIX) :] not in GENERIC_GROUPS
    if term.startswith(WORD_PREFIX):
        word = term[len(WORD_PREFIX) :]
        return word not in GENERIC_WORDS and not word.isdigit()
    return is_word_term(term)


def is_word_term(term: str) -> bool:
    """A bigram that says what a question is about: 「研修」 or 「dx」, not 「00」, 「申請」 or a single kanji."""
    if len(term) != 2 or term.isdigit() or term in GENERIC:
        return False
    # A kanji before a particle or a form of する (「象で」「援し」) is not a word; 「宝く」 of 宝くじ is.
    return not has_hiragana(term) or term[1] not in PARTICLES


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    coverage: float
    # Whether a word of the question (not just digits, single kanji or GENERIC words) is in the passage.
    has_word: bool = True


class PassageIndex:
    """The passages of one listing with their term counts; built once per listing version and cached."""

    def __init__(self, passages: list[Passage], *, page_text: str = ""):
        self.passages = passages
        self.counts = [
            Counter(terms(p.indexed_text) + soft_terms(p.indexed_text) + word_terms(p.indexed_text))
            for p in passages
        ]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.document_frequency: Counter[str] = Counter()
        for counts in self.counts:
            self.document_frequency.update(counts.keys())
        # Everything the page says (passages, title, summary, fields), to tell whether a question's words
        # are on the page at all.
        text = "\n".join([page_text, *(p.indexed_text for p in passages)])
        self.page_text = normalize(text)
        self.page_words = set(lemmas(text))
        self.page_groups = {group_of(word) for word in self.page_words} - {""}

    def on_page(self, lemma: str) -> bool:
        """Whether the page uses ``lemma``, its synonym, or (two characters or more) contains it."""
        group = group_of(lemma)
        return (
            lemma in self.page_words
            or (bool(group) and group in self.page_groups)
            or (len(lemma) > 1 and lemma in self.page_text)
        )

    def idf(self, term: str) -> float:
        n, df = len(self.passages), self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, question: str, *, limit: int = 3, whole: str = "") -> list[Hit]:
        """The best passages for ``question``, best first (only those sharing at least one term).

        ``question`` is the question without filler, for the character terms; ``whole`` the question as
        asked, for the analyser (taking words out first would leave it fragments: 「はいつもらえるの」).
        """
        hard = set(terms(question)) | set(word_terms(whole or question))
        soft = {t for t in soft_terms(question) if t in self.document_frequency} - hard
        if not hard or not self.passages:
            return []
        weights = {t: self.idf(t) * term_weight(t) for t in hard} | {
            t: self.idf(t) * SOFT_WEIGHT for t in soft
        }
        query = hard | soft
        total = sum(weights.values())
        hits = []
        for passage, counts, length in zip(self.passages, self.counts, self.lengths, strict=True):
            matched = [t for t in query if t in counts]
            if not matched:
                continue
            norm = K1 * (1 - B + B * length / (self.average_length or 1))
            score = sum(weights[t] * counts[t] * (K1 + 1) / (counts[t] + norm) for t in matched)
            coverage = sum(weights[t] for t in matched) / total
            hits.append(Hit(passage, score, coverage, any(_is_word(t) for t in matched)))
        hits.sort(key=lambda hit: (-hit.score, -hit.coverage))
        return hits[:limit]
