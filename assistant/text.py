"""Text normalised like the search (NFKC + case-fold) and cut into the terms the ranker counts.

Japanese has no spaces, so terms are character bigrams of each run of letters and digits, plus single
kanji (a one-kanji word such as 県 or 国 would otherwise be lost). Bigrams with a hiragana in them, or
that straddle a katakana word and a kanji (「ス代」 in 「バス代」), are left out: they are particles, endings and okurigana (「ますか」「について」「支援し」) that change with how a
question is phrased and would make every passage look similar to every question.
"""

import re

# The one normal form of the site: questions and passages are compared exactly as search compares text.
from subsidies.search import normalize

# A run of letters, digits, kana and kanji; everything else (punctuation, spaces, symbols) separates runs.
_RUN = re.compile(r"[\w\u3005\u30fc]+")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]")


def is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or char in "\u3005\u3006"


def terms(text: str) -> list[str]:
    """The terms of ``text`` (already normalised or not), in order, with repeats.

    >>> terms("補助率は？")
    ['補助', '助率', '補', '助', '率']
    """
    result: list[str] = []
    for run in _RUN.findall(normalize(text).replace("_", " ")):
        bigrams = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        result.extend(b for b in bigrams if not _HIRAGANA.search(b) and not _straddles(b))
        result.extend(c for c in run if is_kanji(c))
    return result


def soft_terms(text: str) -> list[str]:
    """Kanji followed by hiragana (「宝く」 of 宝くじ, 「見積」 is already a term): words that are half kana.

    They are noise as often as words (「援し」 of 支援して), so the ranker counts them only when the
    listing uses them, and at a lower weight.
    """
    result: list[str] = []
    for run in _RUN.findall(normalize(text).replace("_", " ")):
        result.extend(
            run[i : i + 2] for i in range(len(run) - 1) if is_kanji(run[i]) and _HIRAGANA.match(run[i + 1])
        )
    return result


def _straddles(bigram: str) -> bool:
    """A katakana word's end glued to a kanji (「バス代」 → 「ス代」) is not a term of either word."""
    return len(bigram) == 2 and (
        (bool(_KATAKANA.match(bigram[0])) and is_kanji(bigram[1]))
        or (is_kanji(bigram[0]) and bool(_KATAKANA.match(bigram[1])))
    )


def has_hiragana(text: str) -> bool:
    return bool(_HIRAGANA.search(text))


def has_words(text: str) -> bool:
    """Whether ``text`` has any letter, digit, kana or kanji (a question made only of 「？！…」 has none)."""
    return any(ch.isalnum() for ch in normalize(text))
