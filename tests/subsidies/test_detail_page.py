import dataclasses
import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from subsidies import clock, detail_page, fragments, listing_index
from subsidies.models import FAQ, ApplicationStep, RequiredDocument, Subsidy, SubsidyExpense
from tests.factories import (
    NOW,
    add_children,
    forget_cached_pages,
    jst,
    make_organization,
    make_purpose,
    make_region,
    make_subsidy,
)

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
SEED = 155678

pytestmark = pytest.mark.django_db


@pytest.fixture
def at(monkeypatch):
    """Fix the clock the views read (default: 2026-01-16 12:00 JST); call it to move the clock."""

    def move(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    move(NOW)
    return move


def page(client, subsidy_or_pk, **headers):
    pk = getattr(subsidy_or_pk, "pk", subsidy_or_pk)
    response = client.get(
        reverse("subsidies:detail", kwargs={"pk": pk}), headers={"user-agent": BROWSER} | headers
    )
    assert response.status_code == 200
    return response.text


def json_ld(text):
    match = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', text, re.S)
    assert match, "no JSON-LD script with a nonce"
    return match.group(1), json.loads(match.group(2))


# The seed listing, as the reference page shows it (read on 2026-01-16, 残り74日).


def test_seed_page_shows_the_fixture_values(client, demo_data, at):
    text = page(client, SEED)
    for expected in [
        "募集中",
        "対象地域",
        'href="/regions/zenkoku/">全国</a>',
        "海外展開を目指す中小企業向け AOTS補助金・人材育成事業の申請ガイド（2026年）",
        "3秒でわかる要点",
        "最大1,000万円",
        "出典: 掲載元ページ（補助金図鑑 #155678）の記載。AOTS の資料ではまだ照合していません",
        "2026年3月31日（火）",
        "令和8年3月31日",
        "残り74日",
        "60.0%",
        "推定",
        "根拠: 掲載元サイトの推定値",
        "一般財団法人海外産業人材育成協会（AOTS）",
        "海外拠点を有する、または海外展開を予定している中堅・中小企業等",
        "研修生受入費用（渡航費・滞在費）",
        "海外拠点の状況説明書",
        "ほかにも必要な書類があります（出典の一覧は「等」で終わっています）",
        "ほかにも対象になる経費があります",
        "ニーズの特定と制度の選定",
        "補助金概要",
        "目次",
        "この補助金の対象者は誰ですか？",
        "申請から採択までどのくらいかかりますか？",
        "通常、申請から採択決定まで1〜2ヶ月程度です。",
        "お問い合わせ",
        "#155678",
        "情報ソース",
        "未確認：スタッフはまだ公式情報と照合していません。",
        "この情報はスタッフがまだ公式情報と照合していません。",
    ]:
        assert expected in text, expected
    assert re.search(r"約\d+分で読了", text)
    assert (
        '<a href="https://www.aots.jp/" rel="noopener noreferrer">一般財団法人海外産業人材育成協会（AOTS）令和7年度事業計画書</a>'
        '<span class="source-host">（www.aots.jp）</span>' in text
    )
    # Nothing the demo data would have invented: no verification, edition year or view count.
    for absent in ("確認済み <time", "2026年版", "回閲覧", "23:59"):
        assert absent not in text, absent
    # The verification line stands where the deadline is read, not only at the bottom.
    figures = text.split('id="key-figures"')[1].split("</section>")[0]
    assert "未確認" in figures and "公式ページ（www.aots.jp）で確認" in figures


def test_seed_page_is_closed_after_its_deadline(client, demo_data, at):
    at(jst(2026, 11, 30, 12, 0))
    text = page(client, SEED)
    assert '<span class="badge badge--closed">募集終了</span>' in text
    assert "締切済み" in text
    assert "この情報はスタッフがまだ公式情報と照合していません" in text
    assert "calendar.google.com" not in text  # no calendar links once the deadline has passed


# Key figures


def test_status_badge_is_computed_from_the_clock(client, at):
    subsidy = make_subsidy(accepts_from=jst(2026, 2, 1, 9, 0), deadline=jst(2026, 3, 31))
    assert 'badge--upcoming">募集予定' in page(client, subsidy)
    at(jst(2026, 2, 1, 9, 0))
    assert 'badge--open">募集中' in page(client, subsidy)


@pytest.mark.parametrize(
    ("moment", "label", "urgency"),
    [
        (jst(2026, 3, 1, 12, 0), "残り30日", "deadline--urgent-30"),
        (jst(2026, 3, 17, 12, 0), "残り14日", "deadline--urgent-14"),
        (jst(2026, 3, 24, 12, 0), "残り7日", "deadline--urgent-7"),
        (jst(2026, 3, 28, 12, 0), "残り3日", "deadline--urgent-3"),
        (jst(2026, 3, 31, 23, 59), "本日締切", "deadline--urgent-3"),
        (jst(2026, 4, 1, 0, 0), "締切済み", None),
    ],
)
def test_days_left_and_urgency_follow_the_deadline_day(client, at, moment, label, urgency):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    at(moment)
    text = page(client, subsidy)
    assert f"（{label}）" in text
    classes = re.findall(r"deadline--urgent-\d+", text.split('id="key-figures"')[1].split("</section>")[0])
    assert classes == ([urgency] if urgency else [])


def test_days_left_stays_correct_while_the_parts_are_cached(client, at):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    assert "残り74日" in page(client, subsidy)
    at(jst(2026, 3, 30, 9, 0))
    assert "残り1日" in page(client, subsidy)


def test_rolling_listing_says_随時_with_its_note_and_offers_no_calendar(client, at):
    subsidy = make_subsidy(deadline=None, rolling=True, deadline_note="予算に達し次第終了")
    text = page(client, subsidy)
    assert '<span class="figure__value">随時</span>' in text
    assert "予算に達し次第終了" in text
    assert "deadline.ics" not in text
    assert "calendar.google.com" not in text


def test_missing_values_say_記載なし(client, at):
    subsidy = make_subsidy(
        max_amount=None,
        deadline=None,
        difficulty="",
        preparation_days=None,
        subsidy_rate="",
        adoption_rate=None,
    )
    text = page(client, subsidy)
    assert text.count("記載なし") >= 6
    assert "最大記載なし" not in text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "最大0円"),
        (9_999, "最大9,999円"),
        (10_000, "最大1万円"),
        (1_708_000, "最大170.8万円"),
        (150_000_000, "最大1億5,000万円"),
        (1_000_000_000, "最大10億円"),
    ],
)
def test_maximum_amount_reads_the_japanese_way(client, at, amount, text):
    assert f'<span class="figure__value">{text}</span>' in page(client, make_subsidy(max_amount=amount))


