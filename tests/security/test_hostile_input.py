"""Bad input never breaks a page: random and hostile query strings, paths and form posts on every public URL.

Property-based (hypothesis), deterministic (``derandomize``) and modest in size so the suite stays quick. A
page may answer 200, 301/302, 400, 404 or 405; never a 5xx, and never a traceback in the body. The test
client re-raises any exception a view lets escape, so a crash fails the test with its traceback.
"""

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.public_urls import ID_PATTERNS, existing_public_pages, missing_public_urls

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e9999",
    "NaN",
    "２",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
    "a" * 5000,
    "東京" * 2000,
    "' OR 1=1 --",
    '"; DROP TABLE subsidies_subsidy; --',
    "%",
    "%%",
    "%00",
    "\x00",
    "a\x00b",
    "\\",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "😀",
    "\u202e",
    "\r\nSet-Cookie: x=1",
    "155678,155678,155678,155678,155678",
    ",".join(str(n) for n in range(1000)),
    "155678,,abc,-5,99999999999999999999",
    "tokyo",
    "open",
    "closed",
    "deadline",
]

# Text that a URL can carry: any character except lone surrogates, which have no UTF-8 form.
any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
hostile_value = st.one_of(st.sampled_from(HOSTILE), any_text)

PAGES = existing_public_pages()


def assert_unbroken(response, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"
    body = response.content.decode("utf-8", "replace")
    assert "Traceback" not in body, what
    assert 'id="traceback"' not in body, what


def test_the_public_url_list_covers_the_pages_of_this_build():
    present = [path for path, _ in PAGES]
    assert "/subsidies/" in present
    assert "/subsidies/155678/" in present
    # Reported, not asserted: DESIGN.md pages that are built on other branches.
    print("not on this build yet:", missing_public_urls())


def test_hostile_values_of_each_pages_own_parameters_never_break_it(client, demo_data):
    @settings(SETTINGS, max_examples=60 * len(PAGES))
    @given(data=st.data())
    def check(data):
        path, params = data.draw(st.sampled_from(PAGES))
        query = data.draw(st.lists(st.tuples(st.sampled_from(params or ["q"]), hostile_value), max_size=6))
        response = client.get(path, data=_multi(query))
        assert_unbroken(response, f"{path} {query!r}")

    check()


def test_raw_random_query_strings_never_break_a_page(client, demo_data):
    @settings(SETTINGS, max_examples=20 * len(PAGES))
    @given(page=st.sampled_from(PAGES), raw=st.binary(max_size=200))
    def check(page, raw):
        query = urllib.parse.quote_from_bytes(raw, safe="=&;+%")
        response = client.get(f"{page[0]}?{query}")
        assert_unbroken(response, f"{page[0]}?{query}")

    check()


def test_hostile_ids_and_slugs_in_paths_are_404s_not_errors(client, demo_data):
    segment = st.one_of(
        st.sampled_from(
            ["0", "-1", "99999999999999999999", "9223372036854775808", "abc", "..", "%00", "東京"]
        ),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(
            alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#"),
            min_size=1,
            max_size=80,
        ),
    )

    @SETTINGS
    @given(pattern=st.sampled_from(ID_PATTERNS), value=segment)
    def check(pattern, value):
        path = pattern.format(urllib.parse.quote(value, safe=""))
        response = client.get(path)
        assert_unbroken(response, path)
        assert response.status_code in {200, 301, 302, 400, 404}, path

    check()


def test_random_paths_never_break_the_site(client):
    @SETTINGS
    @given(parts=st.lists(any_text, min_size=1, max_size=4))
    def check(parts):
        path = "/" + "/".join(urllib.parse.quote(part, safe="") for part in parts)
        assert_unbroken(client.get(path), path)

    check()


def test_form_posts_to_public_pages_never_break_them(client, demo_data):
    @settings(SETTINGS, max_examples=10 * len(PAGES))
    @given(data=st.data())
    def check(data):
        path, params = data.draw(st.sampled_from(PAGES))
        names = st.sampled_from([*params, "csrfmiddlewaretoken", "x"])
        form = data.draw(st.lists(st.tuples(names, hostile_value), max_size=5))
        response = client.post(path, data=_multi(form))
        assert_unbroken(response, f"POST {path} {form!r}")

    check()


def test_hostile_logins_never_break_the_admin_login(client):
    @SETTINGS
    @given(username=hostile_value, password=hostile_value)
    def check(username, password):
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert_unbroken(response, f"login {username!r}")
        assert response.status_code in {200, 400, 429}

    check()


def test_an_over_long_query_string_is_answered_cleanly(client, demo_data):
    for path, params in PAGES:
        for name in params or ["q"]:
            response = client.get(path, {name: "補" * 20_000})
            assert_unbroken(response, f"{path} long {name}")


def test_a_nul_in_any_parameter_of_any_page_is_a_400(client, demo_data):
    for path, params in PAGES:
        for name in params or ["q"]:
            response = client.get(path, {name: "a\x00b"})
            assert response.status_code == 400, f"{path} {name}"


def _multi(pairs):
    """(name, value) pairs as the dict of lists the test client encodes as repeated parameters."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data
