from assistant.passages import Passage
from assistant.ranking import PassageIndex

PASSAGES = [
    Passage(text="オンラインでの研修も補助の対象です。", heading="研修", anchor="article-1"),
    Passage(text="専門家の派遣費用を補助します。", heading="派遣", anchor="article-2"),
    Passage(text="申請書類は窓口に提出します。", heading="申請", anchor="article-3"),
]


def test_the_passage_sharing_the_rarest_terms_ranks_first():
    hits = PassageIndex(PASSAGES).search("オンライン研修")
    assert hits[0].passage.anchor == "article-1"


def test_coverage_is_one_when_every_term_of_the_question_is_in_the_passage():
    hit = PassageIndex(PASSAGES).search("専門家の派遣")[0]
    assert hit.passage.anchor == "article-2"
    assert hit.coverage == 1.0


def test_terms_the_listing_never_uses_lower_the_coverage():
    hit = PassageIndex(PASSAGES).search("専門家の駐車場代")[0]
    assert hit.coverage < 0.5


def test_no_passage_is_returned_for_a_question_with_no_shared_term():
    assert PassageIndex(PASSAGES).search("天気予報") == []
    assert PassageIndex([]).search("研修") == []


def test_a_match_on_digits_alone_is_not_a_word_match():
    index = PassageIndex([Passage(text="定員は500人です。", heading="", anchor="article")])
    assert not index.search("00")[0].has_word


def test_a_passage_sharing_only_words_every_listing_uses_is_not_a_word_match():
    index = PassageIndex([Passage(text="自治会が申請できます。", heading="", anchor="article")])
    [hit] = index.search("雨の日でも申請できますか")
    assert not hit.has_word


def test_a_word_written_half_in_kana_is_found_when_the_listing_uses_it():
    index = PassageIndex(
        [
            Passage(text="宝くじの収益を財源にしています。", heading="", anchor="article-1"),
            Passage(text="市区町村に申請します。", heading="", anchor="article-2"),
        ]
    )
    hit = index.search("宝くじの財源")[0]
    assert hit.passage.anchor == "article-1" and hit.has_word
