"""The sitemap: every published listing and every landing page, with lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from subsidies.models import Purpose, Region, Subsidy


class SubsidySitemap(Sitemap):
    limit = 10000

    def items(self):
        return Subsidy.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class LandingSitemap(Sitemap):
    """Home, the listing and the region and purpose landing pages (lastmod: the newest listing change)."""

    def items(self):
        return ["home", "list", *Region.objects.all(), *Purpose.objects.all()]

    def location(self, item):
        return reverse(f"subsidies:{item}") if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            self._latest = Subsidy.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return self._latest


SITEMAPS = {"subsidies": SubsidySitemap, "landing": LandingSitemap}
