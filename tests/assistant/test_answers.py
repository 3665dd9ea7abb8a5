import pytest

from assistant.answers import CANNOT_ANSWER, NOT_STATED, answer, passage_index
from subsidies.models import FAQ, RequiredDocument, Subsidy, SubsidyExpense
from tests.factories import NOW, jst, make_subsidy

pytestmark = pytest.mark.django_db


def test_the_deadline_is_stated_with_the_days_left_on_the_given_day():
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    result = answer(subsidy, "締切はいつ？", now=NOW)
    assert (result.kind, result.source, result.anchor) == ("field", "deadline", "key-figures")
    assert result.sentences == ["申請締切は2026年3月31日（火）です（残り74日）。"]  # no time stated


def test_after_the_deadline_the_answer_says_it_has_closed():
    subsidy = make_subsidy(deadline=jst(2026, 1, 10))
    assert answer(subsidy, "締切は？", now=NOW).sentences == [
        "申請締切は2026年1月10日（土）で、受付は終了しています。"
    ]


def test_on_the_deadline_day_it_says_today():
    subsidy = make_subsidy(deadline=jst(2026, 1, 16))
    assert "本日締切" in answer(subsidy, "いつまで？", now=NOW).sentences[0]


def test_a_rolling_listing_has_no_deadline_and_keeps_its_note():
    subsidy = make_subsidy(deadline=None, rolling=True, deadline_note="予算に達し次第終了")
    assert answer(subsidy, "締め切りはありますか", now=NOW).sentences == [
        "随時受付です（締切日の定めはありません）。",
        "補足：予算に達し次第終了",
    ]


def test_an_upcoming_listing_says_when_acceptance_starts():
    subsidy = make_subsidy(
        accepts_from=jst(2026, 2, 1, 9, 0), accepts_from_has_time=True, deadline=jst(2026, 4, 30, 17, 0)
    )
    assert (
        answer(subsidy, "いつから申請できる？", now=NOW).sentences[0]
        == "受付開始は2026年2月1日（日）09:00です。"
    )


def test_the_amount_is_formatted_the_japanese_way_with_its_note():
    subsidy = make_subsidy(max_amount=1_708_000, max_amount_note="条件による")
    assert answer(subsidy, "いくら？", now=NOW).sentences == ["最大支給額は170.8万円です（条件による）。"]


def test_an_empty_field_is_said_to_be_not_stated_never_invented():
    subsidy = make_subsidy(subsidy_rate="", max_amount=None)
    for question in ("補助率は？", "上限額は？"):
        result = answer(subsidy, question, now=NOW)
        assert not result.stated
        assert NOT_STATED in result.sentences[0]


def test_an_estimated_adoption_rate_is_labelled_as_an_estimate_with_its_basis():
    subsidy = make_subsidy(
        adoption_rate="60.0",
        adoption_rate_basis=Subsidy.RateBasis.ESTIMATE,
        adoption_rate_citation="掲載元の推定",
    )
    result = answer(subsidy, "採択率は？", now=NOW)
    assert result.label == "推定"
    assert result.sentences == [
        "採択率は60.0%（推定）です。",
        "公式に発表された数値ではありません。",
        "出典・根拠：掲載元の推定",
    ]


def test_lists_are_answered_item_by_item_from_the_listing():
    subsidy = make_subsidy()
    RequiredDocument.objects.create(subsidy=subsidy, name="事業計画書", detail="様式1", order=1)
    SubsidyExpense.objects.create(subsidy=subsidy, label="広告宣伝費", order=1)
    assert [i.text for i in answer(subsidy, "必要な書類は？", now=NOW).items] == ["事業計画書（様式1）"]
    assert [i.text for i in answer(subsidy, "何に使える？", now=NOW).items] == ["広告宣伝費"]


def test_the_contact_answer_gives_only_the_ways_the_listing_has():
    subsidy = make_subsidy(contact_name="事務局", contact_phone="03-1234-5678", official_url="")
    result = answer(subsidy, "問い合わせ先は？", now=NOW)
    assert result.sentences == ["問い合わせ先は事務局です。"]
    assert [(i.text, i.url) for i in result.items] == [("電話：03-1234-5678", "tel:03-1234-5678")]


def test_other_questions_are_answered_by_quoting_the_best_passage_with_its_heading():
    subsidy = make_subsidy(
        body="## 概要\n\n本文です。\n\n## オンライン研修\n\nオンライン研修も補助の対象です。"
    )
    result = answer(subsidy, "オンライン研修はできますか", now=NOW)
    assert (result.kind, result.anchor) == ("text", "article-2")
    assert result.quotes[0].passage.text == "オンライン研修も補助の対象です。"


def test_a_close_faq_wins_over_a_general_word_like_taisho():
    subsidy = make_subsidy()
    FAQ.objects.create(
        subsidy=subsidy, question="賃貸住宅も対象になりますか？", answer="専用住宅に限ります。"
    )
    assert answer(subsidy, "賃貸住宅でも使えますか", now=NOW).source == "faq"


def test_below_the_threshold_the_listing_cannot_answer():
    subsidy = make_subsidy(body="## 概要\n\n専門家の派遣費用を補助します。")
    result = answer(subsidy, "専門家の駐車場代は？", now=NOW)
    assert result.kind == "none" and not result.answered
    assert CANNOT_ANSWER == "このページには記載がありません"


def test_the_passage_index_is_rebuilt_when_the_listing_changes():
    subsidy = make_subsidy(body="## 概要\n\n本文です。")
    assert answer(subsidy, "浄化槽の点検", now=NOW).kind == "none"
    subsidy.body = "## 点検\n\n浄化槽の点検が必要です。"
    subsidy.save()
    assert answer(subsidy, "浄化槽の点検", now=NOW).kind == "text"
    assert passage_index(subsidy).passages[0].anchor == "article-1"


def test_an_expected_deadline_is_answered_as_its_month_without_days_left():
    subsidy = make_subsidy(deadline=jst(2027, 3, 5, 17, 0), deadline_expected=True)
    assert answer(subsidy, "締切はいつ？", now=NOW).sentences == [
        "申請締切は2027年3月頃（予定）です（見込みで、公式の発表はまだありません）。"
    ]


def test_a_stated_time_is_part_of_the_answer():
    subsidy = make_subsidy(deadline=jst(2026, 3, 31, 17, 0), deadline_has_time=True)
    assert answer(subsidy, "締切はいつ？", now=NOW).sentences == [
        "申請締切は2026年3月31日（火）17:00です（残り74日）。"
    ]
