import pytest
from django.core.management import call_command
from django.db.models import F

from checklists.models import SharedRequirement
from subsidies import versioning
from subsidies.models import ContentVersion, RequiredDocument, Subsidy
from tests.factories import make_organization, make_purpose, make_region, make_subsidy

pytestmark = pytest.mark.django_db


def changes(action) -> bool:
    before = versioning.current()
    action()
    return versioning.current() != before


def test_every_edit_of_what_pages_show_changes_the_token():
    subsidy = make_subsidy()
    document = RequiredDocument.objects.create(subsidy=subsidy, name="書類")
    region, purpose, organization = make_region(), make_purpose(), make_organization()
    shared = SharedRequirement.objects.create(text="GビズIDを取得している", organization_kind="national")
    edits = {
        "listing saved": lambda: subsidy.save(),
        "child saved": lambda: document.save(),
        "child deleted": lambda: document.delete(),
        "region renamed": lambda: region.save(),
        "purpose saved": lambda: purpose.save(),
        "organization saved": lambda: organization.save(),
        "region linked": lambda: subsidy.regions.add(region),
        "purpose unlinked": lambda: subsidy.purposes.remove(purpose),
        "shared requirement saved": lambda: shared.save(),
        "shared requirement attached": lambda: shared.subsidies.add(subsidy),
        "listing deleted": lambda: subsidy.delete(),
    }
    assert [name for name, edit in edits.items() if not changes(edit)] == []


def test_counting_a_view_does_not_change_the_token():
    subsidy = make_subsidy()
    counted = Subsidy.objects.filter(pk=subsidy.pk)
    assert not changes(lambda: counted.update(view_count=F("view_count") + 1))


def test_bumps_inside_one_bump_become_a_single_bump_at_its_end(django_assert_num_queries):
    before = versioning.current()
    # The one UPDATE, at the end of the block.
    with django_assert_num_queries(1), versioning.one_bump():
        versioning.bump()
        versioning.bump()
    assert versioning.current() != before


def test_loading_fixtures_changes_the_token_once(monkeypatch):
    real_bump = versioning.bump
    calls = []

    def counting_bump():
        calls.append(versioning._deferred.get() is None)
        real_bump()

    monkeypatch.setattr(versioning, "bump", counting_bump)
    before = versioning.current()
    call_command("loaddata", "taxonomies", verbosity=0)
    assert versioning.current() != before
    assert calls.count(True) == 1


def test_a_missing_token_row_is_created_by_the_next_edit():
    ContentVersion.objects.all().delete()
    assert versioning.current() == ""
    make_purpose()
    assert versioning.current()


def test_stamp_uses_the_token_read_with_the_listing_without_a_query(django_assert_num_queries):
    subsidy = make_subsidy()
    subsidy.content_version = "abc"
    with django_assert_num_queries(0):
        assert versioning.stamp(subsidy).endswith(":abc")
    del subsidy.content_version
    token = versioning.current()
    with django_assert_num_queries(1):
        assert versioning.stamp(subsidy).endswith(":" + token)
