from assistant.text import has_words, normalize, terms


def test_normalising_folds_width_and_case_like_the_search():
    assert normalize("ＤＸ化　２０２６") == "dx化 2026"


def test_terms_are_bigrams_and_single_kanji_without_particles():
    assert terms("補助率は？") == ["補助", "助率", "補", "助", "率"]


def test_bigrams_with_hiragana_are_left_out():
    assert "てい" not in terms("締切はいつですか")
    assert terms("いつですか") == []


def test_a_katakana_word_glued_to_a_kanji_does_not_make_a_term():
    assert terms("バス代") == ["バス", "代"]


def test_full_width_letters_give_the_same_terms_as_half_width():
    assert terms("ＧＸ支援") == terms("gx支援")


def test_a_question_of_only_punctuation_has_no_words():
    assert not has_words("？！…・「」")
    assert has_words("締切？")


def test_soft_terms_are_a_kanji_followed_by_hiragana():
    from assistant.text import soft_terms

    assert soft_terms("宝くじの助成") == ["宝く"]
