"""Django's ``loaddata``, through the same validation staff use, then one rebuild of the search index and one
bump of the content version.

Each listing and round (公募回) in a fixture is checked by ``Subsidy.full_clean()`` before it is written, exactly as the admin
checks a staff member's form: an expected date without its 予定 flag, a 確認日 without the person who checked,
a title whose amount contradicts the structured amount, are refused, and nothing of the file is loaded. What a
fixture does not carry is what this site measures itself: ``created_at``/``updated_at`` (their defaults, the
moment of loading), ``published_at`` of a published listing (the moment it was published here, the load) and
the view count (0).

Rows loaded from fixtures arrive with ``raw=True``, and the search signals skip them (a listing's parts can
arrive before or after it; reindexing per row cost seconds for the demo data). The index is rebuilt once here.
The content version would be bumped for every row and link; ``one_bump`` makes that a single bump.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db.models.signals import pre_save

from subsidies import search, versioning
from subsidies.models import Round, Subsidy


def validate_listing(sender, instance, raw=False, **kwargs):
    if not raw:
        return
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise CommandError(
            f"{instance._meta.verbose_name} {instance.pk}「{str(instance)[:40]}」を読み込めません: {problems}"
        ) from None


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        # The one bump comes after the search index is rebuilt: nothing may cache keyword results of the new
        # version computed from the old entries.
        pre_save.connect(validate_listing, sender=Subsidy, dispatch_uid="loaddata-validate-listing")
        pre_save.connect(validate_listing, sender=Round, dispatch_uid="loaddata-validate-round")
        try:
            with versioning.one_bump():
                super().handle(*fixture_labels, **options)
                if self.loaded_object_count:
                    search.reindex_all()
        finally:
            pre_save.disconnect(sender=Subsidy, dispatch_uid="loaddata-validate-listing")
            pre_save.disconnect(sender=Round, dispatch_uid="loaddata-validate-round")
