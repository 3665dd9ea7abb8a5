"""The vocabulary: the rows listings are filtered and described by (regions, purposes, industries, target
types), and the 全国/block region rule.

``Vocabulary()`` reads them (four queries). The listing index keeps one for each content version, with the
options of the relations other apps declare (``hooks.index_links``), so a page that has the index reads none
(``ListingIndex.vocabulary``, and ``ListingIndex.terms`` for one listing's).
"""

from subsidies import hooks
from subsidies.models import Industry, Purpose, Region, TargetType


class Vocabulary:
    """The taxonomy rows a listing page needs, loaded in four queries (one more for each of ``links``)."""

    def __init__(self, *, links: "dict[str, hooks.Link] | None" = None):
        self.regions = list(Region.objects.all())
        self.purposes = list(Purpose.objects.all())
        self.industries = list(Industry.objects.all())
        self.targets = list(TargetType.objects.all())
        self.by_slug = {
            "region": {r.slug: r for r in self.regions},
            "purpose": {p.slug: p for p in self.purposes},
            "industry": {i.slug: i for i in self.industries},
            "target": {t.slug: t for t in self.targets},
        }
        # Each region's parent (block, 全国) is one of these rows: reading ``region.parent`` makes no query.
        regions = {r.pk: r for r in self.regions}
        for region in self.regions:
            if region.parent_id in regions:
                region.parent = regions[region.parent_id]
        # facet -> option id -> row, in the vocabulary's order; with one query each, the options of ``links``.
        self.rows = {
            "region": regions,
            "purpose": {p.pk: p for p in self.purposes},
            "industry": {i.pk: i for i in self.industries},
            "target": {t.pk: t for t in self.targets},
        }
        for name, link in (links or {}).items():
            self.rows[name] = {row.pk: row for row in link.options.objects.all()}

    def region_matches(self, region: Region) -> set[int]:
        """Ids of the regions whose listings ``in_region(region)`` returns (the 全国/block rule)."""
        ids = {region.pk}
        national = {r.pk for r in self.regions if r.code == Region.NATIONAL_CODE}
        if region.kind == Region.Kind.PREFECTURE:
            ids |= national | ({region.parent_id} if region.parent_id else set())
        elif region.kind == Region.Kind.BLOCK:
            ids |= national | {r.pk for r in self.regions if r.parent_id == region.pk}
        return ids

    @property
    def national_ids(self) -> set[int]:
        return {r.pk for r in self.regions if r.code == Region.NATIONAL_CODE}

    def region_tiers(self, region: Region) -> tuple[set[int], ...]:
        """The groups of ``region_matches(region)`` a listing page shows one after the other: a prefecture's own
        listings, then its block's, then 全国's; a block's (with its prefectures'), then 全国's."""
        national = self.national_ids
        if region.kind == Region.Kind.PREFECTURE:
            block = {region.parent_id} if region.parent_id else set()
            return ({region.pk}, block, national)
        if region.kind == Region.Kind.BLOCK:
            return ({region.pk} | {r.pk for r in self.regions if r.parent_id == region.pk}, national)
        return ()
