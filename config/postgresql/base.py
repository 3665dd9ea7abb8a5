"""Django's PostgreSQL backend with a health check that costs no round trip when it need not.

With ``CONN_HEALTH_CHECKS`` Django asks a reused connection ``SELECT 1`` before the first query of every
request: a round trip that, on the detail page served from the cache, is half the database time of the
request. A connection the server has closed (a restart, ``pg_terminate_backend``, an idle timeout) has
something waiting on its socket by then: the server's last message, or the end of the stream. So the check
first looks at the socket without blocking: when an idle connection has nothing to read, it is as good as
``SELECT 1`` would find it, and no query is sent. Anything else (data waiting, a connection not idle, a
socket that cannot be polled) gets Django's own check. ``is_usable`` itself (used after a database error)
is unchanged.

Selected by ``DATABASES["default"]["ENGINE"] = "config.postgresql"`` (``config/settings.py``).
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import TransactionStatus


def _quiet(connection) -> bool:
    """True when ``connection`` is open, idle and has nothing waiting to be read."""
    if connection.closed or connection.broken or connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
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
