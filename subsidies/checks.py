"""System checks for what the listings need from the settings and from the apps that plug into them.

``SITE_URL`` makes the absolute URLs of a listing (canonical, OpenGraph, JSON-LD, the calendar file). Development
has a default (the development server's address); with DEBUG off a missing or malformed one is an error, so
``manage.py check``, ``migrate`` and ``runserver`` refuse to run instead of pointing those links at 127.0.0.1.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from . import hooks

EXAMPLE = "https://hojo.example.jp"


def site_url_check(app_configs, **kwargs) -> list[Error]:
    site_url = getattr(settings, "SITE_URL", "")
    if not site_url:
        if settings.DEBUG:
            return []
        return [
            Error(
                "SITE_URL must be set when DEBUG is off.",
                hint=f"Set the environment variable SITE_URL to the public address of the site, e.g. {EXAMPLE}.",
                id="subsidies.E001",
            )
        ]
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return [
            Error(
                f"SITE_URL must be an http(s) address without a path, not {site_url!r}.",
                hint=f"For example {EXAMPLE}.",
                id="subsidies.E002",
            )
        ]
    return []


def sections_check(app_configs, **kwargs) -> list[Error]:
    """Every section an app declares (``subsidy_sections``, see ``hooks.py``) names a known slot and a template."""
    errors = []
    for app, slot, template in hooks.declared_sections():
        if slot not in hooks.SLOTS:
            errors.append(
                Error(
                    f"{app} adds {template!r} to the unknown slot {slot!r}.",
                    hint=f"The slots are: {', '.join(hooks.SLOTS)}.",
                    id="subsidies.E003",
                )
            )
            continue
        try:
            get_template(template)
        except TemplateDoesNotExist:
            errors.append(
                Error(f"{app} adds the missing template {template!r} to {slot!r}.", id="subsidies.E003")
            )
    return errors
