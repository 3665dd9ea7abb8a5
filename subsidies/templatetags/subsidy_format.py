"""Template filters over ``subsidies.formatting``: templates display, the module decides."""

from django import template

from subsidies import formatting

register = template.Library()

register.filter("yen", formatting.format_yen)
register.filter("jdate", formatting.format_date)
register.filter("wareki", formatting.format_wareki)
register.filter("days_left", formatting.format_days_left)
register.filter("deadline_text", formatting.format_deadline)
register.filter("accepts_from_text", formatting.format_accepts_from)


@register.filter
def deadline_text_short(subsidy):
    """The deadline without the weekday (cards, tables)."""
    return formatting.format_deadline(subsidy, weekday=False)


@register.filter
def jdate_short(value):
    """A date without the weekday: 「2026年3月31日」."""
    return formatting.format_date(value, weekday=False)


@register.filter
def status_at(subsidy, moment):
    """The listing's ApplicationStatus at ``moment`` (a row annotated by ``with_status`` keeps its value)."""
    from subsidies.models import ApplicationStatus

    annotated = getattr(subsidy, "application_status", None)
    if isinstance(annotated, str):
        return ApplicationStatus(annotated)
    return subsidy.status(at=moment)


@register.filter
def days_left_at(subsidy, moment):
    return formatting.format_days_left(subsidy.days_left(on=moment))


@register.filter
def urgency_at(subsidy, moment):
    return subsidy.urgency(on=moment) or ""


@register.filter
def web_url(value):
    """The URL when it is http(s), else "": a stored ``javascript:`` URL never becomes a link."""
    from subsidies.rendering import web_url as only_web

    return only_web(value)
