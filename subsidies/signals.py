"""Keep ``Subsidy.updated_at`` true when a listing's child rows change outside the listing's own save.

The detail page caches per-listing parts under the listing's ``updated_at`` (see ``detail_parts.py``), so an
edit to a child row (対象経費, 必要書類, ...) marks the listing as updated. Fixture loading (``raw``) keeps the
dates the fixture states. Many-to-many links (地域, 対象事業者の種別) are not watched: ``loaddata`` sets them
without a ``raw`` flag, so a handler could not tell a fixture from an edit. Staff change them in the admin,
which saves the listing itself; a change made elsewhere reaches the page when the cache entry expires.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import FAQ, ApplicationStep, EligibilityRequirement, RequiredDocument, Subsidy, SubsidyExpense

CHILDREN = (EligibilityRequirement, SubsidyExpense, RequiredDocument, ApplicationStep, FAQ)


def touch(subsidy_ids) -> None:
    Subsidy.objects.filter(pk__in=list(subsidy_ids)).update(updated_at=timezone.now())


def child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch([instance.subsidy_id])


def connect() -> None:
    for model in CHILDREN:
        post_save.connect(child_changed, sender=model, dispatch_uid=f"touch-subsidy-{model.__name__}-save")
        post_delete.connect(
            child_changed, sender=model, dispatch_uid=f"touch-subsidy-{model.__name__}-delete"
        )
