import pytest

from tests.security.hostile import ClientSite, DevelopmentServer, ServerSite


@pytest.fixture(scope="session")
def development_server():
    """One ``manage.py runserver`` for the whole run (started on first use, ~5 s)."""
    server = DevelopmentServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(params=["test client", "development server"])
def site(request):
    """The site through the test client (on the test database with the demo data) and through the development
    server: every hostile-input test that takes ``site`` runs against both."""
    if request.param == "test client":
        request.getfixturevalue("demo_data")
        return ClientSite(request.getfixturevalue("client"))
    return ServerSite(request.getfixturevalue("development_server").port)
