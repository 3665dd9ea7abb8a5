import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies import listing_index
from subsidies.models import Subsidy, SubsidyExpense
from tests.factories import NOW, add_children, jst, make_expense_category, make_purpose, make_subsidy

pytestmark = pytest.mark.django_db

COMPARE = reverse("comparisons:compare")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("subsidies.clock.now", lambda: NOW)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def column_titles(response):
    return re.findall(r'data-compare-column="\d+" data-compare-title="([^"]*)"', response.text)


def table_row(response, label):
    """(the <tr>'s attributes, its row header's HTML, its cells' HTML) for the row labelled ``label``."""
    match = re.search(
        rf'<tr([^>]*)>\s*<th scope="row">({re.escape(label)}(?:<span class="compare-differs">.*?</span>)?)</th>(.*?)</tr>',
        response.text,
        re.S,
    )
    assert match, f"no row {label}"
    return match.groups()


def tray(response):
    match = re.search(r'<aside class="compare-tray"[^>]*>(.*?)</aside>', response.text, re.S)
    return match.group(1) if match else None


def test_compare_shows_the_picked_listings_side_by_side_in_the_order_given(client):
    a = make_subsidy(title="甲の補助金", max_amount=10_000_000, subsidy_rate="1/2以内")
    b = make_subsidy(title="乙の補助金", max_amount=1_708_000, rolling=True, deadline=None)
    response, _ = get(client, f"{COMPARE}?ids={b.pk},{a.pk}")
    assert column_titles(response) == ["乙の補助金", "甲の補助金"]
    for text in (
        "補助金額",
        "最大170.8万円",
        "最大1,000万円",
        "1/2以内",
        "随時",
        "2026年3月31日（火）",
        "残り74日",
    ):
        assert text in response.text
    assert "指定の一部を無視しました" not in response.text


def test_adoption_rate_is_always_labelled(client):
    official = make_subsidy(
        adoption_rate=42, adoption_rate_basis="official", adoption_rate_citation="事務局発表"
    )
    estimate = make_subsidy(
        adoption_rate=60, adoption_rate_basis="estimate", adoption_rate_citation="過去の傾向"
    )
    unknown = make_subsidy()
    response, _ = get(client, f"{COMPARE}?ids={official.pk},{estimate.pk},{unknown.pk}")
    assert "公式 42.0%" in response.text
    assert "推定 60.0%" in response.text
    assert "記載なし" in response.text


def test_expense_matrix_marks_each_category_with_a_text_alternative(client):
    travel, venue = make_expense_category(name="旅費"), make_expense_category(name="会場費")
    a, b = make_subsidy(), make_subsidy()
    SubsidyExpense.objects.create(subsidy=a, label="渡航費", category=travel)
    SubsidyExpense.objects.create(subsidy=a, label="会場借上げ", category=venue)
    SubsidyExpense.objects.create(subsidy=b, label="旅費", category=travel)
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk}")
    _, _, venue_row = table_row(response, "会場費")
    assert venue_row.count("✓") == 1 and venue_row.count("—") == 1
    assert "対象</span>" in venue_row and "記載なし</span>" in venue_row


def test_each_column_has_a_link_that_removes_it(client):
    a, b, c = make_subsidy(), make_subsidy(), make_subsidy()
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk},{c.pk}")
    assert f'href="{COMPARE}?ids={a.pk},{c.pk}"' in response.text
    assert f'href="{COMPARE}?ids={b.pk},{c.pk}"' in response.text


def test_differences_only_hides_rows_that_are_equal_everywhere(client):
    a = make_subsidy(max_amount=1_000_000, subsidy_rate="1/2以内")
    b = make_subsidy(max_amount=2_000_000, subsidy_rate="1/2以内")
    url = f"{COMPARE}?ids={a.pk},{b.pk}"
    response, _ = get(client, url)
    assert f'href="{url}&amp;diff=1"' in response.text
    assert " hidden>" not in response.text.split("<table")[1]
    response, _ = get(client, url + "&diff=1")
    rate_row, _, _ = table_row(response, "補助率")
    amount_row, _, _ = table_row(response, "補助金額")
    assert "hidden" in rate_row
    assert "hidden" not in amount_row
    assert "すべての項目を表示" in response.text


