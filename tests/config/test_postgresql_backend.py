"""The PostgreSQL backend's health check: no round trip for a quiet connection, Django's own check otherwise."""

import select
import time

import pytest
from django.db import connection, connections

from config.postgresql import base

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend")


@pytest.fixture
def fresh(db, monkeypatch):
    """A connection of its own (outside the test's transaction), reused as a request would reuse it, and a
    count of Django's SELECT 1 checks."""
    own = connections.create_connection("default")
    own.ensure_connection()
    checks = []
    real = base.PostgreSQLDatabaseWrapper.is_usable
    monkeypatch.setattr(
        base.PostgreSQLDatabaseWrapper, "is_usable", lambda self: checks.append(1) or real(self)
    )
    own.close_if_unusable_or_obsolete()  # what the start of a request does
    yield own, checks
    own.close()


def test_the_engine_is_the_site_backend():
    assert connection.settings_dict["ENGINE"] == "config.postgresql"
    assert connection.health_check_enabled


def test_a_quiet_connection_is_reused_without_a_query(fresh):
    own, checks = fresh
    pid = own.connection.info.backend_pid
    with own.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid
    assert checks == []


def test_a_connection_the_server_closed_is_replaced_before_the_query(fresh):
    own, checks = fresh
    pid = own.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not select.select([own.connection.fileno()], [], [], 0.05)[0] and time.monotonic() < deadline:
        pass
    with own.cursor() as cursor:  # without the check, this query would fail on the dead connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    assert checks == [1]