def test_amount_note_and_official_adoption_rate_with_its_source(client, at):
    subsidy = make_subsidy(
        max_amount=1_708_000,
        max_amount_note="条件による",
        subsidy_rate="1/2以内",
        adoption_rate=Decimal("45.5"),
        adoption_rate_basis=Subsidy.RateBasis.OFFICIAL,
        adoption_rate_citation="中小企業庁 第15回公募結果",
    )
    text = page(client, subsidy)
    assert "最大170.8万円" in text
    assert "条件による" in text
    assert "1/2以内" in text
    assert "45.5%" in text
    assert '<span class="rate-basis rate-basis--official">公式</span>' in text
    assert "出典: 中小企業庁 第15回公募結果" in text


# Flow, FAQ


def test_default_application_flow_when_staff_entered_no_steps(client, at):
    text = page(client, make_subsidy())
    for step in ["確認要件", "申請対象", "申請書類", "申請・審査", "結果通知・交付"]:
        assert f'<span class="flow__title">{step}</span>' in text


def test_listing_steps_replace_the_default_flow(client, at):
    subsidy = make_subsidy()
    ApplicationStep.objects.create(subsidy=subsidy, title="事前相談", description="窓口へ", order=1)
    text = page(client, subsidy)
    assert '<span class="flow__title">事前相談</span>' in text
    assert '<span class="flow__title">確認要件</span>' not in text


def test_generated_faqs_appear_only_for_fields_with_a_value(client, at):
    subsidy = make_subsidy(target_description="", review_period_note="")
    assert "よくある質問" not in page(client, subsidy)
    SubsidyExpense.objects.create(subsidy=subsidy, label="設備費")
    text = page(client, subsidy)
    assert "どのような経費が対象になりますか？" in text
    assert "この補助金の対象者は誰ですか？" not in text
    assert "申請に必要な書類は何ですか？" not in text
    assert "申請から採択までどのくらいかかりますか？" not in text


