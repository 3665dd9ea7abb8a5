"""The PostgreSQL backend's health check: no round trip for a quiet connection, Django's own check otherwise."""

import select
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

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


@pytest.mark.parametrize("kind", ["cursor", "prepared_cursor"])
def test_a_connection_the_server_closed_is_replaced_before_the_query(fresh, kind):
    own, checks = fresh
    pid = own.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not select.select([own.connection.fileno()], [], [], 0.05)[0] and time.monotonic() < deadline:
        pass
    with getattr(own, kind)() as found:  # without the check, this query would fail on the dead connection
        found.execute("SELECT pg_backend_pid()")
        assert found.fetchone()[0] != pid
    assert checks == [1]


PREPARED = "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql"


def test_the_prepared_cursor_prepares_its_statement_on_the_server_once(fresh):
    own, _ = fresh
    for value in (1, 2):
        with own.prepared_cursor() as cursor:
            cursor.execute("SELECT %(value)s::int + 40", {"value": value})
            assert cursor.fetchone() == (value + 40,)
    with own.cursor() as cursor:
        cursor.execute(PREPARED)
        assert cursor.fetchall() == [("SELECT $1::int + 40",)]


def test_an_ordinary_cursor_prepares_nothing(fresh):
    own, _ = fresh
    for value in (1, 2, 3, 4, 5, 6, 7):
        with own.cursor() as cursor:
            cursor.execute("SELECT %(value)s::int + 40", {"value": value})
    with own.cursor() as cursor:
        cursor.execute(PREPARED)
        assert cursor.fetchall() == []


def test_the_prepared_cursor_s_queries_are_logged_like_any_other(fresh):
    own, _ = fresh
    with CaptureQueriesContext(own) as queries, own.prepared_cursor() as cursor:
        cursor.execute("SELECT %(value)s::int", {"value": 7})
    assert len(queries) == 1


def test_the_prepared_cursor_reads_datetimes_in_the_connection_s_time_zone(fresh):
    own, _ = fresh
    sql = "SELECT '2026-11-30 15:00:00+00'::timestamptz"
    with own.cursor() as plain, own.prepared_cursor() as prepared:
        plain.execute(sql)
        prepared.execute(sql)
        expected, found = plain.fetchone()[0], prepared.fetchone()[0]
    assert found == expected and found.utcoffset() == expected.utcoffset()


def test_without_prepare_threshold_the_prepared_cursor_is_an_ordinary_one(db):
    settings = connection.settings_dict | {
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}
    }
    own = type(connections["default"])(settings, alias="default")
    try:
        for value in range(7):
            with own.prepared_cursor() as cursor:
                cursor.execute("SELECT %(value)s::int + 40", {"value": value})
        with own.cursor() as cursor:
            cursor.execute(PREPARED)
            assert cursor.fetchall() == []
    finally:
        own.close()
