import pytest
from django.core.management import call_command

from subsidies import search
from subsidies.models import FAQ, RequiredDocument, SearchEntry, Subsidy, SubsidyExpense
from tests.factories import make_organization, make_subsidy


def matching_ids(query):
    terms = search.split_terms(query)
    return set(Subsidy.objects.filter(search.keyword_q(terms)).values_list("pk", flat=True))


def test_normalisation_folds_width_and_case():
    assert search.normalize("ＤＸ") == "dx"
    assert search.normalize("ｿﾌﾄｳｪｱ") == "ソフトウェア"
    assert search.normalize("ＩＴ導入　補助金") == "it導入 補助金"
    assert search.normalize("Ａｂｃ\x00") == "abc"


def test_query_terms_are_split_on_any_width_of_space_and_deduplicated():
    assert search.split_terms("東京　設備 東京  ") == ["東京", "設備"]
    assert search.split_terms("　 ") == []


def test_grams_are_every_run_of_one_to_three_characters_without_whitespace():
    assert search.grams("ab c") == ["a", "ab", "b", "c"]
    assert search.grams("海外展開") == ["外", "外展", "外展開", "展", "展開", "海", "海外", "海外展", "開"]


def test_terms_of_up_to_three_characters_are_their_own_gram_longer_ones_their_trigrams():
    assert search.term_grams("海外展") == ["海外展"]
    assert search.term_grams("海外展開") == ["外展開", "海外展"]


def test_pg_array_literal_quotes_every_element():
    assert search.pg_array_literal(['a"b', "c\\d", "東京"]) == '{"a\\"b","c\\\\d","東京"}'


TEXTS = {
    "dx": {"title": "ＤＸ推進補助金", "summary": "中小企業のデジタル化", "body": "ソフトウェア導入を支援。"},
    "overseas": {
        "title": "海外展開支援",
        "summary": "海外展示会への出展",
        "body": "東京都内の事業者が対象。100%補助。",
    },
    "percent": {"title": "率の話", "summary": "補助率50%以内", "body": "a_b の表記と ab の表記"},
    "farm": {
        "title": "スマート農業導入",
        "summary": "農業の省力化",
        "body": "ドローンとIoTで効率化。東北地方。",
    },
    "plain": {"title": "創業支援金", "summary": "新しく事業を始める方へ", "body": "東京 京都"},
}
CHILDREN = {
    "dx": {
        "faq": ("Gビズは必要？", "GビズIDプライムが必要です。"),
        "expense": "クラウド利用費",
        "document": "見積書",
    },
    "plain": {"faq": ("対象は？", "個人事業主も対象。"), "expense": "広告宣伝費", "document": "開業届の写し"},
}
ORGANIZERS = {
    "dx": "経済産業省",
    "overseas": "日本貿易振興機構",
    "percent": "Ｘ県",
    "farm": "農林水産省",
    "plain": "ｿﾌﾄ市",
}
QUERIES = [
    "ＤＸ",
    "dx",
    "ｿﾌﾄｳｪｱ",
    "ソフト",
    "東",
    "東京",
    "京都",
    "東京都",
    "海外 展示",
    "海外　東京",
    "%",
    "50%",
    "_",
    "a_b",
    "ab",
    "補助",
    "gビズ",
    "プライム",
    "クラウド",
    "見積",
    "開業届",
    "個人事業主",
    "経済産業",
    "ｿﾌﾄ市",
    "ｿﾌﾄ",
    "省",
    "iot",
    "量子",
    "ドローン 東北",
    "ドローン 東京",
    "。",
    "率",
    "%以",
    "x県",
]


@pytest.fixture
def corpus(db):
    ids = {}
    for key, fields in TEXTS.items():
        subsidy = make_subsidy(organization=make_organization(name=ORGANIZERS[key]), **fields)
        extra = CHILDREN.get(key)
        if extra:
            FAQ.objects.create(subsidy=subsidy, question=extra["faq"][0], answer=extra["faq"][1])
            SubsidyExpense.objects.create(subsidy=subsidy, label=extra["expense"])
            RequiredDocument.objects.create(subsidy=subsidy, name=extra["document"])
        ids[key] = subsidy.pk
    return ids


def scan(corpus, query):
    """The expected answer: a plain Python scan of every listing's raw text, normalised."""
    found = set()
    for key, pk in corpus.items():
        raw = [*TEXTS[key].values(), ORGANIZERS[key]]
        if key in CHILDREN:
            child = CHILDREN[key]
            raw += [*child["faq"], child["expense"], child["document"]]
        text = search.normalize("\n".join(raw))
        if all(term in text for term in search.split_terms(query)):
            found.add(pk)
    return found


@pytest.mark.parametrize("query", QUERIES)
def test_search_returns_exactly_the_listings_whose_text_contains_every_term(corpus, query):
    assert matching_ids(query) == scan(corpus, query)


def test_wildcards_are_literal(corpus):
    assert matching_ids("%") == {corpus["overseas"], corpus["percent"]}
    assert matching_ids("a_b") == {corpus["percent"]}
    assert matching_ids("_") == {corpus["percent"]}


def test_the_index_follows_edits_of_a_listing_and_its_parts(db):
    subsidy = make_subsidy(title="古いタイトル")
    assert matching_ids("新タイトル") == set()
    subsidy.title = "新タイトル"
    subsidy.save()
    assert matching_ids("新タイトル") == {subsidy.pk}
    faq = FAQ.objects.create(subsidy=subsidy, question="締切は延長されますか", answer="されません")
    assert matching_ids("延長") == {subsidy.pk}
    faq.delete()
    assert matching_ids("延長") == set()
    organization = subsidy.organization
    organization.name = "改名後の財団"
    organization.save()
    assert matching_ids("改名後") == {subsidy.pk}


def test_rebuild_search_index_restores_a_lost_index(db):
    subsidy = make_subsidy(title="再構築テスト")
    SearchEntry.objects.all().delete()
    assert matching_ids("再構築") == set()
    call_command("rebuild_search_index", verbosity=0)
    assert matching_ids("再構築") == {subsidy.pk}


def test_deleting_a_listing_deletes_its_entry(db):
    subsidy = make_subsidy()
    subsidy.delete()
    assert not SearchEntry.objects.exists()


def test_on_postgresql_the_search_text_is_stored_with_lz4(db):
    """The ``LIKE`` recheck of a long keyword decompresses each candidate's text: LZ4 is ~3× faster than pglz
    (migration 0015). An entry written now is compressed with it when the server has LZ4."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        if "lz4" not in (cursor.fetchone()[0] or []):
            pytest.skip("this PostgreSQL server was built without LZ4")
    subsidy = make_subsidy(title="圧縮の確認", body="スマート農業の機械を導入する事業。" * 400)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(text) FROM subsidies_searchentry WHERE subsidy_id = %s",
            [subsidy.pk],
        )
        assert cursor.fetchone() == ("lz4",)