def test_staff_faqs_follow_the_generated_ones(client, at):
    subsidy = make_subsidy(target_description="中小企業")
    FAQ.objects.create(subsidy=subsidy, question="併用できますか？", answer="できません。")
    text = page(client, subsidy)
    assert text.index("この補助金の対象者は誰ですか？") < text.index("併用できますか？")


# Verification


def test_unverified_listing_says_so_beside_the_deadline_and_shows_no_other_date(client, at):
    subsidy = make_subsidy(
        verified_on=None,
        source_name="公式サイト",
        source_url="https://example.jp/",
        official_url="https://www.example.go.jp/k/",
    )
    text = page(client, subsidy)
    figures = text.split('id="key-figures"')[1].split("</section>")[0]
    assert "未確認：スタッフはまだ公式情報と照合していません。" in figures
    assert (
        '<a href="https://www.example.go.jp/k/" rel="noopener noreferrer">公式ページ（www.example.go.jp）で確認</a>'
        in figures
    )
    assert "確認済み <time" not in text
    assert "この情報はスタッフがまだ公式情報と照合していません" in text


def test_a_verified_listing_names_the_date_and_the_page_it_was_checked_against(client, at):
    subsidy = make_subsidy(verified_on=NOW.date() - datetime.timedelta(days=3))
    text = page(client, subsidy)
    figures = text.split('id="key-figures"')[1].split("</section>")[0]
    assert re.search(
        r"確認済み <time[^>]*>2026年1月13日</time>（スタッフが<a [^>]*>www.example.go.jp</a>と照合）", figures
    )
    assert "未確認" not in text.split('<footer class="site-footer">')[0]


@pytest.mark.parametrize(("age", "notice"), [(180, False), (181, True)])
def test_stale_notice_after_180_days_without_verification(client, at, age, notice):
    subsidy = make_subsidy(verified_on=NOW.date() - datetime.timedelta(days=age))
    assert ("照合してから180日以上たっています" in page(client, subsidy)) is notice


def test_the_page_shows_when_this_site_last_changed_it_and_no_edition_year(client, at):
    subsidy = make_subsidy()
    Subsidy.objects.filter(pk=subsidy.pk).update(updated_at=jst(2025, 12, 31, 23, 30))
    text = page(client, subsidy)
    assert "このページの更新 <time" in text and "2025年12月31日</time>" in text
    assert "年版" not in text


def test_an_expected_deadline_reads_as_a_month_with_no_days_left_or_calendar(client, at):
    subsidy = make_subsidy(deadline=jst(2027, 3, 5, 17, 0), deadline_expected=True)
    text = page(client, subsidy)
    assert "2027年3月頃（予定）" in text
    assert "見込みの時期です。公式の発表はまだありません。" in text
    for absent in ("残り", "2027年3月5日", "17:00", "deadline.ics", "validThrough"):
        assert absent not in text, absent


def test_a_listing_without_a_known_period_says_so_and_is_not_open(client, at):
    text = page(client, make_subsidy(deadline=None))
    assert 'badge--unknown">受付期間未定' in text
    assert "受付期間は公式ページで確認" in text
    assert "募集中" not in text


def test_a_deadline_shows_its_time_only_when_the_source_states_one(client, at):
    assert "2026年3月31日（火）17:00" in page(
        client, make_subsidy(deadline=jst(2026, 3, 31, 17, 0), deadline_has_time=True)
    )
    text = page(client, make_subsidy(deadline=jst(2026, 3, 31)))
    assert "2026年3月31日（火）" in text and "23:59" not in text


def test_a_roundup_is_labelled_and_shows_no_single_amount_deadline_checklist_or_comparison(client, at):
    roundup = make_subsidy(kind=Subsidy.Kind.ROUNDUP, title="愛知県の補助金まとめ", max_amount=1_000_000_000)
    text = page(client, roundup)
    assert 'badge--roundup">まとめ記事' in text
    assert "このページは複数の制度をまとめて紹介する記事です" in text
    for absent in ("最大10億円", "申請締切", "募集中", "比較に追加", "申請前チェックリスト", "似た補助金"):
        assert absent not in text, absent


# Drafts, head, machine-readable data


def test_draft_is_404_for_the_public_and_a_noindex_preview_for_staff(client, staff_client, at):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    text = page(staff_client, draft)
    assert "下書きプレビュー" in text
    assert '<meta name="robots" content="noindex">' in text


