"""Keep derived data true when a listing or its parts change outside the listing's own save.

- The search index (``search.reindex``) follows every save or delete of a listing, its indexed parts and its
  organiser. Fixture loading (``raw``) is left to our ``loaddata`` command, which reindexes once at its end
  instead of once per row; inside ``versioning.one_bump()`` (``loaddata``, each record of a jGrants import)
  the caller reindexes what it wrote once, at its end.
- ``Subsidy.updated_at`` is touched when a child row changes, because the detail page caches per-listing parts
  under it (see ``detail_parts.py``). Fixture loading (``raw``) keeps the dates the fixture states.
  Many-to-many links (地域, 対象事業者の種別) are not watched: ``loaddata`` sets them without a ``raw`` flag, so a
  handler could not tell a fixture from an edit. Staff change them in the admin, which saves the listing
  itself; a change made elsewhere reaches the page when the cache entry expires.
- The site's content version (``versioning.bump``) follows every save and delete of a listing, its parts, its
  organiser and the vocabulary, and every change of the listings' many-to-many links: cached pages and
  sections that show other listings are keyed by it, and so is each process's listing index
  (``listing_index.py``). Fixture loads bump once, at the end (``loaddata``).
- Link check results (``links.py``) for a URL a listing no longer holds are dropped when the listing (or any
  other model a link source reads) is saved or deleted, so 「リンク切れ」 never names a replaced URL. Not a
  page change: no bump.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from . import links, search, versioning
from .models import (
    FAQ,
    ApplicationStep,
    Eligibility,
    EligibilityRequirement,
    ExpenseCategory,
    Industry,
    Organization,
    Purpose,
    Region,
    RequiredDocument,
    Round,
    Subsidy,
    SubsidyExpense,
    TargetType,
)

CHILDREN = (
    EligibilityRequirement,
    Eligibility,
    SubsidyExpense,
    RequiredDocument,
    ApplicationStep,
    FAQ,
    Round,
)
INDEXED_CHILDREN = (SubsidyExpense, RequiredDocument, FAQ)
# Everything whose values a public page shows: a save or delete of any of these bumps the content version.
SHOWN = (Subsidy, *CHILDREN, Organization, Region, Purpose, Industry, TargetType, ExpenseCategory)
SHOWN_LINKS = (
    Subsidy.regions.through,
    Subsidy.purposes.through,
    Subsidy.industries.through,
    Subsidy.target_types.through,
)


def touch(subsidy_ids) -> None:
    Subsidy.objects.filter(pk__in=list(subsidy_ids)).update(updated_at=timezone.now())


def _listing_deleted(origin) -> bool:
    """True when a child row goes because its listing is being deleted (a cascade: nothing to update)."""
    return isinstance(origin, Subsidy) or getattr(origin, "model", None) is Subsidy


def child_changed(sender, instance, raw=False, origin=None, **kwargs):
    if not raw and not _listing_deleted(origin):
        touch([instance.subsidy_id])


def reindex_subsidy(sender, instance, raw=False, **kwargs):
    # Inside ``versioning.one_bump`` (a fixture load, one imported jGrants record) the caller reindexes once.
    if not raw and not versioning.collecting():
        search.reindex([instance.pk])


def reindex_parent(sender, instance, raw=False, origin=None, **kwargs):
    # In a cascade the listing's own entry is already gone; reindexing would bring it back without its listing.
    if (
        not raw
        and not versioning.collecting()
        and not _listing_deleted(origin)
        and Subsidy.objects.filter(pk=instance.subsidy_id).exists()
    ):
        search.reindex([instance.subsidy_id])


def reindex_organization(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        ids = list(instance.subsidies.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            search.reindex(ids[start : start + 500])


def reindex_links(sender, instance, action="", reverse=False, pk_set=None, **kwargs):
    """A listing's region, purpose or industry names are part of its searchable text. A fixture load
    (inside ``versioning.one_bump``) reindexes everything once at its end instead."""
    if not action.startswith("post_") or versioning.collecting():
        return
    if not reverse:
        search.reindex([instance.pk])
    elif pk_set:
        search.reindex(sorted(pk_set))


def connect() -> None:
    post_save.connect(reindex_subsidy, sender=Subsidy, dispatch_uid="search-save-Subsidy")
    post_save.connect(reindex_organization, sender=Organization, dispatch_uid="search-save-Organization")
    for model in INDEXED_CHILDREN:
        post_save.connect(reindex_parent, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(reindex_parent, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    for model in CHILDREN:
        post_save.connect(child_changed, sender=model, dispatch_uid=f"touch-subsidy-{model.__name__}-save")
        post_delete.connect(
            child_changed, sender=model, dispatch_uid=f"touch-subsidy-{model.__name__}-delete"
        )
    for model in SHOWN:
        post_save.connect(versioning.changed, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(versioning.changed, sender=model, dispatch_uid=f"version-delete-{model.__name__}")
    for name in search.TAXONOMY_LINKS:
        through = getattr(Subsidy, name).through
        m2m_changed.connect(reindex_links, sender=through, dispatch_uid=f"search-links-{through.__name__}")
    for through in SHOWN_LINKS:
        m2m_changed.connect(
            versioning.links_changed, sender=through, dispatch_uid=f"version-{through.__name__}"
        )
    for model in {source.model for source in links.SOURCES}:
        post_save.connect(
            links.forget_removed_links, sender=model, dispatch_uid=f"links-save-{model.__name__}"
        )
        if model is not Subsidy:  # a deleted listing's results go with it (CASCADE)
            post_delete.connect(
                links.forget_removed_links, sender=model, dispatch_uid=f"links-delete-{model.__name__}"
            )
