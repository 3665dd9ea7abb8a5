"""``{% slot "name" %}``: the fragments feature apps registered for that place (``subsidies/slots.py``)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from subsidies import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    # Each fragment is a template, escaped as it renders; its output is HTML.
    return mark_safe("".join(get_template(t).render(context.flatten()) for t in slots.templates(name)))