def test_head_has_canonical_description_open_graph_and_twitter_card(client, at, settings):
    settings.SITE_URL = "https://hojo.example.jp"
    subsidy = make_subsidy(title="設備の補助金", summary="設備投資を支援します。")
    text = page(client, subsidy)
    url = f"https://hojo.example.jp/subsidies/{subsidy.pk}/"
    assert f'<link rel="canonical" href="{url}">' in text
    assert '<meta name="description" content="設備投資を支援します。">' in text
    assert '<meta property="og:title" content="設備の補助金">' in text
    assert f'<meta property="og:url" content="{url}">' in text
    assert '<meta name="twitter:card" content="summary">' in text


def test_json_ld_describes_the_grant_its_faq_and_breadcrumbs(client, demo_data, at, settings):
    settings.SITE_URL = "https://hojo.example.jp"
    response = client.get(reverse("subsidies:detail", kwargs={"pk": SEED}), headers={"user-agent": BROWSER})
    nonce, data = json_ld(response.text)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    grant, breadcrumbs, faq = data
    assert grant["@type"] == "MonetaryGrant"
    assert grant["url"] == "https://hojo.example.jp/subsidies/155678/"
    assert grant["funder"] == {
        "@type": "Organization",
        "name": "一般財団法人海外産業人材育成協会（AOTS）",
        "url": "https://www.aots.jp/",
    }
    assert grant["amount"] == {
        "@type": "MonetaryAmount",
        "currency": "JPY",
        "maxValue": 10_000_000,
        "validThrough": "2026-03-31",
    }
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["ホーム", "全国", grant["name"]]
    assert breadcrumbs["itemListElement"][1]["item"] == "https://hojo.example.jp/regions/zenkoku/"
    assert faq["@type"] == "FAQPage"
    assert faq["mainEntity"][0] == {
        "@type": "Question",
        "name": "この補助金の対象者は誰ですか？",
        "acceptedAnswer": {
            "@type": "Answer",
            "text": "海外拠点を有する、または海外展開を予定している中堅・中小企業等",
        },
    }
    assert len(faq["mainEntity"]) == 4 + 5


def test_json_ld_cannot_close_its_script_element(client, at):
    title = '</script><script>alert(1)</script><!-- & "'
    subsidy = make_subsidy(title=title)
    text = page(client, subsidy)
    raw = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', text, re.S).group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw)[0]["name"] == title


# Caching


def test_a_staff_save_shows_at_once_though_the_parts_are_cached(client, at):
    subsidy = make_subsidy(body="## 旧い見出し\n")
    assert "旧い見出し" in page(client, subsidy)
    subsidy.body = "## 新しい見出し\n"
    subsidy.save()
    text = page(client, subsidy)
    assert "新しい見出し" in text
    assert "旧い見出し" not in text


def test_editing_a_child_row_alone_shows_at_once(client, at):
    subsidy = make_subsidy()
    document = RequiredDocument.objects.create(subsidy=subsidy, name="旧い書類")
    assert "旧い書類" in page(client, subsidy)
    document.name = "新しい書類"
    document.save()
    assert "新しい書類" in page(client, subsidy)
    document.delete()
    assert "新しい書類" not in page(client, subsidy)


def test_renaming_the_organization_shows_at_once(client, at):
    organization = make_organization(name="旧い機関")
    subsidy = make_subsidy(organization=organization)
    assert "旧い機関" in page(client, subsidy)
    organization.name = "新しい機関"
    organization.save()
    assert "新しい機関" in page(client, subsidy)


def test_renaming_a_region_shows_at_once(client, at):
    region = make_region(name="旧い地域")
    subsidy = make_subsidy(regions=[region])
    assert "旧い地域" in page(client, subsidy)
    region.name = "新しい地域"
    region.save()
    assert "新しい地域" in page(client, subsidy)


# The whole page is cached, with the nonce and the view count filled in per request.


