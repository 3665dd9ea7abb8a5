"""The listing page: filters, sorts, disjunctive counts, suggestions, bad input, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies import clock
from subsidies.models import Industry, Purpose, Region, TargetType
from tests.factories import NOW, add_children, jst, make_subsidy

LIST = reverse("subsidies:list")


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def vocab(taxonomies, fixed_clock):
    return {
        "tokyo": Region.objects.get(slug="tokyo"),
        "osaka": Region.objects.get(slug="osaka"),
        "kanto": Region.objects.get(slug="kanto-koshinetsu"),
        "zenkoku": Region.objects.get(code="00"),
        "purposes": list(Purpose.objects.all()[:3]),
        "industries": list(Industry.objects.all()[:2]),
        "targets": list(TargetType.objects.all()[:2]),
    }


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.text)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_a_prefecture_also_finds_its_block_and_national_listings(client, vocab):
    make_subsidy(title="東京の補助金", regions=[vocab["tokyo"]])
    make_subsidy(title="関東の補助金", regions=[vocab["kanto"]])
    make_subsidy(title="全国の補助金", regions=[vocab["zenkoku"]])
    make_subsidy(title="大阪の補助金", regions=[vocab["osaka"]])
    assert sorted(titles(client, f"{LIST}?region=tokyo")) == ["全国の補助金", "東京の補助金", "関東の補助金"]
    assert sorted(titles(client, f"{LIST}?region=zenkoku")) == ["全国の補助金"]
    assert "大阪の補助金" not in titles(client, f"{LIST}?region=kanto-koshinetsu")


def test_region_counts_are_disjunctive_and_follow_the_national_rule(client, vocab):
    make_subsidy(title="東京の補助金", regions=[vocab["tokyo"]])
    make_subsidy(title="全国の補助金", regions=[vocab["zenkoku"]])
    make_subsidy(title="大阪の補助金", regions=[vocab["osaka"]])
    text = get(client, f"{LIST}?region=tokyo")
    assert "<strong>2件</strong>" in text
    assert re.search(r'value="osaka"[^>]*>\s*大阪府（2）', text)  # 大阪 + 全国, not 0
    assert re.search(r'value="tokyo" selected>\s*東京都（2）', text)


def test_purposes_are_repeatable_and_mean_any_of_them(client, vocab):
    a, b, c = vocab["purposes"]
    make_subsidy(title="目的A", purposes=[a])
    make_subsidy(title="目的B", purposes=[b])
    make_subsidy(title="目的C", purposes=[c])
    assert sorted(titles(client, f"{LIST}?purpose={a.slug}&purpose={b.slug}")) == ["目的A", "目的B"]
    text = get(client, f"{LIST}?purpose={a.slug}")
    # The purpose facet ignores its own selection: C still shows 1.
    assert re.search(rf'value="{c.slug}"\s*> {c.name} <span class="facet__count">\(1\)', text)


def test_industry_matches_listings_for_it_and_listings_open_to_every_industry(client, vocab):
    one, other = vocab["industries"]
    make_subsidy(title="業種指定あり", industries=[one])
    make_subsidy(title="業種を問わない")
    make_subsidy(title="別の業種", industries=[other])
    assert sorted(titles(client, f"{LIST}?industry={one.slug}")) == ["業種を問わない", "業種指定あり"]


def test_target_filter(client, vocab):
    one, other = vocab["targets"]
    make_subsidy(title="対象あり", target_types=[one])
    make_subsidy(title="対象なし", target_types=[other])
    assert titles(client, f"{LIST}?target={one.slug}") == ["対象あり"]


def test_status_defaults_to_everything_but_closed_and_says_what_closed_would_add(client, vocab):
    make_subsidy(title="募集中", deadline=jst(2026, 3, 31))
    make_subsidy(title="募集予定", accepts_from=jst(2026, 2, 1, 9, 0), deadline=jst(2026, 4, 30))
    make_subsidy(title="期間不明", deadline=None)
    make_subsidy(title="募集終了", deadline=jst(2025, 12, 1))
    text = get(client, LIST)
    assert "募集中・募集予定・受付期間未定の補助金を表示しています（募集終了を除く）" in text
    assert "募集終了も含めると4件" in text
    assert titles(client, LIST) == ["募集中", "募集予定", "期間不明"]  # an unknown period is never open
    assert 'badge--unknown">受付期間未定' in text
    assert titles(client, f"{LIST}?status=closed") == ["募集終了"]
    assert titles(client, f"{LIST}?status=unknown") == ["期間不明"]
    assert "表示しています" not in get(client, f"{LIST}?status=closed")


def test_a_search_that_finds_only_closed_listings_offers_them_first(client, vocab):
    make_subsidy(title="持続化補助金 第18回", deadline=jst(2025, 12, 1))
    make_subsidy(title="別の補助金", deadline=jst(2026, 12, 1))
    text = get(client, f"{LIST}?q=持続化")
    assert "<strong>0件</strong>" in text
    suggestions = re.findall(r'<ul class="relaxations">(.*?)</ul>', text, re.S)[0]
    assert re.findall(r">([^<>]+件)</a>", suggestions) == [
        "募集終了も含めると1件",
        "キーワードの条件を外すと1件",
    ]
    assert titles(client, LIST + re.findall(r'href="([^"]+)"', suggestions)[0].replace("&amp;", "&")) == [
        "持続化補助金 第18回"
    ]


def test_keyword_search_matches_region_purpose_and_industry_names(client, vocab):
    equipment = next(p for p in Purpose.objects.all() if "設備" in p.name)
    make_subsidy(title="機械導入の支援", regions=[vocab["tokyo"]], purposes=[equipment], body="本文")
    make_subsidy(title="機械導入の支援（大阪）", regions=[vocab["osaka"]], purposes=[equipment], body="本文")
    assert titles(client, f"{LIST}?q=東京 設備") == ["機械導入の支援"]
    subsidy = make_subsidy(title="名前の変わる補助金", body="本文")
    subsidy.regions.set([vocab["osaka"]])  # a change of links alone reindexes the listing
    assert titles(client, f"{LIST}?q=大阪") == ["機械導入の支援（大阪）", "名前の変わる補助金"]


def test_roundups_are_kept_out_of_the_listing_counts_and_facets(client, vocab):
    make_subsidy(title="補助金", deadline=jst(2026, 3, 31))
    make_subsidy(title="制度まとめ", kind="roundup", deadline=jst(2026, 3, 31))
    text = get(client, f"{LIST}?status=open&status=upcoming&status=unknown&status=closed")
    assert titles(client, LIST) == ["補助金"]
    assert "<strong>1件</strong>" in text


def test_expected_deadlines_rank_after_announced_ones_and_read_as_expected(client, vocab):
    make_subsidy(title="予定の締切", deadline=jst(2026, 2, 1), deadline_expected=True)
    make_subsidy(title="発表済みの締切", deadline=jst(2026, 3, 31))
    assert titles(client, f"{LIST}?sort=deadline") == ["発表済みの締切", "予定の締切"]
    text = get(client, LIST)
    assert "2026年2月頃（予定）" in text
    assert titles(client, f"{LIST}?deadline_within=30") == []  # an expected date is never "closing soon"


def test_amount_bands(client, vocab):
    make_subsidy(title="百万", max_amount=1_000_000)
    make_subsidy(title="三百万", max_amount=3_000_000)
    make_subsidy(title="五千万", max_amount=50_000_000)
    make_subsidy(title="記載なし", max_amount=None)
    assert titles(client, f"{LIST}?amount=under-1m") == ["百万"]
    assert titles(client, f"{LIST}?amount=1m-5m") == ["三百万"]
    assert titles(client, f"{LIST}?amount=over-30m") == ["五千万"]


def test_deadline_within_counts_calendar_days_in_jst(client, vocab):
    make_subsidy(title="7日後", deadline=jst(2026, 1, 23))
    make_subsidy(title="8日後", deadline=jst(2026, 1, 24))
    make_subsidy(title="随時", deadline=None, rolling=True)
    assert titles(client, f"{LIST}?deadline_within=7") == ["7日後"]
    assert titles(client, f"{LIST}?deadline_within=30") == ["7日後", "8日後"]


def test_difficulty_filter(client, vocab):
    make_subsidy(title="易しい", difficulty="easy")
    make_subsidy(title="難しい", difficulty="hard")
    assert titles(client, f"{LIST}?difficulty=easy") == ["易しい"]


def test_sorts(client, vocab):
    make_subsidy(
        title="早い締切", deadline=jst(2026, 2, 1), max_amount=1, view_count=5, published_at=jst(2026, 1, 1)
    )
    make_subsidy(
        title="遅い締切", deadline=jst(2026, 6, 1), max_amount=9, view_count=1, published_at=jst(2026, 1, 9)
    )
    make_subsidy(
        title="予定",
        accepts_from=jst(2026, 1, 20),
        deadline=jst(2026, 1, 25),
        max_amount=5,
        view_count=9,
        published_at=jst(2026, 1, 5),
    )
    assert titles(client, LIST) == ["早い締切", "遅い締切", "予定"]
    assert titles(client, f"{LIST}?sort=new") == ["遅い締切", "予定", "早い締切"]
    assert titles(client, f"{LIST}?sort=amount") == ["遅い締切", "予定", "早い締切"]
    assert titles(client, f"{LIST}?sort=popular") == ["予定", "早い締切", "遅い締切"]


def test_relevance_is_the_default_with_a_keyword_and_title_hits_come_first(client, vocab):
    make_subsidy(title="本文だけ", body="設備の更新に使えます。", deadline=jst(2026, 2, 1))
    make_subsidy(title="設備投資の補助金", deadline=jst(2026, 6, 1))
    assert titles(client, f"{LIST}?q=設備") == ["設備投資の補助金", "本文だけ"]
    assert titles(client, f"{LIST}?q=設備&sort=deadline") == ["本文だけ", "設備投資の補助金"]


def test_keyword_search_on_the_page_is_normalised(client, vocab):
    make_subsidy(title="DX推進補助金")
    make_subsidy(title="ソフトウェア導入")
    assert titles(client, f"{LIST}?q=ＤＸ") == ["DX推進補助金"]
    assert titles(client, f"{LIST}?q=ｿﾌﾄｳｪｱ") == ["ソフトウェア導入"]


def test_nothing_found_suggests_filters_to_remove_with_their_counts(client, vocab):
    make_subsidy(title="設備の補助金", deadline=jst(2026, 3, 31))
    make_subsidy(title="設備の補助金2", deadline=jst(2026, 3, 31), difficulty="hard")
    text = get(client, f"{LIST}?q=設備&deadline_within=7&difficulty=hard")
    assert "<strong>0件</strong>" in text
    assert "締切の条件を外すと1件" in text
    assert "難易度の条件を外すと" not in text  # still 0 without it
    text = get(client, f"{LIST}?q=量子&difficulty=hard")
    assert "キーワードの条件を外すと1件" in text


def test_pagination_keeps_the_filters(client, vocab):
    for i in range(21):
        make_subsidy(title=f"東京{i}", regions=[vocab["tokyo"]])
    text = get(client, f"{LIST}?region=tokyo")
    assert "<strong>21件</strong>" in text
    assert "?region=tokyo&amp;page=2" in text
    assert len(titles(client, f"{LIST}?region=tokyo&page=2")) == 1


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("region=atlantis", "地域の指定「atlantis」は使えないため無視しました"),
        ("status=foo", "募集状況の指定「foo」は使えないため無視しました"),
        ("amount=xyz", "支給額の指定「xyz」は使えないため無視しました"),
        ("sort=drop+table", "並び順の指定「drop table」は使えないため無視しました"),
        ("deadline_within=5", "締切の指定「5」は使えないため無視しました"),
        ("purpose=nope&purpose=", "利用目的の指定「nope」は使えないため無視しました"),
        ("page=abc", "ページの指定が正しくないため、1ページ目を表示しています"),
        ("q=" + "補" * 300, "キーワードが長すぎるため、先頭の100文字で検索しました"),
    ],
)
def test_bad_parameters_are_ignored_with_a_note(client, vocab, query, note):
    make_subsidy(title="残る補助金", summary="補" * 100)
    text = get(client, f"{LIST}?{query}")
    assert note in text
    assert "残る補助金" in text


@pytest.mark.parametrize("query", ["region=%00tokyo", "q=%00%00", "q=%00残る"])
def test_a_nul_in_a_parameter_gets_a_clear_400_page_with_a_way_back(client, vocab, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert "使えない文字が含まれています" in response.text
    assert f'href="{LIST}"' in response.text


def test_an_out_of_range_page_is_a_404_with_a_way_back(client, vocab):
    make_subsidy()
    response = client.get(f"{LIST}?page=9999")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text
    assert f'href="{LIST}"' in response.text


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Catalog token 1 + page 1 + regions prefetch 1. The vocabulary is the listing index's and facet counts cost no
# query (listing_index.py).
LISTING_QUERIES = 3
# After any change to the catalog, the first request rebuilds the index: listings 1 + 4 link tables + expenses
# + eligibility conditions 1 (2 on PostgreSQL: the numbers as bytea columns, the code lists grouped) + the
# vocabulary 5 (regions, purposes, industries, target types, expense categories).
REBUILD = 12 + (connection.vendor == "postgresql")
# A keyword query not yet in the index's cache: 1, and on PostgreSQL one SET LOCAL (search.planner_settings).
KEYWORD = 1 + (connection.vendor == "postgresql")


def test_the_listing_runs_the_same_number_of_queries_whatever_the_filters_and_rows(client, vocab):
    a, b, _ = vocab["purposes"]
    make_subsidy(title="設備の補助金", regions=[vocab["tokyo"]], purposes=[a])
    assert count_queries(client, LIST) == LISTING_QUERIES + REBUILD
    assert count_queries(client, LIST) == LISTING_QUERIES
    many = f"{LIST}?q=設備 補助&region=tokyo&purpose={a.slug}&purpose={b.slug}&status=open&amount=under-1m&deadline_within=90&difficulty=&sort=amount"
    assert count_queries(client, many) == LISTING_QUERIES + KEYWORD
    assert count_queries(client, many) == LISTING_QUERIES
    for _ in range(25):
        add_children(make_subsidy(title="設備の補助金", regions=[vocab["tokyo"]], purposes=[a]), 3)
    assert count_queries(client, LIST) == LISTING_QUERIES + REBUILD
    assert count_queries(client, many) == LISTING_QUERIES + KEYWORD
    assert count_queries(client, many) == LISTING_QUERIES
    assert count_queries(client, f"{LIST}?page=2") == LISTING_QUERIES


def test_an_empty_result_skips_the_page_queries(client, vocab):
    make_subsidy()
    assert count_queries(client, LIST) == LISTING_QUERIES + REBUILD
    assert count_queries(client, f"{LIST}?status=closed") == LISTING_QUERIES - 2
    assert count_queries(client, f"{LIST}?q=量子") == LISTING_QUERIES - 2 + KEYWORD


def test_landing_pages_are_prefiltered_with_their_own_title(client, vocab):
    purpose = vocab["purposes"][0]
    make_subsidy(title="東京の補助金", regions=[vocab["tokyo"]], purposes=[purpose])
    make_subsidy(title="大阪の補助金", regions=[vocab["osaka"]])
    response = client.get(reverse("subsidies:region", kwargs={"slug": "tokyo"}))
    assert "<title>東京都の補助金・助成金一覧" in response.text
    assert 'name="description" content="東京都で使える補助金' in response.text
    assert titles(client, reverse("subsidies:region", kwargs={"slug": "tokyo"})) == ["東京の補助金"]
    assert titles(client, reverse("subsidies:purpose", kwargs={"slug": purpose.slug})) == ["東京の補助金"]
    assert client.get(reverse("subsidies:region", kwargs={"slug": "atlantis"})).status_code == 404
    # 1 for the landing's row, and the landing's own facet is not counted.
    assert count_queries(client, reverse("subsidies:region", kwargs={"slug": "tokyo"})) == LISTING_QUERIES + 1


def test_the_listing_links_to_the_feed_of_the_current_search(client, vocab):
    text = get(client, f"{LIST}?q=設備&region=tokyo")
    assert f"{reverse('subsidies:feed')}?q=%E8%A8%AD%E5%82%99&amp;region=tokyo" in text


def test_home_has_search_closing_soon_new_and_every_region_and_purpose(client, vocab):
    make_subsidy(title="締切間近", deadline=jst(2026, 1, 20))
    text = get(client, reverse("subsidies:home"))
    assert 'role="search"' in text
    assert "締切が近い補助金" in text and "新着の補助金" in text and "締切間近" in text
    for region in Region.objects.exclude(code="00"):
        assert f'href="{region.get_absolute_url()}"' in text
    for purpose in Purpose.objects.all():
        assert f'href="{purpose.get_absolute_url()}"' in text
    # Catalog token 1, cards 2 (listings, regions), まとめ記事 1 (the index, with the regions and purposes, was
    # built by the first visit).
    assert count_queries(client, reverse("subsidies:home")) == 4
    make_subsidy(title="新着")
    assert count_queries(client, reverse("subsidies:home")) == 4 + REBUILD


def test_home_sections_show_different_listings_and_say_why_and_leave_out_expected_dates(client, vocab):
    make_subsidy(title="締切間近", deadline=jst(2026, 1, 20), published_at=jst(2026, 1, 10, 9, 0))
    make_subsidy(title="予定の締切", deadline=jst(2026, 1, 18), deadline_expected=True)
    make_subsidy(title="随時の新着", rolling=True, deadline=None, published_at=jst(2026, 1, 12, 9, 0))
    make_subsidy(title="まとめ", kind="roundup", deadline=jst(2026, 1, 19))
    text = get(client, reverse("subsidies:home"))
    closing, newest = (
        re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', part)
        for part in text.split('id="newest"')[0:2]
    )
    assert closing == ["締切間近"]  # not the expected date, not the roundup
    assert "締切間近" not in newest and "随時の新着" in newest and "予定の締切" in newest
    assert "公表された締切が近い順" in text and "新しく掲載された順" in text
    assert (
        'href="/subsidies/' in text.split('id="roundups"')[1] and "まとめ" in text.split('id="roundups"')[1]
    )


@pytest.mark.django_db
def test_header_search_box_shows_the_cleaned_keyword_only_on_listing_pages(client):
    response = client.get("/subsidies/", {"q": "補" * 150})
    assert f'id="site-search-q" type="search" name="q" value="{"補" * 100}"' in response.text
    other = client.get("/no-such-page/", {"q": "<b>x</b>"})
    assert 'id="site-search-q" type="search" name="q" value=""' in other.text


def test_the_heading_says_what_was_searched_and_each_filter_is_a_removable_chip(client, vocab):
    equipment = next(p for p in Purpose.objects.all() if "設備" in p.name)
    make_subsidy(title="東京の設備補助金", regions=[vocab["tokyo"]], purposes=[equipment])
    text = get(client, f"{LIST}?region=tokyo&purpose={equipment.slug}&amount=under-1m")
    heading = re.search(r"<h1>(.*?)</h1>", text, re.S)[1]
    assert re.sub(r"<[^>]+>", "", heading) == f"東京都・{equipment.name} の補助金・助成金 1件"
    chips = dict(re.findall(r'<li><a href="\?([^"]*)" aria-label="([^"]+) を外す">', text))
    assert set(chips.values()) == {"地域: 東京都", f"利用目的: {equipment.name}", "支給額: 〜100万円"}
    without_region = next(q for q, label in chips.items() if label == "地域: 東京都")
    assert "region" not in without_region and "amount=under-1m" in without_region
    assert '<a class="active-filters__reset" href="?">条件をクリア</a>' in text
    assert "条件をクリア" not in get(client, LIST)  # nothing chosen, nothing to clear


def test_with_a_prefecture_chosen_its_own_listings_come_first_then_its_blocks_then_national(client, vocab):
    # Deadlines chosen so that 締切が近い順 alone would put 全国 first and 東京 last.
    make_subsidy(title="全国の補助金", regions=[vocab["zenkoku"]], deadline=jst(2026, 2, 1))
    make_subsidy(title="関東の補助金", regions=[vocab["kanto"]], deadline=jst(2026, 2, 10))
    make_subsidy(title="東京の補助金B", regions=[vocab["tokyo"]], deadline=jst(2026, 3, 20))
    make_subsidy(title="東京の補助金A", regions=[vocab["tokyo"]], deadline=jst(2026, 3, 1))
    assert titles(client, f"{LIST}?region=tokyo") == [
        "東京の補助金A",
        "東京の補助金B",
        "関東の補助金",
        "全国の補助金",
    ]
    # Each group keeps the chosen sort; the groups stay in place for every sort.
    assert titles(client, f"{LIST}?region=tokyo&sort=new")[:2] == ["東京の補助金A", "東京の補助金B"]
    # A block: its own and its prefectures' listings, then 全国.
    assert titles(client, f"{LIST}?region=kanto-koshinetsu")[-1] == "全国の補助金"
    # The same on the region's landing page; no grouping without a region.
    landing = reverse("subsidies:region", kwargs={"slug": "tokyo"})
    assert titles(client, landing)[0] == "東京の補助金A"
    assert titles(client, LIST)[0] == "全国の補助金"
    text = get(client, f"{LIST}?region=tokyo")
    assert "東京都の制度を先に、関東・甲信越地方・全国向けの制度をその後に表示しています。" in text
    assert "制度を先に" not in get(client, LIST)


def test_全国向けを除く_keeps_the_regions_own_and_its_blocks_listings(client, vocab):
    make_subsidy(title="全国の補助金", regions=[vocab["zenkoku"]])
    make_subsidy(title="関東の補助金", regions=[vocab["kanto"]])
    make_subsidy(title="東京の補助金", regions=[vocab["tokyo"]])
    text = get(client, f"{LIST}?region=tokyo")
    assert re.search(
        r'<input type="checkbox" name="national" value="exclude"> 全国向けを除く <span class="facet__count">\(2\)</span>',
        text,
    )
    assert titles(client, f"{LIST}?region=tokyo&national=exclude") == ["東京の補助金", "関東の補助金"]
    text = get(client, f"{LIST}?region=tokyo&national=exclude")
    assert "地域の範囲: 全国向けを除く を外す" in text
    assert "東京都の制度を先に、関東・甲信越地方向けの制度をその後に表示しています。" in text
    assert "全国の補助金" not in titles(client, f"{LIST}?national=exclude")
    assert "使えないため無視しました" in get(
        client, f"{LIST}?national=yes"
    )  # an unknown value: a note, no 500


def test_the_mail_subscription_is_folded_so_the_results_come_first(client, vocab):
    make_subsidy(title="東京の補助金", regions=[vocab["tokyo"]])
    text = get(client, f"{LIST}?region=tokyo")
    assert '<details class="alert-subscribe section">' in text
    assert text.index('<details class="alert-subscribe') < text.index('class="card__title"')
    assert '<details class="listing__filters">' in text  # the filters too, opened on a wide screen by CSS
