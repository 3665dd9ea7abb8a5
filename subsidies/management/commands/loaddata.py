"""Django's ``loaddata``, then one rebuild of the search index and one bump of the content version.

Rows loaded from fixtures arrive with ``raw=True``, and the search signals skip them (a listing's parts can
arrive before or after it; reindexing per row cost seconds for the demo data). The index is rebuilt once here.
The content version would be bumped for every row and link; ``one_bump`` makes that a single bump.
"""

from django.core.management.commands import loaddata

from subsidies import search, versioning


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        # The one bump comes after the search index is rebuilt: nothing may cache keyword results of the new
        # version computed from the old entries.
        with versioning.one_bump():
            super().handle(*fixture_labels, **options)
            if self.loaded_object_count:
                search.reindex_all()
