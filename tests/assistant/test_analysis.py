from assistant import analysis
from assistant.analysis import lemmas, words


def test_spelling_variants_and_conjugations_get_one_dictionary_form():
    assert "締め切り" in lemmas("〆切おしえてください")
    assert "問い合わせ" in lemmas("問合せ先")
    assert "申し込み" in lemmas("申込みの流れ")
    assert "必要" in lemmas("ひつような書類は")
    assert "貰う" in lemmas("いくらもらえる？")


def test_full_width_and_half_width_text_give_the_same_words():
    assert lemmas("ＤＸの補助") == lemmas("DXの補助")


def test_neighbouring_nouns_are_also_joined_into_one_word():
    assert "実施機関" in lemmas("実施機関を教えて")
    assert "中古車" in lemmas("中古車は対象？")


def test_the_longest_units_are_added_for_compound_verbs():
    assert "受け取る" in lemmas("いつ受け取れますか")


def test_place_names_in_japan_are_places_and_countries_are_not():
    assert [w.surface for w in words("名古屋の会社") if w.is_place] == ["名古屋"]
    assert [w.surface for w in words("日本語教育の支援") if w.is_place] == []


def test_a_counter_after_a_number_is_not_a_topic_word():
    assert [w.surface for w in words("1社単独で") if w.is_counter] == ["社"]


def test_the_dictionary_is_loaded_once_per_process():
    words("一回目の質問")
    first = analysis._dictionary
    words("二回目の質問")
    assert first is not None and analysis._dictionary is first
