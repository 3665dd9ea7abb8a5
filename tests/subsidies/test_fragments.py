import datetime

from subsidies import fragments
from subsidies.models import Subsidy
from tests.factories import jst

NOW = jst(2026, 1, 16, 12, 0)
SECOND = datetime.timedelta(seconds=1)


def builder(values):
    """A build function that returns the next value each time it runs and expires a minute later."""
    calls = iter(values)

    def build(expiry):
        expiry.not_after(expiry.now + datetime.timedelta(minutes=1))
        return next(calls)

    return build


def test_a_cached_value_is_served_until_the_moment_it_expires_then_rebuilt():
    build = builder(["first", "second"])
    assert fragments.cached("k", now=NOW, build=build) == "first"
    assert fragments.cached("k", now=NOW + 59 * SECOND, build=build) == "first"
    assert fragments.cached("k", now=NOW + 60 * SECOND, build=build) == "second"


def test_an_entry_expires_at_the_next_jst_midnight_at_the_latest():
    values = iter(["a", "b"])

    def timeless(expiry):
        return next(values)

    assert fragments.cached("k", now=jst(2026, 1, 16, 23, 59), build=timeless) == "a"
    assert fragments.cached("k", now=jst(2026, 1, 17, 0, 0), build=timeless) == "b"


def test_the_enclosing_expiry_takes_the_earliest_of_its_fragments_whether_built_or_cached():
    page = fragments.Expiry.starting(NOW)
    fragments.cached("k", now=NOW, build=builder(["x"]), expiry=page)
    assert page.at == NOW + datetime.timedelta(minutes=1)
    later = fragments.Expiry.starting(NOW + SECOND)
    fragments.cached("k", now=NOW + SECOND, build=builder(["never built"]), expiry=later)
    assert later.at == NOW + datetime.timedelta(minutes=1)


def test_expiry_follows_the_status_changes_of_the_listings_shown():
    expiry = fragments.Expiry.starting(NOW)
    assert expiry.at == jst(2026, 1, 17, 0, 0)
    expiry.shows(Subsidy(deadline=jst(2026, 1, 16, 18, 0)))
    assert expiry.at == jst(2026, 1, 16, 18, 0) + datetime.timedelta(microseconds=1)
    expiry.shows(Subsidy(rolling=True))
    expiry.not_after(None)
    assert expiry.at == jst(2026, 1, 16, 18, 0) + datetime.timedelta(microseconds=1)


def test_slots_are_cut_out_of_the_html_and_filled_per_request():
    slots = fragments.Slots("nonce", "views")
    html = f'<script nonce="{slots["nonce"]}"></script><p>{slots["views"]}回</p><i nonce="{slots["nonce"]}">slot</i>'
    page = slots.split(html)
    assert (
        page.fill(nonce="n1", views="7").decode()
        == '<script nonce="n1"></script><p>7回</p><i nonce="n1">slot</i>'
    )
    assert (
        page.fill(nonce="n2", views="8").decode()
        == '<script nonce="n2"></script><p>8回</p><i nonce="n2">slot</i>'
    )


def test_slot_markers_differ_for_every_render():
    assert fragments.Slots("nonce")["nonce"] != fragments.Slots("nonce")["nonce"]


def test_a_process_cache_serves_its_copy_without_asking_the_shared_cache(monkeypatch):
    local = fragments.ProcessCache(size=4)
    build = builder(["first", "second"])
    assert fragments.cached("k", now=NOW, build=build, local=local) == "first"
    asked = []
    monkeypatch.setattr(fragments.cache, "get", lambda key: asked.append(key))
    assert fragments.cached("k", now=NOW + SECOND, build=build, local=local) == "first"
    assert asked == []


def test_a_process_copy_expires_with_its_entry():
    local = fragments.ProcessCache(size=4)
    build = builder(["first", "second"])
    assert fragments.cached("k", now=NOW, build=build, local=local) == "first"
    assert fragments.cached("k", now=NOW + 60 * SECOND, build=build, local=local) == "second"


def test_a_process_copy_is_refreshed_from_the_shared_cache_after_its_own_lifetime():
    local = fragments.ProcessCache(size=4)
    later = fragments.ProcessCache.SECONDS * SECOND

    def timeless(values):
        calls = iter(values)
        return lambda expiry: next(calls)

    assert fragments.cached("k", now=NOW, build=timeless(["first"]), local=local) == "first"
    # Changed in the shared cache with no new key (as QuerySet.update() would leave it).
    fragments.cache.set("k", fragments._Entry("changed", jst(2026, 1, 17)), 3600)
    assert fragments.cached("k", now=NOW + later - SECOND, build=timeless([]), local=local) == "first"
    assert fragments.cached("k", now=NOW + later, build=timeless([]), local=local) == "changed"


def test_a_process_cache_keeps_only_the_most_recently_used_entries():
    local = fragments.ProcessCache(size=2)
    for key in ("a", "b", "c"):
        local.put(key, fragments._Entry(key, jst(2026, 1, 17)), NOW)
    assert local.get("a", NOW) is None
    assert local.get("b", NOW).value == "b"
    local.put("d", fragments._Entry("d", jst(2026, 1, 17)), NOW)
    assert local.get("c", NOW) is None
    assert [local.get(key, NOW).value for key in ("b", "d")] == ["b", "d"]
