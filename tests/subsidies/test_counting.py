import threading

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client

from subsidies.counting import COOKIE, is_bot
from subsidies.models import Subsidy
from tests.factories import make_subsidy

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def views(subsidy) -> int:
    return Subsidy.objects.values_list("view_count", flat=True).get(pk=subsidy.pk)


def visit(client, subsidy, user_agent=BROWSER):
    response = client.get(subsidy.get_absolute_url(), headers={"user-agent": user_agent})
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_a_browser_is_counted_once_per_listing(client):
    first, second = make_subsidy(), make_subsidy()
    visit(client, first)
    visit(client, first)
    visit(client, second)
    visit(client, first)
    assert (views(first), views(second)) == (1, 1)
    Subsidy.objects.filter(pk=first.pk).update(view_count=8)
    assert "回閲覧" not in visit(Client(), first).text  # 9 counted views: below 10 nothing is shown
    assert "10回閲覧" in visit(Client(), first).text


@pytest.mark.django_db
def test_the_count_is_kept_in_a_signed_cookie_without_a_session_row(client):
    subsidy = make_subsidy()
    response = visit(client, subsidy)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_a_tampered_cookie_is_ignored(client):
    subsidy = make_subsidy()
    client.cookies[COOKIE] = f"{subsidy.pk}:forged"
    visit(client, subsidy)
    assert views(subsidy) == 1


@pytest.mark.django_db
def test_staff_views_are_not_counted(staff_client):
    subsidy = make_subsidy()
    visit(staff_client, subsidy)
    assert views(subsidy) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "facebookexternalhit/1.1",
    ],
)
def test_bots_are_not_counted(client, user_agent):
    subsidy = make_subsidy()
    visit(client, subsidy, user_agent)
    assert views(subsidy) == 0
    assert COOKIE not in client.cookies


def test_browsers_are_not_bots():
    assert not is_bot(BROWSER)
    assert not is_bot(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    )
    assert is_bot("   ")


@pytest.mark.parametrize(
    "user_agent", ["CURL/8.5.0", "Mozilla/5.0 (compatible; YandexBOT/3.0)", "Java/17.0.2"]
)
def test_bot_words_match_in_any_case(user_agent):
    assert is_bot(user_agent)


@pytest.mark.django_db
def test_head_requests_are_not_counted(client):
    subsidy = make_subsidy()
    assert client.head(subsidy.get_absolute_url(), headers={"user-agent": BROWSER}).status_code == 200
    assert views(subsidy) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (SQLite locks)"
)
def test_concurrent_first_visits_are_all_counted_exactly():
    subsidy = make_subsidy()
    browsers, rounds = 16, 5
    start = threading.Barrier(browsers)
    errors = []

    def browse():
        try:
            client = Client()
            start.wait()
            for _ in range(rounds):  # the same browser again: counted once
                visit(client, subsidy)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=browse) for _ in range(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert views(subsidy) == browsers


@pytest.mark.django_db
def test_no_index_holds_the_view_count():
    """So counting a view rewrites no index entry (on PostgreSQL, a heap-only tuple update)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Subsidy._meta.db_table)
    indexes = [name for name, found in constraints.items() if found["index"] or found["primary_key"]]
    assert len(indexes) > 5
    assert [name for name in indexes if "view_count" in (constraints[name]["columns"] or [])] == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="heap-only tuple updates are PostgreSQL's")
def test_counting_a_view_is_a_heap_only_update(client):
    subsidy = make_subsidy()
    hot = (
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
        [Subsidy._meta.db_table],
    )
    with connection.cursor() as cursor:
        cursor.execute(*hot)
        before = cursor.fetchone()
        visit(client, subsidy)
        cursor.execute(*hot)
        after = cursor.fetchone()
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Subsidy._meta.db_table])
        options = cursor.fetchone()[0]
    assert views(subsidy) == 1
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert options == ["fillfactor=70"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
def test_only_the_counting_statement_commits_asynchronously(client):
    subsidy = make_subsidy()
    setting = "SELECT current_setting('synchronous_commit')"
    with connection.cursor() as cursor:
        visit(client, subsidy, "curl/8.5.0")  # not counted: a plain read
        cursor.execute(setting)
        assert cursor.fetchone() == ("on",)
        visit(client, subsidy)  # counted (the test's transaction is the statement's)
        cursor.execute(setting)
        assert cursor.fetchone() == ("off",)
    assert views(subsidy) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
def test_asynchronous_commit_ends_with_the_counting_statement():
    subsidy = make_subsidy()
    visit(Client(), subsidy)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        assert cursor.fetchone() == ("on",)
    assert views(subsidy) == 1
