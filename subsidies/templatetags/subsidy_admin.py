"""What the admin index shows staff of the verification backlog."""

from django import template

from subsidies import clock
from subsidies.models import VERIFICATION_STATES, Subsidy

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
