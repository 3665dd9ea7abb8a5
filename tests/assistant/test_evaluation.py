"""The evaluation: development and held-out sets, their scores, and checks that the scoring can fail.

``make eval`` runs this file and prints both sets' scores. The held-out set is never tuned on (see
``evaluation_heldout.py``); its targets are the issue's: ≥ 90 % correct, ≤ 2 % confident wrong answers to
questions the page does not answer.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from assistant.answers import Answer
from subsidies.models import Subsidy
from tests.assistant import evaluation_dev, evaluation_heldout, evaluation_heldout2
from tests.assistant.evaluation import evaluate
from tests.factories import NOW

# The issue's targets for the held-out set.
HELD_OUT_TARGET_ACCURACY = 0.90
HELD_OUT_MAX_CONFIDENT_WRONG = 0.02
# What the held-out set measured when the answering rules of issue 22 were finished (203/226 = 89.8 %, just
# under the target): a change that scores below it is a regression.
HELD_OUT_MIN_ACCURACY = 0.895
# The second held-out set (``evaluation_heldout2.py``), written by reading the listings only, measured once before
# any change to the answering code: 310/452 = 68.6 %, confident wrong 13/133 = 9.8 %. Scores below are regressions.
HELD_OUT_2_MIN_ACCURACY = 0.685
HELD_OUT_2_MAX_CONFIDENT_WRONG = 0.098
DEV_MIN_ACCURACY = 0.95


def demo_listing_pks() -> set[int]:
    pks = set()
    for name in ("seed", "programs"):
        rows = json.loads((Path(settings.BASE_DIR) / "fixtures" / f"{name}.json").read_text())
        pks |= {row["pk"] for row in rows if row["model"] == "subsidies.subsidy"}
    return pks


@pytest.mark.parametrize("held_out", [evaluation_heldout, evaluation_heldout2], ids=["first", "second"])
def test_each_held_out_set_covers_every_demo_listing_with_enough_unanswerable_questions(held_out):
    cases = held_out.CASES
    assert len(cases) >= 150
    assert {pk for pk, _, _ in cases} == demo_listing_pks()
    assert sum(expected is None for *_, expected in cases) / len(cases) >= 0.25


def test_no_held_out_question_is_in_the_development_set_or_the_other_held_out_set():
    dev = {(pk, question) for pk, question, _ in evaluation_dev.CASES}
    first = {(pk, question) for pk, question, _ in evaluation_heldout.CASES}
    assert [case for case in evaluation_heldout.CASES if case[:2] in dev] == []
    assert [case for case in evaluation_heldout2.CASES if case[:2] in dev | first] == []


@pytest.fixture
def listings(evaluation_listings):
    return (
        Subsidy.objects.prefetch_related(
            "regions", "target_types", "requirements", "expenses", "documents", "steps", "faqs"
        )
        .select_related("organization")
        .in_bulk()
    )


def test_the_scoring_counts_an_answer_to_an_unanswerable_question_as_confident_wrong(listings):
    def always_quotes_the_amount(subsidy, question, *, now):
        return Answer(kind="field", source="amount", anchor="key-figures")

    score = evaluate(evaluation_heldout.CASES, listings, now=NOW, answerer=always_quotes_the_amount)
    assert score.confident_wrong == score.unanswerable > 0
    assert score.accuracy < 0.1


def test_the_scoring_counts_a_refusal_of_an_answerable_question_as_wrong(listings):
    def always_refuses(subsidy, question, *, now):
        return Answer(kind="none")

    score = evaluate(evaluation_heldout.CASES, listings, now=NOW, answerer=always_refuses)
    assert score.confident_wrong == 0
    assert score.correct == score.unanswerable
    assert score.answerable_refused == score.total - score.unanswerable


def test_development_set_score(listings, capsys):
    score = evaluate(evaluation_dev.CASES, listings, now=NOW)
    with capsys.disabled():
        print("\n" + score.line("development set"))
        print("\n".join(score.misses()))
    assert score.accuracy >= DEV_MIN_ACCURACY


@pytest.fixture
def held_out_score(listings):
    return evaluate(evaluation_heldout.CASES, listings, now=NOW)


def test_held_out_set_score(held_out_score, capsys):
    with capsys.disabled():
        print("\n" + held_out_score.line("held-out set"))
    assert held_out_score.accuracy >= HELD_OUT_MIN_ACCURACY, held_out_score.line("held-out set")
    assert held_out_score.confident_wrong_rate <= HELD_OUT_MAX_CONFIDENT_WRONG, held_out_score.line(
        "held-out set"
    )


@pytest.mark.xfail(strict=True, reason="held-out accuracy is 89.8 %, under the issue's 90 % target")
def test_held_out_set_reaches_the_issues_accuracy_target(held_out_score):
    assert held_out_score.accuracy >= HELD_OUT_TARGET_ACCURACY


@pytest.fixture
def second_held_out_score(listings):
    return evaluate(evaluation_heldout2.CASES, listings, now=NOW)


def test_second_held_out_set_score(second_held_out_score, capsys):
    """Only the aggregate is printed: the set's misses are not read, so it stays held out."""
    line = second_held_out_score.line("second held-out set")
    with capsys.disabled():
        print("\n" + line)
    assert second_held_out_score.accuracy >= HELD_OUT_2_MIN_ACCURACY, line
    assert second_held_out_score.confident_wrong_rate <= HELD_OUT_2_MAX_CONFIDENT_WRONG, line


@pytest.mark.xfail(
    strict=True, reason="second held-out set: 68.6 % correct, 9.8 % confident wrong (targets 90 %, 2 %)"
)
def test_second_held_out_set_reaches_the_issues_targets(second_held_out_score):
    assert second_held_out_score.accuracy >= HELD_OUT_TARGET_ACCURACY
    assert second_held_out_score.confident_wrong_rate <= HELD_OUT_MAX_CONFIDENT_WRONG
