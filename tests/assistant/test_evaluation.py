"""The evaluation set: top-1 accuracy over real-sounding questions, and no answer where there is none."""

from assistant.answers import answer
from subsidies.models import Subsidy
from tests.assistant.evaluation_set import CASES
from tests.factories import NOW

MIN_ACCURACY = 0.90


def evaluate():
    listings = {s.pk: s for s in Subsidy.objects.filter(pk__in={pk for pk, _, _ in CASES})}
    results = []
    for pk, question, expected in CASES:
        result = answer(listings[pk], question, now=NOW)
        accepted = expected if isinstance(expected, tuple) else (expected,)
        got = result.source if result.answered else None
        results.append((pk, question, expected, got, got in accepted))
    return results


def test_the_evaluation_set_is_big_and_varied_enough():
    assert len(CASES) >= 60
    assert len({pk for pk, _, _ in CASES}) >= 10
    assert sum(1 for *_, expected in CASES if expected is None) >= 20


def test_top_1_accuracy_is_at_least_90_percent(evaluation_listings, capsys):
    results = evaluate()
    correct = sum(ok for *_, ok in results)
    accuracy = correct / len(results)
    misses = [
        f"  {pk} {question!r}: expected {expected}, got {got}"
        for pk, question, expected, got, ok in results
        if not ok
    ]
    with capsys.disabled():
        print(f"\nassistant evaluation: top-1 accuracy {correct}/{len(results)} = {accuracy:.1%}")
        print("\n".join(misses))
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)


def test_no_unanswerable_question_gets_an_answer(evaluation_listings):
    wrongly_answered = [
        (pk, question, got)
        for pk, question, expected, got, _ in evaluate()
        if expected is None and got is not None
    ]
    assert wrongly_answered == []
