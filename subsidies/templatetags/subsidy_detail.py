"""Template filters for the detail page, over the rules in ``subsidies.freshness``."""

from django import template

from subsidies import freshness, rendering
from subsidies import rounds as rounds_module

register = template.Library()


@register.filter
def needs_reverification_at(subsidy, moment) -> bool:
    return freshness.needs_reverification(subsidy.verified_on, on=moment)


@register.simple_tag
def stale_after_days() -> int:
    return freshness.STALE_AFTER_DAYS


@register.filter
def site_name(url: str) -> str:
    """The site a link goes to, as its host name (「www.aots.jp」), so a label never names another site."""
    return rendering.site_name(url)


@register.filter
def percent(value) -> str:
    """An adoption rate as published: Decimal('60.0') → 「60.0%」."""
    return f"{value}%"


register.filter("web_url", rendering.web_url)


@register.simple_tag
def round_history(rounds, moment):
    """The rounds (公募回) as they read at ``moment`` (``subsidies.rounds.history``)."""
    return rounds_module.history(rounds, at=moment)