def test_rows_that_differ_say_so_in_text_and_equal_rows_do_not(client):
    travel, venue = make_expense_category(name="旅費"), make_expense_category(name="会場費")
    a = make_subsidy(max_amount=1_000_000, subsidy_rate="1/2以内")
    b = make_subsidy(max_amount=2_000_000, subsidy_rate="1/2以内")
    for subsidy in (a, b):
        SubsidyExpense.objects.create(subsidy=subsidy, label="旅費", category=travel)
    SubsidyExpense.objects.create(subsidy=a, label="会場借上げ", category=venue)
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk}")
    differing = {"補助金額", "会場費", "主催機関"}
    for label in differing:
        attributes, header, _ = table_row(response, label)
        assert 'class="compare-row--differs"' in attributes
        # The marker is text (read with the row's name), not colour alone.
        assert header.endswith(
            '<span class="compare-differs"><span class="visually-hidden">（</span>違いあり'
            '<span class="visually-hidden">）</span></span>'
        )
    for label in ("補助率", "申請締切", "募集状況", "対象地域", "旅費"):
        attributes, header, _ = table_row(response, label)
        assert "compare-row--differs" not in attributes and "data-same" in attributes
        assert "違いあり" not in header
    assert response.text.count("違いあり") == len(differing)


def test_the_table_scrolls_in_a_named_focusable_region_with_a_hint(client):
    a, b, c = make_subsidy(), make_subsidy(), make_subsidy()
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk},{c.pk}")
    assert (
        '<div class="compare-scroll" role="region" aria-labelledby="compare-caption" tabindex="0">'
        in response.text
    )
    assert '<caption id="compare-caption"><span>選んだ補助金の比較</span></caption>' in response.text
    # Shown by compare.css when the columns are wider than the frame; the frame's class gives their number.
    assert '<div class="compare-frame compare-frame--cols-3">' in response.text
    assert "横にスクロールして比較できます" in response.text


def test_the_compare_page_shows_the_tray_with_its_listings_and_links_that_remove_them(client):
    a, b = make_subsidy(title="甲の補助金"), make_subsidy(title="乙の補助金")
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk}")
    markup = tray(response)
    assert markup is not None
    assert '<h2 id="compare-tray-heading">比較リスト（2/4件）</h2>' in markup
    assert re.findall(r"<li><span[^>]*>([^<]*)</span>", markup) == ["甲の補助金", "乙の補助金"]
    assert f'href="{COMPARE}?ids={b.pk}" aria-label="比較リストから外す: 甲の補助金">外す</a>' in markup
    assert f'href="{COMPARE}?ids={a.pk}" aria-label="比較リストから外す: 乙の補助金">外す</a>' in markup
    assert f'href="{COMPARE}" data-tray-clear>すべて外す</a>' in markup
    # Destructive actions are outlined (secondary) buttons; there is no 「比較する」: this page is the comparison.
    assert markup.count('class="button button--secondary compare-tray__') == 3
    assert "比較する" not in markup


def test_the_compare_page_without_listings_has_no_tray_of_its_own(client):
    response, _ = get(client, COMPARE)
    assert tray(response) is None


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("abc", "「abc」は補助金の番号ではない"),
        ("-1", "「-1」は補助金の番号ではない"),
        ("１２", "「１２」は補助金の番号ではない"),
        ("99999999999999999999999", "は補助金の番号ではない"),
        ("999999", "999999 の補助金は見つからないか公開されていない"),
    ],
)
def test_bad_ids_alone_give_the_empty_state_and_say_what_was_ignored(client, ids, message):
    response, queries = get(client, f"{COMPARE}?ids={ids}")
    assert message in response.text
    assert "比較する補助金がまだ選ばれていません" in response.text
    assert f'href="{reverse("subsidies:list")}"' in response.text


