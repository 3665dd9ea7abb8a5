"""The site's content version: one token that changes whenever staff change anything a public page shows.

Cached sections that show more than their own listing (the similar table shows other listings, the checklist
shows shared requirements) and the cached detail page are keyed by this token and the listing's
``updated_at``. The token lives in the database (``ContentVersion``) and the detail view reads it in the same
query as the listing (``detail_page.read_row``), so an edit is seen at once by every app server, with
per-process caches too, at no extra query.

``bump()`` runs from ``post_save``, ``post_delete`` and ``m2m_changed`` of every model whose values appear on
a page (``signals.py``; ``checklists`` connects its own). It writes a new random token, not a counter: two
editors can never produce the same token. Inside ``one_bump()`` (``loaddata``) the bumps wait and one bump
runs at the end. Changes that send no signal (``QuerySet.update``, raw SQL) reach pages when the cache
entries expire, within an hour (``fragments.MAX_SECONDS``).
"""

import contextlib
import contextvars
import uuid

from django.db import connection

from .models import ContentVersion, Subsidy

_UNREAD = object()
_deferred: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("content_bumps", default=None)


_TOKEN_SQL = "SELECT {token} FROM {table} WHERE {pk} = %s"


def current() -> str:
    """The token now stored (one query); "" when the row is missing (a flushed test database).

    Plain SQL, prepared on the server where the backend can (``prepared_cursor``): every listing request and
    every cached page read it, and the ORM's building of this one-row read cost ~0.3 ms of Python a time,
    more than the query."""
    quote, meta = connection.ops.quote_name, ContentVersion._meta
    sql = _TOKEN_SQL.format(
        token=quote(meta.get_field("token").column), table=quote(meta.db_table), pk=quote(meta.pk.column)
    )
    with getattr(connection, "prepared_cursor", connection.cursor)() as cursor:
        cursor.execute(sql, [ContentVersion.PK])
        found = cursor.fetchone()
    return (found[0] if found else "") or ""


def bump() -> None:
    pending = _deferred.get()
    if pending is not None:
        pending.append(True)
        return
    token = uuid.uuid4().hex
    if not ContentVersion.objects.filter(pk=ContentVersion.PK).update(token=token):
        ContentVersion.objects.update_or_create(pk=ContentVersion.PK, defaults={"token": token})


@contextlib.contextmanager
def one_bump():
    """Collect the bumps made inside the block into one at its end (a fixture load sends one per row)."""
    if _deferred.get() is not None:
        yield
        return
    pending: list[bool] = []
    reset = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(reset)
        if pending:
            bump()


def collecting() -> bool:
    """True inside ``one_bump()``: a bulk load that rebuilds derived data itself at its end."""
    return _deferred.get() is not None


def stamp(subsidy: Subsidy) -> str:
    """A cache-key part that changes when the listing or anything else a page shows changes.

    Uses the listing's ``content_version`` attribute when the caller set it (the detail page reads the token
    with the listing's row), else reads the token (one query).
    """
    return f"{subsidy.pk}:{subsidy.updated_at.timestamp()}:{subsidy.state}:{token_of(subsidy)}"


def token_of(subsidy: Subsidy) -> str:
    """The content version read with the listing's row (its ``content_version`` attribute, which the detail page
    sets), else the one stored now (one query)."""
    token = getattr(subsidy, "content_version", _UNREAD)
    return current() if token is _UNREAD else token or ""


def changed(sender=None, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for any model whose values appear on pages."""
    bump()


def links_changed(sender=None, action="", **kwargs) -> None:
    """``m2m_changed`` receiver: bumps after the links changed (not before)."""
    if action.startswith("post_"):
        bump()
