"""Each synonym group: a question in one word finds a passage in another, through the group's term."""

import pytest

from assistant.passages import Passage
from assistant.ranking import GROUP_PREFIX, PassageIndex, word_terms
from assistant.synonyms import GROUPS

# (group, how a question puts it, how a page puts it)
PAIRS = [
    ("organiser", "実施機関はどこですか", "主催：中小企業庁"),
    ("organiser", "運営しているのは", "事業の主体は県です。"),
    ("country", "どこの国が対象ですか", "ASEAN諸国やインドの拠点が対象です。"),
    ("country", "対象国は？", "海外の拠点が対象です。"),
    ("deadline", "〆切は？", "申請の期限は3月31日です。"),
    ("deadline", "締め切りを知りたい", "期日までに提出してください。"),
    ("money", "お金かかる？", "費用はかかりません。"),
    ("apply", "応募できますか", "申請は電子申請で行います。"),
    ("buy", "パソコンを買うのに使える？", "パソコンの購入は対象外です。"),
    ("employee", "社員の研修は？", "従業員の研修費を補助します。"),
    ("relative", "社長の親戚は対象？", "役員の親族は対象外です。"),
    ("car", "車は対象？", "車両は原則として対象外です。"),
    ("used", "中古車は？", "中古品は対象外です。"),
    ("start_business", "起業したばかりです", "創業後5年未満が要件です。"),
    ("website", "ホームページを作りたい", "ウェブサイトの制作費が対象です。"),
    ("combine", "一緒に使える？", "国の補助金と併用できます。"),
    ("acquaintance", "知り合いを雇った場合は", "縁故採用は対象外です。"),
    ("quit", "途中で辞めたら？", "途中で退職した場合は返還です。"),
    ("home", "家の屋根に付けたい", "自宅の屋根への設置は対象外です。"),
    ("rebuild", "建て替えに使える？", "集会所の新築が対象です。"),
    ("tips", "採択のコツは？", "採択されるためのポイントを解説します。"),
    ("receive", "いつもらえる？", "補助金はいつ受け取れますか？"),
    ("contact", "どこに相談すればいい？", "問い合わせは事務局へ。"),
]


def test_every_group_is_covered_by_a_pair():
    assert {group for group, _, _ in PAIRS} == set(GROUPS)


@pytest.mark.parametrize(("group", "question", "passage"), PAIRS)
def test_a_question_finds_a_passage_worded_with_a_synonym(group, question, passage):
    term = GROUP_PREFIX + group
    assert term in word_terms(question)
    assert term in word_terms(passage)
    index = PassageIndex(
        [
            Passage(text=passage, heading="", anchor="article-1"),
            Passage(text="関係のない文です。", heading="", anchor="article-2"),
        ]
    )
    assert index.search(question, whole=question)[0].passage.anchor == "article-1"
