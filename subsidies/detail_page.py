"""The detail page, rendered once and served from the cache with holes for what is per request.

Two requests for a listing at the same moment get the same page but for the CSP nonce and the view count, so
the page is cached with slots for those two (``fragments.Slots``) and they are filled in per request. The
entry is keyed by ``PageRow.version`` (the listing's ``updated_at`` and state, and the site's content version),
so a staff edit of the listing or of anything the page shows (a listing in its similar table, a shared
checklist item, the organiser) makes the next request render it anew. What changes with the clock (status,
days left, urgency, the staleness notice, the checklist's and the similar table's statuses) is rendered
into the page, and the entry expires at the first moment any of it changes (``fragments.Expiry``): the next
JST midnight, the next status change of the listing or of a listing in its similar table, or the next JST hour
(when the similar ranking is recomputed).

On a hit a request makes one query (``read_row``: a SELECT, or for a browser's first view the UPDATE that
counts it) and renders no template.

The public's page is the same bytes for everyone who asks while it is true, so it can be cached by browsers and
CDNs and revalidated (``ETag``, see "DESIGN notes: HTTP caching" in the README): its CSP nonce is not random per
response but derived from what the page says (``nonce_for``), and the view count is part of its ETag.
"""

import dataclasses
import datetime
import hashlib
from functools import cache

from django.db import connection
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from . import fragments
from .detail_parts import detail_parts
from .models import ContentVersion, Subsidy

CACHE_VERSION = 2
TEMPLATE = "subsidies/subsidy_detail.html"
# The page's per-request values, filled into the cached page on every request.
SLOTS = ("nonce", "views")
# The pages most asked for, kept in each process as well as in the shared cache (about 60 KB each).
LOCAL_PAGES = fragments.ProcessCache(size=64)


@dataclasses.dataclass
class PageRow:
    """What a request needs before it knows whether the cached page will do."""

    pk: int
    updated_at: object
    state: str
    # The site's content version (``versioning``).
    token: str
    view_count: int

    @property
    def version(self) -> str:
        return f"{self.updated_at}|{self.state}|{self.token}"


@cache
def _row_sql(*, drafts: bool, count: bool) -> str:
    quote = connection.ops.quote_name
    table, versions = quote(Subsidy._meta.db_table), quote(ContentVersion._meta.db_table)
    columns = (
        f"{quote('id')}, {quote('updated_at')}, {quote('state')}, {quote('view_count')},"
        f" (SELECT {quote('token')} FROM {versions} WHERE {quote('id')} = %(version)s)"
    )
    where = f"{quote('id')} = %(pk)s" + ("" if drafts else f" AND {quote('state')} = %(published)s")
    if not count:
        return f"SELECT {columns} FROM {table} WHERE {where}"
    if connection.vendor == "postgresql":
        # This statement's transaction commits without waiting for its WAL to reach the disk (see counting).
        where += " AND set_config('synchronous_commit', 'off', true) = 'off'"
    views = quote("view_count")
    return f"UPDATE {table} SET {views} = {views} + 1 WHERE {where} RETURNING {columns}"


def read_row(pk: int, *, drafts: bool, count: bool = False) -> PageRow | None:
    """The listing's id, version and view count in one query; None if it does not exist or (unless
    ``drafts``) is not published. With ``count`` the same query adds this view to the count first
    (``UPDATE ... RETURNING``), so the count shown includes it and no count is ever lost to a race.

    Plain SQL on purpose: this runs on every request, and building the same read through the ORM (the
    defer, the join and the content version subquery) cost 1–2.5 ms of Python per request against ~0.2 ms for
    the query itself. ``updated_at`` is used as the database returns it (an aware datetime on PostgreSQL, a
    string on SQLite): it only has to change when the row changes.
    """
    if not 0 < pk < 2**63:  # outside the id column's range: PostgreSQL would refuse the parameter
        return None
    params = {"version": ContentVersion.PK, "pk": pk, "published": Subsidy.State.PUBLISHED}
    # On PostgreSQL, prepared once per connection (``config.postgresql``): about half the database's CPU for it.
    with getattr(connection, "prepared_cursor", connection.cursor)() as cursor:
        cursor.execute(_row_sql(drafts=drafts, count=count), params)
        found = cursor.fetchone()
    if found is None:
        return None
    pk, updated_at, state, view_count, token = found
    return PageRow(pk=pk, updated_at=updated_at, state=state, token=token or "", view_count=view_count)


