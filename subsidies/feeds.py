"""The Atom feed of the newest listings; any listing URL's filters work on it too."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from subsidies import clock, listing_index
from subsidies.filters import ListingFilter, combined, listing_bits
from subsidies.formatting import format_deadline, format_yen
from subsidies.models import Subsidy

FEED_SIZE = 30


class LatestSubsidiesFeed(Feed):
    feed_type = Atom1Feed
    title = "補助金ディレクトリ 新着の補助金・助成金"
    subtitle = "新しく掲載された補助金・助成金（検索条件を URL に付けると、その条件の新着になります）"

    def get_object(self, request, *args, **kwargs):
        listing = ListingFilter(request.GET, now=clock.now(), vocabulary=listing_index.current().vocabulary)
        self.query_string = request.GET.urlencode()
        return listing

    def link(self, listing):
        from django.urls import reverse

        return reverse("subsidies:list") + (f"?{self.query_string}" if self.query_string else "")

    def items(self, listing):
        index = listing_index.current()
        newest = index.ordered(combined(index, listing_bits(listing, index)), "new", at=listing.now)
        return Subsidy.objects.select_related("organization").defer("body").in_order(newest[:FEED_SIZE])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return (
            f"{item.summary}（最大支給額: {format_yen(item.max_amount)}／申請締切: {format_deadline(item)}"
            f"／主催: {item.organization.name}）"
        )

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organization.name
