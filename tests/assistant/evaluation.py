"""Scoring of the question box against an evaluation set (``evaluation_dev.py``, ``evaluation_heldout.py``).

An answer is scored by what it cites: a field answer by its field, a quoted passage by its section anchor
and, for a line of one of the listing's lists, by that list's field. A question the page does not answer is
correct only when the box says so; any answer to it is a *confident wrong answer*. A field answer that
says the field is not stated counts as saying so.
"""

import time
from dataclasses import dataclass

from assistant.answers import answer

# The listing's structured lists, by the heading their passages carry.
LIST_FIELDS = {
    "申請要件": "requirements",
    "必要書類": "documents",
    "対象経費": "expenses",
    "申請の流れ": "flow",
}


def cited(result) -> set[str]:
    """What an answer cites (empty when it states nothing)."""
    if result.kind == "field":
        return {result.source} if result.stated else set()
    if result.kind == "text" and result.quotes:
        passage = result.quotes[0].passage
        labels = {passage.anchor}
        if passage.kind == "field":
            labels.add(getattr(passage, "field", "") or LIST_FIELDS.get(passage.heading, passage.anchor))
        return labels
    return set()


@dataclass(frozen=True)
class Outcome:
    pk: int
    question: str
    expected: object
    got: frozenset
    seconds: float

    @property
    def answerable(self) -> bool:
        return self.expected is not None

    @property
    def correct(self) -> bool:
        if not self.answerable:
            return not self.got
        accepted = self.expected if isinstance(self.expected, tuple) else (self.expected,)
        return bool(self.got & set(accepted))

    @property
    def confident_wrong(self) -> bool:
        """An answer to a question the page does not answer."""
        return not self.answerable and bool(self.got)


@dataclass(frozen=True)
class Score:
    outcomes: list[Outcome]

    def _share(self, hits, of) -> float:
        return hits / of if of else 0.0

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def correct(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def accuracy(self) -> float:
        return self._share(self.correct, self.total)

    @property
    def unanswerable(self) -> int:
        return sum(not o.answerable for o in self.outcomes)

    @property
    def confident_wrong(self) -> int:
        return sum(o.confident_wrong for o in self.outcomes)

    @property
    def confident_wrong_rate(self) -> float:
        return self._share(self.confident_wrong, self.unanswerable)

    @property
    def answerable_refused(self) -> int:
        return sum(o.answerable and not o.got for o in self.outcomes)

    @property
    def answerable_wrong(self) -> int:
        return sum(o.answerable and bool(o.got) and not o.correct for o in self.outcomes)

    def seconds(self, quantile: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        return times[min(len(times) - 1, int(quantile * len(times)))] if times else 0.0

    def line(self, name: str) -> str:
        answerable = self.total - self.unanswerable
        return (
            f"{name}: {self.correct}/{self.total} correct = {self.accuracy:.1%}; "
            f"answerable {answerable - self.answerable_refused - self.answerable_wrong}/{answerable} "
            f"(refused {self.answerable_refused}, wrong {self.answerable_wrong}); "
            f"unanswerable refused {self.unanswerable - self.confident_wrong}/{self.unanswerable}, "
            f"confident wrong {self.confident_wrong}/{self.unanswerable} = {self.confident_wrong_rate:.1%}; "
            f"per answer median {self.seconds(0.5) * 1000:.1f} ms, p95 {self.seconds(0.95) * 1000:.1f} ms"
        )

    def misses(self) -> list[str]:
        return [
            f"  {o.pk} {o.question!r}: expected {o.expected}, got {sorted(o.got) or 'refusal'}"
            for o in self.outcomes
            if not o.correct
        ]


def evaluate(cases, listings, *, now, answerer=answer) -> Score:
    """Answer every case against its listing (``listings``: pk → Subsidy) and score it."""
    outcomes = []
    for pk, question, expected in cases:
        started = time.perf_counter()
        result = answerer(listings[pk], question, now=now)
        elapsed = time.perf_counter() - started
        outcomes.append(Outcome(pk, question, expected, frozenset(cited(result)), elapsed))
    return Score(outcomes)
