"""``{% slot "name" %}``: the fragments feature apps registered for that place (``subsidies/slots.py``)."""

from django import template
from django.template.loader import get_template

from subsidies import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    return "".join(get_template(t).render(context.flatten()) for t in slots.templates(name))
