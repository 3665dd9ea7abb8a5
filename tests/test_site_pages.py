"""The site's own pages (about, disclaimer, errors) and the chrome every page shares."""

import datetime

from django.urls import reverse


def test_about_page_explains_where_the_listings_come_from(client, db, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get(reverse("about"))
    assert response.status_code == 200
    assert "このサイトについて" in response.text
    assert "情報ソース" in response.text


def test_about_page_describes_what_is_done_with_the_live_verification_counts(client, demo_data):
    from subsidies.models import Subsidy
    from tests.factories import verifier

    seed = Subsidy.objects.get(pk=155678)
    Subsidy.objects.filter(pk=seed.pk).update(
        verified_on=datetime.date.today(), verified_by=verifier(), verified_source_url="https://www.aots.jp/"
    )
    text = client.get(reverse("about")).text
    published = Subsidy.objects.published().count()
    assert f"公開中の掲載</dt><dd>{published}件（補助金・助成金 {published - 4}件、まとめ記事 4件）" in text
    assert "照合済み（180日以内）</dt><dd>1件" in text
    assert f"未確認（まだ照合していない）</dt><dd>{published - 1}件" in text
    assert "見込み（予定）の日付を含む掲載</dt><dd>13件" in text
    assert "編集部が内容を確認した日付" not in text  # no claim of a check nobody made


def test_disclaimer_page_tells_users_to_check_the_official_call(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("disclaimer"))
    assert response.status_code == 200
    assert "必ず公式の公募要領をご確認ください" in response.text


def test_every_page_has_a_skip_link_a_search_box_and_footer_links(client, db):
    response = client.get(reverse("about"))
    assert '<a class="skip-link" href="#main">本文へスキップ</a>' in response.text
    assert 'role="search"' in response.text
    assert f'href="{reverse("disclaimer")}"' in response.text
    assert '<main id="main"' in response.text


def test_unknown_page_is_a_styled_404_with_a_way_back(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text
    assert "css/site.css" in response.text
    assert f'href="{reverse("subsidies:list")}"' in response.text


def test_server_error_page_renders_without_a_request_or_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "エラーが発生しました" in html
    assert 'lang="ja"' in html
