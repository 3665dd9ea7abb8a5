"""BM25 over a listing's passages, with a coverage measure that decides whether a passage answers at all.

BM25 orders the passages. Whether the best one is an answer is a separate question: its raw score grows
with the length of the question, so the threshold is on *coverage* instead: the share of the question's
term weight (IDF, terms the listing never uses weigh the most) that the passage contains.
"""

import math
from collections import Counter
from dataclasses import dataclass

from .passages import Passage
from .text import has_hiragana, soft_terms, terms

K1 = 1.2
B = 0.75
# A single kanji says less than a bigram: 「対」 matches far more than 「対象」.
UNIGRAM_WEIGHT = 0.3
# A kanji followed by hiragana (see ``text.soft_terms``) counts half, and only if the listing uses it.
SOFT_WEIGHT = 0.5


def term_weight(term: str) -> float:
    return UNIGRAM_WEIGHT if len(term) == 1 else 1.0


# Words every listing uses: a passage that shares only these with a question is not about it
# (「雨の日でも申請できますか」 shares 「申請」 with half the page).
GENERIC = frozenset(["対象", "申請", "補助", "助成", "制度", "事業", "支援", "利用", "必要", "場合", "確認"])


PARTICLES = frozenset("のはがをにでともへやかよねしすさせまなだ")


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

    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.counts = [Counter(terms(p.indexed_text) + soft_terms(p.indexed_text)) for p in passages]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.document_frequency: Counter[str] = Counter()
        for counts in self.counts:
            self.document_frequency.update(counts.keys())

    def idf(self, term: str) -> float:
        n, df = len(self.passages), self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, question: str, *, limit: int = 3) -> list[Hit]:
        """The best passages for ``question``, best first (only those sharing at least one term)."""
        hard = set(terms(question))
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
            hits.append(Hit(passage, score, coverage, any(is_word_term(t) for t in matched)))
        hits.sort(key=lambda hit: (-hit.score, -hit.coverage))
        return hits[:limit]
