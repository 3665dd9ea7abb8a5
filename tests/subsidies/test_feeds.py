import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from subsidies import clock
from subsidies.models import Region, Subsidy
from tests.factories import NOW, jst, make_subsidy

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def fixed_clock(monkeypatch, taxonomies):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def test_the_feed_is_valid_atom_with_the_newest_listings_first(client, fixed_clock):
    make_subsidy(title="古い補助金", published_at=jst(2026, 1, 1, 9, 0))
    make_subsidy(title="新しい補助金", published_at=jst(2026, 1, 10, 9, 0))
    make_subsidy(title="下書き", state=Subsidy.State.DRAFT, published_at=None)
    assert entries(client, reverse("subsidies:feed")) == ["新しい補助金", "古い補助金"]


def test_the_feed_accepts_the_listing_filters(client, fixed_clock):
    tokyo = Region.objects.get(slug="tokyo")
    osaka = Region.objects.get(slug="osaka")
    make_subsidy(title="東京の設備補助金", regions=[tokyo])
    make_subsidy(title="大阪の設備補助金", regions=[osaka])
    make_subsidy(title="東京の販路補助金", regions=[tokyo])
    assert entries(client, reverse("subsidies:feed") + "?q=設備&region=tokyo") == ["東京の設備補助金"]
    assert entries(client, reverse("subsidies:feed") + "?region=atlantis&sort=x") != []


def test_the_sitemap_lists_every_published_listing_and_landing_page(client, fixed_clock):
    published = make_subsidy()
    draft = make_subsidy(state=Subsidy.State.DRAFT, published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [url.find(f"{ns}loc").text for url in root.iter(f"{ns}url")]
    assert all(url.find(f"{ns}lastmod") is not None for url in root.iter(f"{ns}url"))
    assert any(loc.endswith(published.get_absolute_url()) for loc in locations)
    assert not any(loc.endswith(draft.get_absolute_url()) for loc in locations)
    assert any(loc.endswith("/regions/tokyo/") for loc in locations)
    assert any("/purposes/" in loc for loc in locations)


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
