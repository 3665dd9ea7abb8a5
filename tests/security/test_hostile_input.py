"""Bad input never breaks a page: random and hostile query strings, paths and form posts on every public URL.

Property-based (hypothesis), deterministic (``derandomize``) and modest in size so the suite stays quick. The
tests that take ``site`` run twice: through the test client, which re-raises any exception a view lets escape
(a crash fails the test with its traceback), and through the development server ``make run`` starts, which
also refuses a response the WSGI specification forbids (``tests/security/hostile.py``). A page may answer
200, 301/302, 400, 403, 404, 405 or 414; never a 5xx, and never a traceback in the body.
"""

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import ClientSite, any_text, assert_unbroken, hostile_value, query_string
from tests.security.public_urls import ID_PATTERNS, existing_public_pages, missing_public_urls

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PAGES = existing_public_pages()


def test_the_public_url_list_covers_the_pages_of_this_build():
    present = [path for path, _ in PAGES]
    assert "/subsidies/" in present
    assert "/subsidies/155678/" in present
    # Reported, not asserted: DESIGN.md pages that are built on other branches.
    print("not on this build yet:", missing_public_urls())


def examples(site, count: int) -> int:
    """The development server gets a third of the examples: the requests are the same, and what it adds (the
    WSGI server's own checks of every response) any example reaches."""
    return count if site.name == "test client" else max(count // 3, 20)


def test_hostile_values_of_each_pages_own_parameters_never_break_it(site):
    @settings(SETTINGS, max_examples=examples(site, 60 * len(PAGES)))
    @given(data=st.data())
    def check(data):
        path, params = data.draw(st.sampled_from(PAGES))
        query = data.draw(st.lists(st.tuples(st.sampled_from(params or ["q"]), hostile_value), max_size=6))
        assert_unbroken(site.get(f"{path}?{query_string(query)}"), f"{site.name}: {path} {query!r}")

    check()


def test_raw_random_query_strings_never_break_a_page(site):
    @settings(SETTINGS, max_examples=examples(site, 20 * len(PAGES)))
    @given(page=st.sampled_from(PAGES), raw=st.binary(max_size=200))
    def check(page, raw):
        target = f"{page[0]}?{urllib.parse.quote_from_bytes(raw, safe='=&;+%')}"
        assert_unbroken(site.get(target), f"{site.name}: {target}")

    check()


def test_hostile_ids_and_slugs_in_paths_are_404s_not_errors(site):
    segment = st.one_of(
        st.sampled_from(
            ["0", "-1", "99999999999999999999", "9223372036854775808", "abc", "..", "%00", "\x00", "東京"]
        ),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(
            alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#"),
            min_size=1,
            max_size=80,
        ),
    )

    @settings(SETTINGS, max_examples=examples(site, 60))
    @given(pattern=st.sampled_from(ID_PATTERNS), value=segment)
    def check(pattern, value):
        path = pattern.format(urllib.parse.quote(value, safe=""))
        answer = site.get(path)
        assert_unbroken(answer, f"{site.name}: {path}")
        assert answer.status in {200, 301, 302, 400, 404}, f"{site.name}: {path} → {answer.status}"

    check()


def test_random_paths_never_break_the_site(site):
    @settings(SETTINGS, max_examples=examples(site, 60))
    @given(parts=st.lists(any_text, min_size=1, max_size=4))
    def check(parts):
        path = "/" + "/".join(urllib.parse.quote(part, safe="") for part in parts)
        assert_unbroken(site.get(path), f"{site.name}: {path}")

    check()


def test_form_posts_to_public_pages_never_break_them(site):
    @settings(SETTINGS, max_examples=examples(site, 10 * len(PAGES)))
    @given(data=st.data())
    def check(data):
        path, params = data.draw(st.sampled_from(PAGES))
        names = st.sampled_from([*params, "csrfmiddlewaretoken", "x"])
        form = data.draw(st.lists(st.tuples(names, hostile_value), max_size=5))
        assert_unbroken(site.post(path, form), f"{site.name}: POST {path} {form!r}")

    check()


def test_hostile_logins_never_break_the_admin_login(client):
    @SETTINGS
    @given(username=hostile_value, password=hostile_value)
    def check(username, password):
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert_unbroken(ClientSite.answer(response), f"login {username!r}")
        assert response.status_code in {200, 400, 429}

    check()


def test_an_over_long_query_string_is_answered_cleanly(site):
    for path, params in PAGES:
        for name in params or ["q"]:
            assert_unbroken(
                site.get(f"{path}?{query_string([(name, '補' * 20_000)])}"), f"{path} long {name}"
            )


def test_a_nul_in_any_parameter_of_any_page_is_a_400(site):
    for path, params in PAGES:
        for name in params or ["q"]:
            answer = site.get(f"{path}?{query_string([(name, 'a' + chr(0) + 'b')])}")
            assert answer.status == 400, f"{site.name}: {path} {name} → {answer.status}"


def test_the_nul_bytes_of_the_report_are_400s_with_the_security_headers(site):
    """The requests of issue 16 that were 500s under ``make run``: the refusal's CSP header had an enum name."""
    for target in [
        "/subsidies/?q=%00",
        "/subsidies/?page=%00",
        "/subsidies/%00/",
        "/feeds/latest/?q=%00",
        "/compare/?ids=%00",
        "/subsidies/155678/ask/?q=%00",
    ]:
        answer = site.get(target)
        assert answer.status == 400, f"{site.name}: {target} → {answer.status}"
        assert "使えない文字".encode() in answer.body, target
        assert "script-src 'self' 'nonce-" not in answer.headers["content-security-policy"], target
        assert "default-src 'self'" in answer.headers["content-security-policy"], target
        assert answer.headers["x-frame-options"] == "DENY", target