def csp_nonce(response):
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def test_a_cached_page_is_the_page_rendered_anew_byte_for_byte_with_the_same_nonce_and_etag(client, at):
    purpose = make_purpose()
    subsidy = make_subsidy(purposes=[purpose])
    add_children(subsidy, 2)
    make_subsidy(title="似た補助金", purposes=[purpose])
    url = subsidy.get_absolute_url()
    responses = [client.get(url, headers={"user-agent": BROWSER}) for _ in range(2)]
    forget_cached_pages()
    responses.append(client.get(url, headers={"user-agent": BROWSER}))
    # The nonce is derived from the page (detail_page.nonce_for), so the body, the policy header and the ETag
    # are the same for every response of the same page: a 304 never pairs a kept body with another nonce.
    nonces = {csp_nonce(response) for response in responses}
    assert len(nonces) == 1
    assert json_ld(responses[0].text)[0] == nonces.pop()
    assert "似た補助金" in responses[0].text
    assert len({response.content for response in responses}) == 1
    assert len({response["ETag"] for response in responses}) == 1


def test_the_nonce_changes_with_what_the_page_says_and_staff_get_a_random_one(client, staff_client, at):
    subsidy = make_subsidy(title="前の題名")
    first = csp_nonce(client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER}))
    subsidy.title = "後の題名"
    subsidy.save()
    second = csp_nonce(client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER}))
    staff = {csp_nonce(staff_client.get(subsidy.get_absolute_url())) for _ in range(2)}
    assert first != second
    assert len(staff) == 2 and second not in staff


def test_view_count_is_current_on_every_cached_request_and_shown_from_10(client, at):
    subsidy = make_subsidy(view_count=9)
    assert "10回閲覧" in page(client, subsidy)
    assert "11回閲覧" in page(Client(), subsidy)
    assert "11回閲覧" in page(client, subsidy)
    Subsidy.objects.filter(pk=subsidy.pk).update(view_count=40)
    assert "40回閲覧" in page(client, subsidy)
    fresh = make_subsidy()
    assert "回閲覧" not in page(client, fresh)


def cached_and_fresh(client, subsidy):
    """The page from a warm cache and the page rendered anew at the same moment, nonces blanked."""
    texts = []
    for _ in range(2):
        response = client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
        texts.append(response.text.replace(csp_nonce(response), "NONCE"))
        forget_cached_pages()
    return texts


def test_cached_page_changes_at_the_moment_the_deadline_passes(client, at):
    deadline = jst(2026, 1, 16, 17, 10)
    purpose = make_purpose()
    subsidy = make_subsidy(deadline=deadline, purposes=[purpose])
    make_subsidy(purposes=[purpose])
    at(deadline - datetime.timedelta(hours=1))
    assert 'badge--open">募集中' in page(client, subsidy)
    for moment, badge in [
        (deadline, 'badge--open">募集中'),
        (deadline + datetime.timedelta(microseconds=1), 'badge--closed">募集終了'),
    ]:
        at(moment)
        cached, fresh = cached_and_fresh(client, subsidy)
        assert cached == fresh
        assert badge in cached
        page(client, subsidy)  # warm again for the next moment
    assert "締切を過ぎています" in cached  # the checklist's deadline item


def test_cached_page_opens_at_the_moment_acceptance_starts(client, at):
    start = jst(2026, 1, 16, 15, 10)  # not on the hour, when the similar table's entry expires anyway
    subsidy = make_subsidy(accepts_from=start)
    at(start - datetime.timedelta(microseconds=1))
    assert 'badge--upcoming">募集予定' in page(client, subsidy)
    at(start)
    assert 'badge--open">募集中' in page(client, subsidy)


def test_days_left_change_at_jst_midnight_in_every_section_of_a_cached_page(client, at):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    at(jst(2026, 1, 16, 23, 59))
    assert page(client, subsidy).count("残り74日") >= 2  # the key figures and the checklist
    at(jst(2026, 1, 17, 0, 0))
    text = page(client, subsidy)
    assert "残り74日" not in text
    assert text.count("残り73日") >= 2


def test_a_query_string_is_rendered_live_and_does_not_change_the_cached_page(client, at):
    subsidy, other = make_subsidy(), make_subsidy()
    url = subsidy.get_absolute_url()
    assert f"ids={other.pk}&amp;add={subsidy.pk}" in client.get(f"{url}?compare={other.pk}").text
    assert f'href="/compare/?add={subsidy.pk}"' in page(client, subsidy)
    assert f"ids={other.pk}&amp;add={subsidy.pk}" in client.get(f"{url}?compare={other.pk}").text


