"""Keep the search index current: any save or delete of a listing, its indexed parts or its organiser."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from subsidies import search
from subsidies.models import FAQ, Organization, RequiredDocument, Subsidy, SubsidyExpense


@receiver(post_save, sender=Subsidy)
def reindex_subsidy(sender, instance, **kwargs):
    search.reindex([instance.pk])


def reindex_parent(sender, instance, **kwargs):
    # During loaddata a part may arrive before its listing; the listing's own save indexes it then.
    if Subsidy.objects.filter(pk=instance.subsidy_id).exists():
        search.reindex([instance.subsidy_id])


for child in (SubsidyExpense, RequiredDocument, FAQ):
    post_save.connect(reindex_parent, sender=child, dispatch_uid=f"search-save-{child.__name__}")
    post_delete.connect(reindex_parent, sender=child, dispatch_uid=f"search-delete-{child.__name__}")


@receiver(post_save, sender=Organization)
def reindex_organization(sender, instance, created, **kwargs):
    if not created:
        ids = list(instance.subsidies.values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            search.reindex(ids[start : start + 500])
