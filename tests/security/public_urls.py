"""Every public URL of the site, in one place: the hostile-input, header and XSS tests walk this list.

The paths are DESIGN.md's fixed URLs, pointed at real rows of the demo data (the seed listing 155678, real
program 200001, region ``tokyo``, purpose ``equipment-it``), each with the query parameters the page reads
(hostile values are sent in those, besides random ones). A path that does not resolve on this build (a page
still being built on another branch) is skipped, so it is covered automatically once merged. When a public
page is added, add it here.
"""

from django.urls import Resolver404, resolve

SEED_PK = 155678
OTHER_PK = 200001

LISTING_PARAMS = [
    "q",
    "region",
    "purpose",
    "industry",
    "target",
    "status",
    "amount",
    "deadline_within",
    "difficulty",
    "sort",
    "page",
]

# (path, query parameters the page reads)
PUBLIC_PAGES = [
    ("/", ["q"]),
    ("/subsidies/", LISTING_PARAMS),
    (f"/subsidies/{SEED_PK}/", []),
    (f"/subsidies/{SEED_PK}/checklist/", ["items", "item", "done", "print"]),
    (f"/subsidies/{SEED_PK}/deadline.ics", []),
    (f"/subsidies/{SEED_PK}/ask/", ["q"]),
    ("/compare/", ["ids"]),
    ("/regions/tokyo/", LISTING_PARAMS),
    ("/purposes/equipment-it/", LISTING_PARAMS),
    ("/feeds/latest/", LISTING_PARAMS),
    ("/sitemap.xml", ["p"]),
    ("/robots.txt", []),
    ("/healthz", []),
    ("/alerts/search/", ["query", "email", *LISTING_PARAMS]),
    (f"/alerts/deadline/{SEED_PK}/", ["email"]),
]

# Paths with an id or slug, as patterns: the fuzz test puts hostile ids and slugs in them.
ID_PATTERNS = [
    "/subsidies/{}/",
    "/subsidies/{}/checklist/",
    "/subsidies/{}/deadline.ics",
    "/subsidies/{}/ask/",
    "/regions/{}/",
    "/purposes/{}/",
    "/alerts/deadline/{}/",
    "/alerts/confirm/{}/",
    "/alerts/unsubscribe/{}/",
]


def exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def existing_public_pages() -> list[tuple[str, list[str]]]:
    """The public pages that exist on this build, with the parameters each reads."""
    return [(path, params) for path, params in PUBLIC_PAGES if exists(path)]


def existing_public_urls() -> list[str]:
    return [path for path, _ in existing_public_pages()]


def missing_public_urls() -> list[str]:
    """DESIGN.md's pages not on this build yet (reported by the tests, so a merge shows what is covered)."""
    return [path for path, _ in PUBLIC_PAGES if not exists(path)]