def test_publishing_a_draft_shows_it_to_the_public_at_once(client, staff_client, at):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert "下書きプレビュー" in page(staff_client, draft)
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.state = Subsidy.State.PUBLISHED
    draft.save()
    assert "下書きプレビュー" not in page(client, draft)
    assert "下書きプレビュー" not in page(staff_client, draft)


def test_a_staff_members_render_is_never_stored_and_staff_are_never_served_the_stored_page(
    client, staff_client, at
):
    subsidy = make_subsidy(title="公開中の補助金")
    key = detail_page.page_key(detail_page.read_row(subsidy.pk, drafts=False))
    # Rendered for staff: nothing is stored, here or in the shared cache, and no cache may keep the response.
    response = staff_client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
    assert "公開中の補助金" in response.text
    assert cache.get(key) is None
    assert detail_page.LOCAL_PAGES.entries == {}
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    # Rendered for the public: stored, and served from the store (a marker put into it shows)...
    public = client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})
    assert "no-store" not in public["Cache-Control"]
    entry = cache.get(key)
    assert entry is not None
    cache.set(key, dataclasses.replace(entry, value=fragments.Slotted((b"<p>stored page</p>",))))
    detail_page.LOCAL_PAGES.clear()
    assert page(client, subsidy) == "<p>stored page</p>"
    # ... but never to a member of staff, whose page is rendered for them.
    assert "公開中の補助金" in page(staff_client, subsidy)
    assert cache.get(key).value == fragments.Slotted((b"<p>stored page</p>",))


def test_a_draft_preview_is_never_stored(staff_client, at):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert "下書きプレビュー" in page(staff_client, draft)
    assert cache.get(detail_page.page_key(detail_page.read_row(draft.pk, drafts=True))) is None
    assert detail_page.LOCAL_PAGES.entries == {}


def test_an_id_past_the_database_range_is_404(client):
    assert client.get("/subsidies/99999999999999999999/").status_code == 404


# Query count: a constant, whatever the number of related rows.


def test_query_count_is_constant_with_many_related_rows(client, at, django_assert_num_queries):
    subsidy = make_subsidy()
    add_children(subsidy, 25)
    url = subsidy.get_absolute_url()
    listing_index.current()  # built by whichever page asks first after a change
    # Cold cache, a new browser: the page's row (with the content version), read by the UPDATE that counts the
    # view; the listing; its expenses, documents, steps, FAQs and rounds (shared by every section); the
    # checklist's requirements and shared items. Its regions, target types, purposes and expense categories,
    # and the similar ranking (nothing similar here), come from the listing index of that content version.
    with django_assert_num_queries(9):
        client.get(url, headers={"user-agent": BROWSER})
    # Warm cache, a browser already counted: the page's row only (a SELECT).
    with django_assert_num_queries(1):
        client.get(url, headers={"user-agent": BROWSER})
    # Warm cache, a new browser: the page's row only (the UPDATE that counts the view).
    with django_assert_num_queries(1) as queries:
        Client().get(url, headers={"user-agent": BROWSER})
    assert "UPDATE" in queries.captured_queries[0]["sql"]


def test_query_count_is_the_same_for_a_listing_with_few_rows(client, at, django_assert_num_queries):
    subsidy = make_subsidy()
    add_children(subsidy, 1)
    listing_index.current()
    with django_assert_num_queries(9):
        client.get(subsidy.get_absolute_url(), headers={"user-agent": BROWSER})


def test_query_count_with_similar_listings_and_after_an_edit(client, at, django_assert_num_queries):
    purpose = make_purpose()
    subsidy = make_subsidy(purposes=[purpose])
    others = [make_subsidy(purposes=[purpose]) for _ in range(5)]
    for other in others:
        add_children(other, 3)
    url = subsidy.get_absolute_url()
    listing_index.current()
    # Cold: as above, and the similar rows (their terms come from the listing index too).
    with django_assert_num_queries(10):
        client.get(url, headers={"user-agent": BROWSER})
    with django_assert_num_queries(1):
        client.get(url, headers={"user-agent": BROWSER})
    # Another listing's edit: the page is rebuilt (the similar ranking is cached per listing version and JST
    # hour, the similar rows are read again).
    others[0].save()
    listing_index.current()
    with django_assert_num_queries(10):
        client.get(url, headers={"user-agent": BROWSER})


# Other apps' sections sit in the reference page's order.


