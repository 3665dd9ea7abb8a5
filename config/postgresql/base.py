"""Django's PostgreSQL backend with a health check that costs no round trip when it need not.

With ``CONN_HEALTH_CHECKS`` Django asks a reused connection ``SELECT 1`` before the first query of every
request: a round trip that, on the detail page served from the cache, is half the database time of the
request. A connection the server has closed (a restart, ``pg_terminate_backend``, an idle timeout) has
something waiting on its socket by then: the server's last message, or the end of the stream. So the check
first looks at the socket without blocking: when an idle connection has nothing to read, it is as good as
``SELECT 1`` would find it, and no query is sent. Anything else (data waiting, a connection not idle, a
socket that cannot be polled) gets Django's own check. ``is_usable`` itself (used after a database error)
is unchanged.

It also gives ``prepared_cursor()``: a cursor whose statements are prepared on the server on their first
use and then only executed, for the few fixed queries that run on every request (the detail page's row
read). Django's own cursors merge the parameters into the query text (client-side binding), so PostgreSQL
parses and plans that text again every time: measured serially, 126–183 µs of its CPU for a primary-key read,
against 25–37 µs prepared. Prepared statements live as long as the connection; psycopg keeps at most
``prepared_max`` of them. Behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21),
set ``OPTIONS["prepare_threshold"] = None``, psycopg's own switch (``DATABASE_PREPARED_STATEMENTS=0`` in the
settings): ``prepared_cursor()`` then returns an ordinary cursor. A migration that changes the type of a column
such a statement returns makes PostgreSQL refuse the old plan ("cached plan must not change result type") on
connections opened before it, so app servers are restarted after ``migrate``, as a deploy does anyway.

Selected by ``DATABASES["default"]["ENGINE"] = "config.postgresql"`` (``config/settings.py``).

Kept because the measured difference is large. ``make bench-pages`` with Redis (benchmarks/README.md), one run
each, back to back on 2026-12-05: against Django's own backend as Django configures it (``CONN_HEALTH_CHECKS``'
``SELECT 1``, parameters merged client-side, nothing prepared), this one serves the cached listing pages 2,280–2,407
against 1,958–2,084 requests/s (63–67 % against 56–60 % of the static copy; CPU 0.71–0.76 against 0.85–0.90 ms a
request, PostgreSQL's share 0.05 against 0.11 ms), the detail page 2,009 against 1,702 (returning browser) and
1,729 against 1,468 (first visit). Not measured: Django's ``server_side_binding`` option, which would hand every
query to psycopg's own ``prepare_threshold``. Tests: ``tests/config/test_postgresql_backend.py``.
"""

import select

from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils.asyncio import async_unsafe
from psycopg.pq import Format, TransactionStatus


def _quiet(connection) -> bool:
    """True when ``connection`` is open, idle and has nothing waiting to be read."""
    if connection.closed or connection.broken or connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class PreparedCursor(ServerBindingCursor):
    """Parameters sent apart from the query, and the query prepared on its first execution."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    @async_unsafe
    def prepared_cursor(self):
        """Like ``cursor()`` (health check, instrumentation, query logging), with a ``PreparedCursor``; an
        ordinary cursor when the connection's ``prepare_threshold`` is None."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        if self.connection.prepare_threshold is None:
            return self.cursor()
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            # As Django's create_cursor(): datetimes in the connection's time zone.
            if self.timezone != self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
                register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and _quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
