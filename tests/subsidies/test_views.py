import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies import listing_index
from subsidies.models import Subsidy
from tests.factories import add_children, jst, make_subsidy


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_unknown_page_is_a_japanese_404_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text
    assert reverse("subsidies:list") in response.text


@pytest.mark.django_db
def test_unknown_listing_is_a_404(client):
    assert client.get(reverse("subsidies:detail", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.django_db
def test_drafts_are_404_for_the_public_and_a_preview_for_staff(client, staff_client):
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "下書きプレビュー" in response.text


@pytest.mark.django_db
def test_listing_shows_published_open_listings_with_formatted_amounts(client):
    make_subsidy(title="設備投資の補助金", max_amount=10_000_000, deadline=jst(2099, 3, 31))
    make_subsidy(
        title="下書きの補助金", state=Subsidy.State.DRAFT, published_at=None, deadline=jst(2099, 3, 31)
    )
    response = client.get(reverse("subsidies:list"))
    assert "設備投資の補助金" in response.text
    assert "1,000万円" in response.text
    assert "2099年3月31日" in response.text
    assert "下書きの補助金" not in response.text


@pytest.mark.django_db
def test_listing_query_count_does_not_grow_with_rows(client):
    url = reverse("subsidies:list")
    make_subsidy(deadline=jst(2099, 1, 1))
    few = count_queries(client, url)
    for _ in range(15):
        add_children(make_subsidy(deadline=jst(2099, 1, 1)), 3)
    assert count_queries(client, url) == few


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_related_rows(client):
    small = make_subsidy()
    add_children(small, 1)
    large = make_subsidy()
    add_children(large, 12)
    listing_index.current()  # built once by whichever page asks first after a change
    assert count_queries(client, large.get_absolute_url()) == count_queries(client, small.get_absolute_url())
