"""Places on subsidies' pages where feature apps add a fragment of their own.

A feature app registers a template for a slot in its ``AppConfig.ready()``::

    slots.register("detail", "alerts/_detail_subscribe.html")

and the page renders every template registered for the slot, in registration order, with the page's context
(``{% slot "detail" %}``, from ``{% load subsidy_slots %}``). Subsidies knows the slot names, never the apps:
removing an app from ``INSTALLED_APPS`` removes its fragments and leaves a working page.

Slots: ``listing`` (the listing and landing pages, under the results; context of ``listing_context``) and
``detail`` (the detail page, at its end; context ``subsidy``). The detail page is cached as a whole for
every visitor (``detail_page.py``): a fragment there must be the same for everyone (no CSRF token, nothing
per user) and cost no query.
"""

SLOTS = ("listing", "detail")
_templates: dict[str, list[str]] = {name: [] for name in SLOTS}


def register(slot: str, template_name: str) -> None:
    if slot not in _templates:
        raise ValueError(f"unknown slot {slot!r}; known: {', '.join(SLOTS)}")
    if template_name not in _templates[slot]:
        _templates[slot].append(template_name)


def templates(slot: str) -> tuple[str, ...]:
    return tuple(_templates[slot])