def nonce_for(page: fragments.Slotted) -> str:
    """The CSP nonce of the public's page: a keyed hash (``SECRET_KEY``) of what the page says.

    A nonce random per response would make every response's body and ``Content-Security-Policy`` header
    differ, so no ETag could name them, and a 304 would pair the body a browser kept (old nonce) with the
    header of a new response. Derived from the page, the nonce is the same for every response of the same page,
    and a 304 (which carries no CSP header: see ``config/http_cache.py``) leaves the browser's stored pair as
    it was. The nonce still guards: markup injected into a listing changes what the page says and so the nonce,
    which only the server can compute, so it cannot carry the nonce of the page it ends up in.
    """
    return salted_hmac("subsidies.detail_page.nonce", page.digest, algorithm="sha256").hexdigest()[:32]


def etag_for(page: fragments.Slotted, views: str) -> str:
    """The public page's ETag: what the page says and the view count it shows (``views``, the filled-in item).

    The same page with another count shown is another representation, so a browser that revalidates is sent
    the count as it is now, never kept on an old one by a 304.
    """
    digest = hashlib.blake2b(f"{page.digest}|{views}".encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def page_key(row: PageRow) -> str:
    digest = hashlib.blake2b(row.version.encode(), digest_size=12).hexdigest()
    return f"subsidies:detail-page:{CACHE_VERSION}:{row.pk}:{digest}"


def page(
    request: HttpRequest,
    row: PageRow,
    *,
    now: datetime.datetime,
    cached: bool,
    expiry: fragments.Expiry | None = None,
) -> fragments.Slotted:
    """The page at ``now`` with the slots ``SLOTS`` to fill in, from the cache when ``cached`` and the entry is
    still true at ``now``; else rendered (and stored when ``cached``). ``expiry``, when given, is lowered to the
    first moment the page may change (the view tells HTTP caches so).

    The template may read nothing from the request but through the slots, and nothing from the clock but
    ``now`` (whose effects ``Expiry`` follows). The entry is the public's page: a request from a signed-in
    user (staff, who also see drafts) and a request whose query string other apps' sections read (the
    comparison button reads ``?compare=``) are rendered with ``cached=False``, so what was rendered for one
    person is never stored or served to another.
    """

    def render(expiry: fragments.Expiry) -> fragments.Slotted:
        subsidy = get_object_or_404(Subsidy.objects.select_related("organization"), pk=row.pk)
        subsidy.content_version = row.token
        expiry.shows(subsidy)
        parts = detail_parts(subsidy)
        for round_ in parts.rounds:  # the round history shows each round's status
            expiry.not_after(round_.next_status_change(after=now))
        slots = fragments.Slots(*SLOTS)
        context = {
            "subsidy": subsidy,
            "parts": parts,
            "now": now,
            "views": slots["views"],
            # Overrides the context processor's nonce: the request's own is filled in per request.
            "csp_nonce": slots["nonce"],
            fragments.CONTEXT_KEY: expiry,
        }
        return slots.split(render_to_string(TEMPLATE, context, request))

    if not cached:
        own = fragments.Expiry.starting(now)
        rendered = render(own)
        if expiry is not None:
            expiry.not_after(own.at)
        return rendered
    return fragments.cached(page_key(row), now=now, build=render, expiry=expiry, local=LOCAL_PAGES)
