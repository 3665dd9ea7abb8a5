import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def demo_data(db):
    """The demo fixtures every new user sees: taxonomies, the seed listing (pk 155678), real programs and their
    eligibility conditions (``load_demo``)."""
    from subsidies.management.commands.load_demo import DEMO_FIXTURES

    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)


@pytest.fixture
def taxonomies(db):
    call_command("loaddata", "taxonomies", verbosity=0)


@pytest.fixture
def staff_client(db, django_user_model):
    """A logged-in superuser, separate from the anonymous ``client``."""
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-tests-only")
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (pks are reused between tests on SQLite)."""
    from tests.factories import forget_cached_pages

    forget_cached_pages()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords at production strength makes login tests slow; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
