"""The links a listing points to, and what the link checker last saw at each (``LinkCheck``).

``SOURCES`` is the one list of places a listing's URLs come from. Everything else — which rows exist, which
are pruned when staff change a URL, which URLs are due, the admin's 「リンク切れ」 — derives from it. A source
has ``occurrences(subsidy_ids=None)`` yielding (listing id, ``LinkCheck.Field`` value, url), a ``model`` whose
saves change those URLs and ``subsidy_id(instance)``. A funding round's 公募要領 URL is one more entry
(``RoundGuidelines``: the round's listing, ``"round_guidelines"``, its URL).

The network side is ``link_checker.py``; ``manage.py check_links`` joins the two.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Iterator

from django.db import models, transaction
from django.db.models import Max, Min

from .link_checker import Outcome, is_checkable
from .models import LinkCheck, Round, Subsidy


@dataclasses.dataclass(frozen=True)
class SubsidyURLFields:
    """URL columns of the listing itself (公式ページ, 情報ソース, 問い合わせページ), read in one query."""

    fields: tuple[LinkCheck.Field, ...]
    model: type[models.Model] = Subsidy

    def occurrences(self, subsidy_ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, str]]:
        rows = Subsidy.objects.order_by()
        if subsidy_ids is not None:
            rows = rows.filter(pk__in=list(subsidy_ids))
        for pk, *urls in rows.values_list("pk", *self.fields).iterator(chunk_size=2000):
            for field, url in zip(self.fields, urls, strict=True):
                if url:
                    yield pk, field, url

    @staticmethod
    def subsidy_id(instance: Subsidy) -> int:
        return instance.pk


@dataclasses.dataclass(frozen=True)
class RoundGuidelines:
    """The 公募要領 URL of each of a listing's funding rounds (公募回), read in one query."""

    model: type[models.Model] = Round

    def occurrences(self, subsidy_ids: Iterable[int] | None = None) -> Iterator[tuple[int, str, str]]:
        rows = Round.objects.order_by().exclude(guidelines_url="")
        if subsidy_ids is not None:
            rows = rows.filter(subsidy_id__in=list(subsidy_ids))
        for subsidy_id, url in rows.values_list("subsidy_id", "guidelines_url").iterator(chunk_size=2000):
            yield subsidy_id, LinkCheck.Field.ROUND_GUIDELINES, url

    @staticmethod
    def subsidy_id(instance: Round) -> int:
        return instance.subsidy_id


# Where a listing's URLs come from: each source yields (listing id, LinkCheck.Field value, url).
SOURCES = (
    SubsidyURLFields((LinkCheck.Field.OFFICIAL_URL, LinkCheck.Field.SOURCE_URL, LinkCheck.Field.CONTACT_URL)),
    RoundGuidelines(),
)

Place = tuple[int, str, str]  # (listing id, field, url)


def current_places(subsidy_ids: Iterable[int] | None = None) -> set[Place]:
    """Every (listing, field, URL) that listings link to now and that the checker follows (http/https)."""
    return {
        (subsidy_id, field, url)
        for source in SOURCES
        for subsidy_id, field, url in source.occurrences(subsidy_ids)
        if is_checkable(url)
    }


def uncheckable_count() -> int:
    """How many places hold a URL the checker does not follow (``ftp:``, no host): reported, not checked."""
    return sum(1 for source in SOURCES for _, _, url in source.occurrences() if not is_checkable(url))


def sync(subsidy_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Make the ``LinkCheck`` rows match the listings: a row for every place (new ones 未確認), none for a URL
    a listing no longer holds. Returns (rows added, rows removed). ``subsidy_ids`` limits it to some listings."""
    ids = None if subsidy_ids is None else list(subsidy_ids)
    wanted = current_places(ids)
    rows = LinkCheck.objects.all() if ids is None else LinkCheck.objects.filter(subsidy_id__in=ids)
    existing = {
        (subsidy_id, field, url): pk
        for pk, subsidy_id, field, url in rows.values_list("pk", "subsidy_id", "field", "url").iterator(
            chunk_size=5000
        )
    }
    gone = [pk for place, pk in existing.items() if place not in wanted]
    new = [
        LinkCheck(subsidy_id=subsidy_id, field=field, url=url)
        for subsidy_id, field, url in wanted
        if (subsidy_id, field, url) not in existing
    ]
    with transaction.atomic():
        for start in range(0, len(gone), 500):
            LinkCheck.objects.filter(pk__in=gone[start : start + 500]).delete()
        # ignore_conflicts: a listing saved while this runs may have added the same row already.
        LinkCheck.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new), len(gone)


def due_urls(
    *, at: datetime.datetime, stale_after: datetime.timedelta | None = None, limit: int | None = None
) -> list[str]:
    """The distinct URLs to check now: never checked first, then the longest unchecked, at most ``limit``.

    With ``stale_after``, a URL is due when one of its places was never checked or was last checked more than
    ``stale_after`` before ``at``; without it, every URL is due.
    """
    urls = (
        LinkCheck.objects.due(at=at, stale_after=stale_after)
        .order_by()
        .values("url")
        .annotate(last_checked=Min("checked_at"))
        .order_by(models.F("last_checked").asc(nulls_first=True), "url")
        .values_list("url", flat=True)
    )
    return list(urls if limit is None else urls[:limit])


def pending_count(*, at: datetime.datetime, stale_after: datetime.timedelta | None) -> int:
    return LinkCheck.objects.due(at=at, stale_after=stale_after).values("url").distinct().count()


def record(outcome: Outcome, *, at: datetime.datetime) -> bool:
    """Write what was seen at a URL to every place that holds it. Returns True when the link is newly broken.

    A failure streak belongs to the URL: a place that started using an already failing URL takes on the streak
    (its first failure and the count), so all rows of one URL agree. A working answer ends the streak.
    """
    rows = LinkCheck.objects.filter(url=outcome.url)
    seen = {
        "status_code": outcome.status_code,
        "final_url": outcome.final_url,
        "error": outcome.error,
        "checked_at": at,
    }
    if not outcome.broken:
        rows.update(result=LinkCheck.Result.OK, first_failed_at=None, consecutive_failures=0, **seen)
        return False
    with transaction.atomic():
        before = rows.filter(result=LinkCheck.Result.BROKEN).aggregate(
            first=Min("first_failed_at"), count=Max("consecutive_failures")
        )
        rows.update(
            result=LinkCheck.Result.BROKEN,
            first_failed_at=before["first"] or at,
            consecutive_failures=(before["count"] or 0) + 1,
            **seen,
        )
    return before["count"] is None


def forget_removed_links(sender, instance, raw=False, **kwargs) -> None:
    """``post_save`` / ``post_delete`` of a source's model: drop the results for URLs the listing no longer
    links to, so staff never see a stale 「リンク切れ」 for a URL they have already replaced. New URLs get their
    rows (and their check) on the next ``check_links`` run."""
    if raw:
        return
    subsidy_ids = {source.subsidy_id(instance) for source in SOURCES if isinstance(instance, source.model)}
    if not subsidy_ids:
        return
    wanted = current_places(subsidy_ids)
    stale = [
        pk
        for pk, subsidy_id, field, url in LinkCheck.objects.filter(subsidy_id__in=subsidy_ids).values_list(
            "pk", "subsidy_id", "field", "url"
        )
        if (subsidy_id, field, url) not in wanted
    ]
    if stale:
        LinkCheck.objects.filter(pk__in=stale).delete()
