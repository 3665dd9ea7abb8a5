"""``{% subsidy_sections "slot" %}``: the sections other apps add to a slot of the page (``subsidies/hooks.py``)."""

from django import template
from django.utils.safestring import mark_safe

from subsidies import hooks

register = template.Library()


class SectionsNode(template.Node):
    def __init__(self, slot: str):
        self.slot = slot

    def render(self, context) -> str:
        engine = context.template.engine
        rendered = []
        for name in hooks.sections(self.slot):
            # As {% include %} does: the page's context, in a layer of its own.
            with context.push():
                rendered.append(engine.get_template(name).render(context))
        return mark_safe("".join(rendered))


@register.tag("subsidy_sections")
def subsidy_sections(parser, token) -> SectionsNode:
    bits = token.split_contents()
    slot = bits[1][1:-1] if len(bits) == 2 and bits[1][:1] == bits[1][-1:] and bits[1][:1] in "\"'" else None
    if slot not in hooks.SLOTS:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one quoted slot name, one of: {', '.join(hooks.SLOTS)}"
        )
    return SectionsNode(slot)
