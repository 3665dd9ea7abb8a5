"""The site's own pages (about, disclaimer, errors) and the chrome every page shares."""

from django.urls import reverse


def test_about_page_explains_where_the_listings_come_from(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("about"))
    assert response.status_code == 200
    assert "このサイトについて" in response.text
    assert "情報ソース" in response.text


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
