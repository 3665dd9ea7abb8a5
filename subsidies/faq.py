"""The questions every listing answers, generated from its own fields (only where the field has a value)."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class QA:
    question: str
    answer: str
    generated: bool = False


def _sentence(text: str) -> str:
    """A note as published (「…1〜2ヶ月程度」) read as an answer: 「…1〜2ヶ月程度です。」."""
    text = text.strip()
    if text.endswith(("。", "．", ".", "！", "？")):
        return text
    return f"{text}です。"


def generated_faqs(
    *,
    target_description: str,
    target_types: Iterable[str] = (),
    documents: Iterable[str] = (),
    expenses: Iterable[str] = (),
    review_period_note: str = "",
) -> list[QA]:
    """対象者・必要書類・対象経費・審査期間, each only when the listing states it."""
    qas = []
    who = target_description.strip() or "、".join(target_types)
    if who:
        qas.append(QA("この補助金の対象者は誰ですか？", who, generated=True))
    if documents := "、".join(documents):
        qas.append(QA("申請に必要な書類は何ですか？", documents, generated=True))
    if expenses := "、".join(expenses):
        qas.append(QA("どのような経費が対象になりますか？", expenses, generated=True))
    if review_period_note.strip():
        qas.append(
            QA("申請から採択までどのくらいかかりますか？", _sentence(review_period_note), generated=True)
        )
    return qas
