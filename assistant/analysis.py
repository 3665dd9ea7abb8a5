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
        """A place in Japan (東京, 名古屋, 札幌), not a country: the analyser knows them, a list does not."""
        return self.pos[1:3] == ("固有名詞", "地名") and self.pos[3] != "国"

    @property
    def is_counter(self) -> bool:
        """A one-character noun that counts things (社, 人, 回, 件): 「1社単独で」 is not about companies."""
        return len(self.surface) == 1 and self.pos[2] == "助数詞可能"

    @property
    def is_number(self) -> bool:
        return self.pos[1] == "数詞" or self.surface.isdigit()


def _tokenizer(longest: bool):
    global _dictionary
    tokenizers = getattr(_local, "tokenizers", None)
    if tokenizers is None:
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="small")
        tokenizers = _local.tokenizers = (
            _dictionary.tokenizer(mode=SplitMode.A),
            _dictionary.tokenizer(mode=SplitMode.C),
        )
    return tokenizers[longest]


@lru_cache(maxsize=4096)
def words(text: str, *, longest: bool = False) -> tuple[Word, ...]:
    """The words of ``text`` (normalised like the search first: NFKC, case-folded).

    Shortest units by default (「受け」「取れる」), which match parts of compounds; ``longest`` gives the
    dictionary's longest units (「受け取れる」 → 受け取る), which match synonyms.
    """
    return tuple(
        Word(m.surface(), m.normalized_form(), tuple(m.part_of_speech()))
        for m in _tokenizer(longest).tokenize(normalize(text))
        if m.surface().strip()
    )


def lemmas(text: str) -> list[str]:
    """The content words' dictionary forms, each pair of neighbours joined (実施+機関 → 実施機関), and the
    longest units that are not already among them (受け取る).

    The pairs and the longest units let a compound match its synonym as one word (中古+車 → 中古車).
    """
    result: list[str] = []
    previous = None
    for word in words(text):
        if word.is_content:
            result.append(word.lemma)
        if previous is not None and word.pos[0] in ("名詞", "接尾辞"):
            result.append(previous.lemma + word.lemma)
        previous = word if word.pos[0] in ("名詞", "接頭辞") else None
    seen = set(result)
    result.extend(w.lemma for w in words(text, longest=True) if w.is_content and w.lemma not in seen)
    return result
