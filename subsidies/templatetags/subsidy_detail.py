"""Template filters for the detail page, over the rules in ``subsidies.freshness``."""

from django import template

from subsidies import freshness, rendering

register = template.Library()


@register.filter
def needs_reverification_at(subsidy, moment) -> bool:
    return freshness.needs_reverification(subsidy.verified_on, on=moment)


@register.filter
def edition_year(subsidy) -> int:
    return freshness.edition_year(subsidy.updated_at)


@register.filter
def percent(value) -> str:
    """An adoption rate as published: Decimal('60.0') → 「60.0%」."""
    return f"{value}%"


register.filter("web_url", rendering.web_url)
