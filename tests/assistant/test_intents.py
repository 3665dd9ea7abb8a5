import pytest

from assistant.intents import content_words, recognise


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("締切はいつですか？", "deadline"),
        ("しめきりっていつ", "deadline"),
        ("〆切は", "deadline"),
        ("いつまでに出せばいい？", "deadline"),
        ("受付はいつから", "deadline"),
        ("いくらもらえるの", "amount"),
        ("上限額を教えてください", "amount"),
        ("補助率は？", "subsidy_rate"),
        ("自己負担はどれくらい", "subsidy_rate"),
        ("採択率は何％？", "adoption_rate"),
        ("通る確率ってどのくらい", "adoption_rate"),
        ("難易度は", "difficulty"),
        ("むずかしいですか", "difficulty"),
        ("誰が使えますか", "target"),
        ("対象者は？", "target"),
        ("どんな経費が対象", "expenses"),
        ("何に使えますか", "expenses"),
        ("必要な書類", "documents"),
        ("用意するものは？", "documents"),
        ("問い合わせ先", "contact"),
        ("電話番号は？", "contact"),
        ("申請方法を知りたい", "flow"),
        ("申し込みの流れ", "flow"),
        ("対象地域は？", "region"),
        ("大阪の会社でも使える？", "region"),
        ("審査期間はどのくらい", "review_period"),
    ],
)
def test_common_questions_are_recognised_in_natural_japanese(question, intent):
    assert recognise(question).key == intent


def test_full_width_and_half_width_questions_are_the_same():
    assert recognise("採択率は？").key == recognise("採択率は?").key == "adoption_rate"


@pytest.mark.parametrize(
    "question", ["採択率を上げるコツは？", "補助額はどうやって決まるの？", "申請時の注意点"]
)
def test_questions_asking_for_advice_or_explanation_are_left_to_the_article(question):
    assert recognise(question) is None


@pytest.mark.parametrize("question", ["オンラインでの研修は？", "日本語教育の支援", "駐車場はありますか"])
def test_other_questions_have_no_intent(question):
    assert recognise(question) is None


def test_weak_intents_are_the_general_words_a_faq_can_answer_better():
    assert recognise("何に使えますか").weak
    assert not recognise("締切は？").weak


def test_filler_words_are_removed_before_the_text_search():
    assert "補助金" not in content_words("この補助金について教えてください")
