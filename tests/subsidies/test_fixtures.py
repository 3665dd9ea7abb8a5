import pytest
from django.core.management import call_command
from django.urls import reverse

from subsidies.models import Purpose, Region, Subsidy


@pytest.mark.django_db
def test_taxonomies_load_with_all_regions_and_the_parent_chain(taxonomies):
    assert Region.objects.filter(kind=Region.Kind.PREFECTURE).count() == 47
    assert Region.objects.filter(kind=Region.Kind.BLOCK).count() == 8
    tokyo = Region.objects.get(code="13")
    assert tokyo.name == "東京都"
    assert tokyo.parent.name == "関東・甲信越地方"
    assert tokyo.parent.parent.code == "00"
    assert Purpose.objects.count() == 15


def test_demo_data_loads_the_seed_listing_complete(demo_data):
    seed = Subsidy.objects.get(pk=155678)
    assert seed.max_amount == 10_000_000
    assert seed.expenses.count() == 5
    assert seed.documents.count() == 4
    assert seed.faqs.count() >= 4
    assert seed.verified_on.isoformat() == "2026-01-05"
    assert [r.code for r in seed.regions.all()] == ["00"]
    assert Subsidy.objects.published().count() >= 45


def test_demo_listings_are_valid_for_staff_forms(demo_data):
    for subsidy in Subsidy.objects.all():
        subsidy.full_clean()


def test_load_demo_fills_an_empty_database_and_keeps_staff_changes(db):
    call_command("load_demo", verbosity=0)
    seed = Subsidy.objects.get(pk=155678)
    seed.title = "スタッフが直したタイトル"
    seed.save()
    call_command("load_demo", verbosity=0)
    assert Subsidy.objects.get(pk=155678).title == "スタッフが直したタイトル"


def test_seed_listing_page_shows_its_real_values(client, demo_data):
    response = client.get(reverse("subsidies:detail", kwargs={"pk": 155678}))
    assert response.status_code == 200
    assert "最大1,000万円" in response.text
    assert "2026年3月31日" in response.text
    assert "【全国】" in response.text
