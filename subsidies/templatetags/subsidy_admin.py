"""What the admin index shows staff of the verification backlog and of broken links."""

from django import template
from django.db.models import Count, Max

from subsidies import clock
from subsidies.models import VERIFICATION_STATES, LinkCheck, Subsidy

register = template.Library()


@register.inclusion_tag("admin/_verification_counts.html")
def verification_counts():
    """How many published listings are 未確認 and 要再確認, each linked to the changelist filtered to them."""
    now = clock.now()
    published = Subsidy.objects.published()
    return {
        "total": published.count(),
        "states": [
            (value, label, published.verification(value, on=now).count())
            for value, label in VERIFICATION_STATES
        ],
    }


@register.inclusion_tag("admin/_link_check_counts.html")
def link_check_counts():
    """How many links the last ``check_links`` runs found broken, how many are not checked yet, and when the
    last check was (two queries)."""
    counts = dict(
        LinkCheck.objects.order_by()
        .values_list("result")
        .annotate(count=Count("pk"))
        .values_list("result", "count")
    )
    return {
        "broken": counts.get(LinkCheck.Result.BROKEN, 0),
        "unchecked": counts.get(LinkCheck.Result.UNCHECKED, 0),
        "last_checked": LinkCheck.objects.aggregate(last=Max("checked_at"))["last"],
    }
