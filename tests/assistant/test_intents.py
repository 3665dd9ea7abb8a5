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


# The issue's synonym groups: 主催/実施機関/運営/窓口, 国/地域/対象国, 締め切り/期限/いつまで.
@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("主催しているのはどこですか", "organization"),
        ("実施機関を教えて", "organization"),
        ("運営しているのはどこ", "organization"),
        ("どこが実施しているの？", "organization"),
        ("窓口はどこ？", "contact"),
        ("どこの国が対象ですか", "region"),
        ("対象地域は？", "region"),
        ("対象国は？", "region"),
        ("名古屋の会社でも申請できる？", "region"),
        ("締め切りは？", "deadline"),
        ("期限はいつ", "deadline"),
        ("いつまで申し込めますか", "deadline"),
    ],
)
def test_each_synonym_group_of_the_issue_is_one_intent(question, intent):
    assert recognise(question).key == intent


def test_the_running_costs_of_a_group_are_not_a_question_about_who_runs_it():
    assert (
        recognise("団体の運営費は対象？") is None or recognise("団体の運営費は対象？").key != "organization"
    )


def test_a_common_conversion_slip_is_read_as_meant():
    assert recognise("補助律は？").key == "subsidy_rate"
    assert recognise("採択律は？").key == "adoption_rate"


def test_the_region_intent_yields_to_a_passage_that_names_countries():
    assert recognise("どこの国が対象ですか").weak
