import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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
    assert [r.code for r in seed.regions.all()] == ["00"]
    assert Subsidy.objects.published().count() >= 45


def test_demo_data_claims_no_verification_view_count_or_date_it_did_not_measure(demo_data):
    before = timezone.now()
    assert not Subsidy.objects.filter(verified_on__isnull=False).exists()  # nobody here checked them yet
    assert not Subsidy.objects.filter(view_count__gt=0).exists()
    # 難易度 and 準備目安 were guesses that no source states: left blank (「記載なし」).
    assert not Subsidy.objects.exclude(difficulty="").exists()
    assert not Subsidy.objects.filter(preparation_days__isnull=False).exists()
    # Created, updated and published when loaded here: no invented history.
    loaded = Subsidy.objects.values_list("created_at", "updated_at", flat=False)
    assert all(abs((before - moment).total_seconds()) < 120 for pair in loaded for moment in pair)


def test_demo_data_marks_expected_dates_roundups_and_incomplete_lists(demo_data):
    expected = set(Subsidy.objects.filter(deadline_expected=True).values_list("pk", flat=True))
    assert len(expected) == 13
    # Every listing whose note calls its dates 想定 carries the flag; no flagged one has a stated time.
    assert (
        set(Subsidy.objects.filter(deadline_note__contains="想定").values_list("pk", flat=True)) <= expected
    )
    assert not Subsidy.objects.filter(deadline_expected=True, deadline_has_time=True).exists()
    assert set(Subsidy.objects.filter(kind="roundup").values_list("pk", flat=True)) == {
        155679,
        155680,
        155681,
        155682,
    }
    seed = Subsidy.objects.get(pk=155678)
    assert seed.documents_incomplete and seed.expenses_incomplete
    assert "数千万" not in seed.title
    assert seed.max_amount_source.startswith("掲載元ページ")
    unknown = [s.pk for s in Subsidy.objects.listed() if s.status(at=timezone.now()) == "unknown"]
    assert len(unknown) == 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline_expected": False, "accepts_from_expected": False}, "予定（未発表）"),
        ({"verified_on": "2026-01-05"}, "確認者"),
        ({"title": "最大数億円の補助金"}, "食い違っています"),
    ],
)
def test_a_fixture_loads_through_the_validation_staff_use(db, tmp_path, change, message):
    call_command("loaddata", "taxonomies", verbosity=0)
    rows = json.loads((settings.BASE_DIR / "fixtures" / "programs.json").read_text())
    listing = next(row for row in rows if row.get("pk") == 200011)
    organization = next(
        row for row in rows if row["fields"].get("name") == listing["fields"]["organization"][0]
    )
    listing["fields"] |= change
    fixture = tmp_path / "bad.json"
    fixture.write_text(json.dumps([organization, listing], ensure_ascii=False))
    with pytest.raises(Exception, match=message):
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Subsidy.objects.exists()  # nothing of the file is written


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
    assert "対象地域" in response.text and ">全国</a>" in response.text
