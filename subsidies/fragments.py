"""Rendered HTML cached until the first moment it could be wrong.

An entry is keyed by what it was built from (the caller puts ``versioning.stamp(subsidy)`` in the key: the
listing's version and the site's content version) and carries the moment it stops being true, its
``Expiry``: the next JST midnight at the latest (every 「残りN日」 changes then), the next status change of
each listing it shows (``Subsidy.next_status_change``), or sooner when its builder says so (the similar table:
the next JST hour, when its ranking is recomputed). A request at or after that moment rebuilds it, so what
it shows is what a fresh render would show. Entries also leave the cache after ``MAX_SECONDS``, so a change
that sends no signal (``QuerySet.update``, raw SQL) is shown within an hour.

A page made of cached fragments passes its own ``Expiry`` in the template context (``CONTEXT_KEY``); each
fragment, built or read from the cache, lowers it to its own, so the page's entry expires with the first of
its parts.
"""

import dataclasses
import datetime
import hashlib
import math
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from . import clock
from .models import Subsidy

MAX_SECONDS = 60 * 60
CONTEXT_KEY = "fragment_expiry"


@dataclasses.dataclass
class Expiry:
    """The moment from which something rendered at ``now`` may be wrong; it is true while ``now < at``."""

    now: datetime.datetime
    at: datetime.datetime

    @classmethod
    def starting(cls, now: datetime.datetime) -> "Expiry":
        return cls(now, clock.next_midnight(now))

    def not_after(self, moment: datetime.datetime | None) -> None:
        if moment is not None and moment < self.at:
            self.at = moment

    def shows(self, subsidy: Subsidy) -> None:
        """Something shown depends on ``subsidy``'s status (badge, days left, verdict)."""
        self.not_after(subsidy.next_status_change(after=self.now))


@dataclasses.dataclass(frozen=True)
class _Entry:
    value: Any
    expires: datetime.datetime


class ProcessCache:
    """The most used entries of the shared cache, also kept in this process's memory.

    A hit costs no unpickling and, with Redis, no round trip. Keys are the shared cache's, so whatever makes
    a new key (an edit, a new content version) is seen here too. An entry is kept here until its own expiry,
    and for at most ``SECONDS`` after it was taken from the shared cache, so a change that sends no signal
    shows here at most that much later than there.
    """

    SECONDS = 60

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[_Entry, datetime.datetime]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, now: datetime.datetime) -> _Entry | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            entry, until = found
            if not now < until:
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: _Entry, now: datetime.datetime) -> None:
        until = min(entry.expires, now + datetime.timedelta(seconds=self.SECONDS))
        with self.lock:
            self.entries[key] = (entry, until)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def cached(
    key: str,
    *,
    now: datetime.datetime,
    build: Callable[[Expiry], Any],
    expiry: Expiry | None = None,
    local: ProcessCache | None = None,
):
    """The value cached under ``key`` if it is still true at ``now``, else ``build(Expiry)`` stored anew.

    ``build`` lowers the ``Expiry`` it is given to the first moment its value may change. The value's expiry
    is passed on to ``expiry`` (the enclosing page's) when one is given. With ``local``, the entry is looked
    for there first and kept there too.
    """
    entry = local.get(key, now) if local is not None else None
    if entry is None:
        entry = cache.get(key)
        if entry is None or not now < entry.expires:
            own = Expiry.starting(now)
            entry = _Entry(build(own), own.at)
            seconds = math.ceil((entry.expires - now).total_seconds())
            cache.set(key, entry, max(1, min(MAX_SECONDS, seconds)))
        if local is not None:
            local.put(key, entry, now)
    if expiry is not None:
        expiry.not_after(entry.expires)
    return entry.value


def cached_html(
    key: str, *, now: datetime.datetime, build: Callable[[Expiry], str], context=None
) -> SafeString:
    """``cached`` for a template tag's HTML; ``context`` is the page's template context (for its Expiry)."""
    expiry = context.get(CONTEXT_KEY) if context is not None else None
    return mark_safe(cached(key, now=now, build=build, expiry=expiry))


@dataclasses.dataclass(frozen=True)
class Slotted:
    """HTML with holes for per-request values: even items are UTF-8 HTML, odd items are slot names.

    Kept encoded, so filling it is one ``join`` of bytes, ready to send. ``digest`` names what the pieces say
    (the HTML and where each slot goes), computed once: two renders that say the same have the same digest on
    every app server, which is what the detail page's ETag and CSP nonce are made from (``detail_page``).
    """

    pieces: tuple[bytes | str, ...]
    digest: str = ""

    def __post_init__(self):
        if not self.digest:
            hasher = hashlib.blake2b(digest_size=16)
            for index, piece in enumerate(self.pieces):
                data = piece if index % 2 == 0 else piece.encode()
                hasher.update(b"%d:%d:" % (index % 2, len(data)))
                hasher.update(data)
            object.__setattr__(self, "digest", hasher.hexdigest())

    def fill(self, **values: str) -> bytes:
        pieces = list(self.pieces)
        for index in range(1, len(pieces), 2):
            pieces[index] = values[pieces[index]].encode()
        return b"".join(pieces)


class Slots:
    """Markers to render in place of per-request values, then cut out (``split``).

    Each marker is random for each render, so no text of a listing can contain one by chance or on purpose.
    Markers are letters and digits only, so escaping leaves them as they are.
    """

    def __init__(self, *names: str):
        self.markers = {name: f"slot{secrets.token_hex(16)}" for name in names}

    def __getitem__(self, name: str) -> str:
        return self.markers[name]

    def split(self, html: str) -> Slotted:
        pieces = [html]
        for name, marker in self.markers.items():
            pieces = [
                part
                for index, piece in enumerate(pieces)
                for part in (_split(piece, marker, name) if index % 2 == 0 else [piece])
            ]
        return Slotted(
            tuple(piece.encode() if index % 2 == 0 else piece for index, piece in enumerate(pieces))
        )


def _split(text: str, marker: str, name: str) -> list[str]:
    parts = text.split(marker)
    result = [parts[0]]
    for part in parts[1:]:
        result += [name, part]
    return result
