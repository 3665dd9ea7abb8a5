"""At most ten SQL queries on every public page, each rendered cold.

Cold: Django's cache is empty (no cached page, section or ranking), and the listing index has been built for the
present content version (the first request after any change builds it, for every page alike: see
``tests/subsidies/test_listing.py``, ``REBUILD``). A page served from the cache makes fewer.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subsidies import clock, detail_page, listing_index
from tests.factories import NOW
from tests.security.public_urls import OTHER_PK, SEED_PK, existing_public_pages

BUDGET = 10
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"

# The seed listing has no announced deadline to be reminded of (its reminder page is a 404); the other has.
PAGES = [
    *(path for path, _ in existing_public_pages() if path != f"/alerts/deadline/{SEED_PK}/"),
    f"/alerts/deadline/{OTHER_PK}/",
    f"/subsidies/{OTHER_PK}/",
    "/subsidies/?q=設備&region=tokyo&status=open&sort=amount",
    "/subsidies/?purpose=equipment-it&amount=under-1m&deadline_within=90&page=1",
    "/regions/tokyo/?q=補助金&national=exclude",
    f"/compare/?ids={SEED_PK},{OTHER_PK}",
    f"/subsidies/{SEED_PK}/checklist/?done=deadline",
    f"/subsidies/{SEED_PK}/ask/?q=締め切りはいつですか",
    "/match/",
    "/match/?pref=tokyo&biz=manufacturing&form=kabushiki&emp=10&cap=1000&purpose=equipment-it",
    "/about/",
    "/disclaimer/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_makes_at_most_ten_queries_rendered_cold(client, demo_data, monkeypatch, path):
    monkeypatch.setattr(clock, "now", lambda: NOW)  # while the demo listing's deadline is ahead
    listing_index.current()
    cache.clear()
    detail_page.LOCAL_PAGES.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers={"user-agent": BROWSER})
    assert response.status_code == 200, path
    sql = "\n".join(query["sql"][:160] for query in queries.captured_queries)
    assert len(queries) <= BUDGET, f"{path}: {len(queries)} queries\n{sql}"