@pytest.mark.django_db
def test_the_detail_page_places_other_apps_sections_in_the_reference_order(client, demo_data):
    """Article, checklist, similar table, FAQ, contact, question box; the compare button in the key figures.

    The other apps' sections come through the slots of ``{% subsidy_sections %}`` (subsidies/hooks.py)."""
    html = client.get(reverse("subsidies:detail", args=[155678])).text
    order = [
        'id="key-figures"',
        'class="compare-button"',
        'id="article"',
        'id="checklist"',
        'class="similar"',
        'id="faq"',
        'id="contact"',
        'id="ask"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


# The applicant's three questions first: a summary under the title, then 3秒要点, then the rest; each block once.


def visible_html(text):
    """The page without its JSON-LD (which repeats the FAQs for search engines, not for readers)."""
    return re.sub(r'<script type="application/ld\+json".*?</script>', "", text, flags=re.S)


def test_the_summary_under_the_title_answers_how_much_by_when_where_and_who(client, demo_data, at):
    text = page(client, SEED)
    summary = text.split('id="key-figures"')[1].split("</section>")[0]
    for expected in [
        "補助額",
        "最大1,000万円",
        "補助率 記載なし",
        "申請締切",
        '2026年3月31日（火）</time> <span class="days-left">（残り74日）</span>',
        "対象地域",
        "対象者",
        "中小企業・中堅企業",
        '<a class="action action--primary" href="https://www.aots.jp/',
        '<a class="action" href="#checklist">申請前チェックリスト</a>',
        'class="compare-button"',
        "締切をカレンダーに追加",
    ]:
        assert expected in summary, expected
    order = [
        'id="detail-title"',
        'id="key-figures"',
        'id="summary-h"',
        'id="page-contents-h"',
        'id="rounds"',
        'id="eligibility"',
        'id="flow"',
        'id="article"',
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_the_summary_links_the_latest_rounds_guidelines(client, at):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31))
    subsidy.rounds.create(name="第1回", guidelines_url="https://example.go.jp/r1.pdf")
    subsidy.rounds.create(name="第2回", guidelines_url="https://example.go.jp/r2.pdf")
    subsidy.rounds.create(name="第3回")
    summary = page(client, subsidy).split('id="key-figures"')[1].split("</section>")[0]
    assert (
        'href="https://example.go.jp/r2.pdf" rel="noopener noreferrer">公募要領<span class="action__note">（第2回）</span>'
        in summary
    )
    assert "r1.pdf" not in summary


def test_without_an_official_page_or_guidelines_the_summary_offers_no_such_button(client, at):
    subsidy = make_subsidy(deadline=jst(2026, 3, 31), official_url="")
    summary = page(client, subsidy).split('id="key-figures"')[1].split("</section>")[0]
    actions = summary.split('<div class="actions">')[1]
    assert "action--primary" not in actions and "公式ページ" not in actions and "公募要領" not in actions
    assert "申請前チェックリスト" in actions  # what the site itself offers stays


def test_each_block_of_the_seed_page_appears_once(client, demo_data, at):
    text = visible_html(page(client, SEED))
    # The article's own steps and FAQ chapter repeat the listing's steps and FAQs: they are shown once, in
    # 申請の流れ and よくある質問, and the article links there.
    assert text.count("ニーズの特定と制度の選定") == 1
    assert text.count("中小企業への優遇措置はありますか？") == 1
    assert text.count("日本語教育の支援も受けられますか？") == 1
    assert text.count('<h2 id="flow-h">申請の流れ</h2>') == 1
    assert text.count('<h2 id="faq-h">よくある質問</h2>') == 1
    assert re.search(r'この手順は<a href="#flow"[^>]*>「申請の流れ」</a>にまとめています。', text)
    assert re.search(r'質問と回答は<a href="#faq"[^>]*>「よくある質問」</a>にまとめています。', text)
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # The moved questions keep their ids, so the table of contents and the question box's citations still land.
    faq = text.split('id="faq"')[1]
    assert 'id="article-8"' in faq and 'id="article-12"' in faq


def test_the_page_contents_link_to_sections_that_exist(client, demo_data, at):
    text = page(client, SEED)
    contents = text.split('id="page-contents-h"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert anchors == ["rounds", "eligibility", "flow", "article", "faq", "contact"]
    for anchor in anchors:
        assert f'id="{anchor}"' in text