def test_unpublished_duplicate_and_non_numeric_ids_are_ignored_and_named(client):
    shown = make_subsidy(title="公開中")
    draft = make_subsidy(title="下書き", state=Subsidy.State.DRAFT, published_at=None)
    response, _ = get(client, f"{COMPARE}?ids={shown.pk},{shown.pk},x1,{draft.pk},,")
    assert column_titles(response) == ["公開中"]
    assert f"{shown.pk} が重複していたため" in response.text
    assert "「x1」は補助金の番号ではない" in response.text
    assert f"{draft.pk} の補助金は見つからないか公開されていない" in response.text
    assert "下書き" not in response.text


def test_more_than_four_ids_keep_the_first_four_and_say_so(client):
    listings = [make_subsidy(title=f"候補{n}") for n in range(6)]
    ids = ",".join(str(s.pk) for s in listings)
    response, _ = get(client, f"{COMPARE}?ids={ids}")
    assert column_titles(response) == ["候補0", "候補1", "候補2", "候補3"]
    assert (
        f"比較できるのは4件までです。{listings[4].pk}、{listings[5].pk} は表示していません。" in response.text
    )


def test_a_flood_of_tokens_is_cut_short_without_an_error(client):
    response, queries = get(client, f"{COMPARE}?ids=" + ",".join(["x"] * 5000))
    assert "21個目以降は読みませんでした" in response.text
    assert queries == 0


def test_no_ids_give_a_helpful_empty_state_without_queries(client):
    response, queries = get(client, COMPARE)
    assert "比較する補助金がまだ選ばれていません" in response.text
    assert "「比較に追加」" in response.text
    assert "指定の一部を無視しました" not in response.text
    assert queries == 0


def test_add_appends_a_listing_to_the_ids(client):
    a, b = make_subsidy(title="甲"), make_subsidy(title="乙")
    response, _ = get(client, f"{COMPARE}?ids={a.pk}&add={b.pk}")
    assert column_titles(response) == ["甲", "乙"]
    assert f"?ids={a.pk},{b.pk}" in response.text


def test_compare_query_count_is_constant(client):
    few = [make_subsidy() for _ in range(2)]
    listing_index.current()  # built by whichever page asks first after a change
    _, small = get(client, f"{COMPARE}?ids={few[0].pk},{few[1].pk}")
    many = [make_subsidy() for _ in range(4)]
    for subsidy in many:
        add_children(subsidy, 8)
    listing_index.current()
    _, large = get(client, f"{COMPARE}?ids=" + ",".join(str(s.pk) for s in many))
    # The listings with their organization, and the content version (their regions and expense categories come
    # from the listing index of that version).
    assert small == large == 2


def test_compare_button_links_to_the_comparison_and_carries_a_pick_without_javascript(client):
    a = make_subsidy(title="甲", deadline=jst(2099, 3, 31))
    response = client.get(reverse("subsidies:list"))
    assert f'href="{COMPARE}?add={a.pk}"' in response.text
    response = client.get(reverse("subsidies:list") + "?compare=5,6,abc")
    assert f'href="{COMPARE}?ids=5,6&amp;add={a.pk}"' in response.text


def test_compare_page_links_to_the_listing_carrying_its_pick(client):
    a, b = make_subsidy(), make_subsidy()
    response, _ = get(client, f"{COMPARE}?ids={a.pk},{b.pk}")
    assert f'href="{reverse("subsidies:list")}?compare={a.pk},{b.pk}"' in response.text


