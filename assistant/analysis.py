"""Japanese morphological analysis: the words of a question or a passage, in their dictionary form.

SudachiPy with its small dictionary (``sudachidict_small``, both pinned in ``pyproject.toml``; why this one
and not fugashi + unidic-lite: ``assistant/README.md``). The analyser normalises spelling variants to one
form (〆切 → 締め切り, 問合せ → 問い合わせ, 申込み → 申し込み, ひつよう → 必要) and conjugations to the
dictionary form (もらえる → 貰う), which character bigrams cannot do.

The dictionary takes about 0.2 s to load, so it is loaded once per process, on first use; a tokenizer is
not safe to share between threads, so each thread gets its own from the one dictionary.
"""

import threading
from dataclasses import dataclass
from functools import lru_cache

from sudachipy import Dictionary, SplitMode

from .text import normalize

# Parts of speech that carry content; particles, auxiliaries, symbols and prefixes do not.
CONTENT_POS = frozenset(["名詞", "動詞", "形容詞", "形状詞", "代名詞", "接尾辞"])

_dictionary_lock = threading.Lock()
_dictionary: Dictionary | None = None
_local = threading.local()


@dataclass(frozen=True)
class Word:
    surface: str
    lemma: str  # the normalised dictionary form: 〆切 → 締め切り, もらえる → 貰う
    pos: tuple[str, ...]

    @property
    def is_content(self) -> bool:
        return self.pos[0] in CONTENT_POS and self.pos[1] != "数詞"

    @property
    def is_place(self) -> bool:
        """A place name (東京, 名古屋, 札幌): the analyser knows them, a list of prefectures does not."""
        return self.pos[1:3] == ("固有名詞", "地名")

    @property
    def is_counter(self) -> bool:
        """A one-character noun that counts things (社, 人, 回, 件): 「1社単独で」 is not about companies."""
        return len(self.surface) == 1 and self.pos[2] == "助数詞可能"

    @property
    def is_number(self) -> bool:
        return self.pos[1] == "数詞" or self.surface.isdigit()


def _tokenizer():
    global _dictionary
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="small")
        tokenizer = _local.tokenizer = _dictionary.tokenizer(mode=SplitMode.A)
    return tokenizer


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[Word, ...]:
    """The words of ``text`` (normalised like the search first: NFKC, case-folded), shortest units."""
    return tuple(
        Word(m.surface(), m.normalized_form(), tuple(m.part_of_speech()))
        for m in _tokenizer().tokenize(normalize(text))
        if m.surface().strip()
    )


def lemmas(text: str) -> list[str]:
    """The content words' dictionary forms, and each pair of neighbours joined (実施+機関 → 実施機関).

    The pairs let a compound match its synonym as one word (中古+車 → 中古車, 御+金 → 御金).
    """
    result: list[str] = []
    previous = None
    for word in words(text):
        if word.is_content:
            result.append(word.lemma)
        if previous is not None and (word.is_content or word.pos[0] == "接尾辞"):
            result.append(previous.lemma + word.lemma)
        previous = word if word.is_content or word.pos[0] == "接頭辞" else None
    return result
