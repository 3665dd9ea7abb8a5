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
    assert "2回閲覧" in visit(Client(), first).text


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