def test_detail_page_shows_the_similar_table_with_reasons(client):
    purpose = make_purpose(name="人材育成を行いたい")
    listing = make_subsidy(title="基準の補助金", purposes=[purpose])
    make_subsidy(title="似た補助金", purposes=[purpose])
    make_subsidy(title="無関係な補助金", purposes=[make_purpose()])
    response, _ = get(client, listing.get_absolute_url())
    assert "類似補助金との比較" in response.text
    assert column_titles(response) == ["基準の補助金", "似た補助金"]
    assert "同じ目的: 人材育成を行いたい" in response.text
    assert "無関係な補助金" not in response.text
    assert f'href="{COMPARE}?add={listing.pk}"' in response.text


def test_detail_page_says_so_when_nothing_is_similar(client):
    listing = make_subsidy(purposes=[make_purpose()])
    response, _ = get(client, listing.get_absolute_url())
    assert "目的や対象経費が共通する、公開中の補助金はまだありません" in response.text


def test_detail_page_with_the_similar_table_has_a_constant_query_count(client):
    purpose = make_purpose()
    category = make_expense_category()
    listing = make_subsidy(purposes=[purpose])
    SubsidyExpense.objects.create(subsidy=listing, label="経費", category=category)
    make_subsidy(purposes=[purpose])
    listing_index.current()  # built by whichever page asks first after a change
    _, small = get(client, listing.get_absolute_url())
    for _ in range(8):
        other = make_subsidy(purposes=[purpose])
        add_children(other, 5)
        SubsidyExpense.objects.create(subsidy=other, label="経費", category=category)
    add_children(listing, 5)
    listing_index.current()
    _, large = get(client, listing.get_absolute_url())
    # The detail page rebuilt after the edits: the page's row, the listing, its 5 kinds of related rows
    # (expenses, documents, steps, FAQs, rounds), the checklist's requirements and shared items, and the
    # similar rows. Every listing's regions, purposes, target types and expense categories, and the ranking,
    # come from the listing index.
    assert small == large == 10


# The similar table is cached; edits of the listings in it and their status changes show at once.


def similar_section(client, listing):
    return client.get(listing.get_absolute_url()).text.split('class="similar"')[1].split("</section>")[0]


def test_the_similar_table_shows_another_listings_edit_at_once(client):
    purpose, category = make_purpose(), make_expense_category(name="旧い経費区分")
    listing = make_subsidy(purposes=[purpose])
    other = make_subsidy(title="旧いタイトル", purposes=[purpose])
    SubsidyExpense.objects.create(subsidy=other, label="経費", category=category)
    assert "旧いタイトル" in similar_section(client, listing)
    other.title = "新しいタイトル"
    other.save()
    assert "新しいタイトル" in similar_section(client, listing)
    category.name = "新しい経費区分"
    category.save()
    assert "新しい経費区分" in similar_section(client, listing)
    other.organization.name = "新しい主催機関"
    other.organization.save()
    assert "新しい主催機関" in similar_section(client, listing)


def test_the_similar_table_drops_an_unpublished_listing_at_once(client):
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose])
    other = make_subsidy(title="似た補助金", purposes=[purpose])
    assert "似た補助金" in similar_section(client, listing)
    other.state = Subsidy.State.DRAFT
    other.save()
    assert "似た補助金" not in similar_section(client, listing)


def test_the_similar_table_shows_another_listings_status_change_at_its_moment(client, monkeypatch):
    purpose = make_purpose()
    listing = make_subsidy(purposes=[purpose], deadline=jst(2026, 3, 31))
    start = jst(2026, 1, 16, 12, 30)
    make_subsidy(purposes=[purpose], accepts_from=start, deadline=jst(2026, 5, 31))
    monkeypatch.setattr("subsidies.clock.now", lambda: start - datetime.timedelta(microseconds=1))
    assert 'badge--upcoming">募集予定' in similar_section(client, listing)
    monkeypatch.setattr("subsidies.clock.now", lambda: start)
    section = similar_section(client, listing)
    assert 'badge--upcoming">募集予定' not in section
    assert section.count('badge--open">募集中') == 2
