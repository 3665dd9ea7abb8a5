"""``manage.py check_links`` against a real HTTP server on this machine (pytest-httpserver), never the network.

Each test gives listings URLs on the local server, runs the command and reads what was recorded and what the
server was asked.
"""

import datetime
import io
import socket
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from subsidies import link_checker, links
from subsidies.models import LinkCheck
from tests.factories import make_subsidy

FAST = ("--timeout", "1")


@pytest.fixture(scope="module")
def server():
    """A threaded server, so that a deliberately slow handler does not hold up the other requests."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def httpserver(server):
    server.clear()
    yield server
    server.clear()


def run(*args) -> tuple[int, str]:
    """Run the command; (exit status, output)."""
    out = io.StringIO()
    try:
        call_command("check_links", *FAST, *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def requests_to(httpserver, path: str) -> list[str]:
    return [request.method for request, _ in httpserver.log if request.path == path]


def check_of(subsidy, field=LinkCheck.Field.OFFICIAL_URL) -> LinkCheck:
    return LinkCheck.objects.get(subsidy=subsidy, field=field)


def closed_port() -> int:
    """A port on which nothing listens: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_a_page_that_answers_200_is_recorded_as_working_with_the_time_of_the_check(httpserver):
    httpserver.expect_request("/koubo/").respond_with_data("<h1>公募</h1>", content_type="text/html")
    subsidy = make_subsidy(official_url=httpserver.url_for("/koubo/"))
    before = timezone.now()

    status, output = run()

    check = check_of(subsidy)
    assert status == 0
    assert (check.result, check.status_code, check.error, check.final_url) == ("ok", 200, "", "")
    assert before <= check.checked_at <= timezone.now()
    assert check.first_failed_at is None and check.consecutive_failures == 0
    assert output.strip().startswith("check_links: URL 1件を確認（正常 1件、リンク切れ 0件")
    assert requests_to(httpserver, "/koubo/") == ["HEAD"]  # HEAD was enough: no page downloaded


@pytest.mark.django_db
def test_the_request_names_the_site_in_its_user_agent(httpserver, settings):
    settings.SITE_URL = "https://hojo.example.jp"
    httpserver.expect_request("/ua").respond_with_data("ok")
    make_subsidy(official_url=httpserver.url_for("/ua"))

    run()

    request = httpserver.log[0][0]
    assert "hojokin-directory-linkcheck" in request.headers["User-Agent"]
    assert "https://hojo.example.jp" in request.headers["User-Agent"]


@pytest.mark.django_db
def test_a_404_is_broken_and_the_exit_status_says_so(httpserver):
    httpserver.expect_request("/gone").respond_with_data("not found", status=404)
    subsidy = make_subsidy(official_url=httpserver.url_for("/gone"))

    status, output = run("-v", "0")

    check = check_of(subsidy)
    assert status == 1
    assert (check.result, check.status_code, check.consecutive_failures) == ("broken", 404, 1)
    assert check.first_failed_at == check.checked_at
    assert check.outcome == "404"
    assert "リンク切れ 1件（うち新たに 1件）" in output  # printed even at -v 0, because a link is broken
    assert requests_to(httpserver, "/gone") == ["HEAD", "GET"]  # a failing HEAD is confirmed with a GET


@pytest.mark.django_db
def test_a_server_error_is_broken(httpserver):
    httpserver.expect_request("/error").respond_with_data("oops", status=500)
    subsidy = make_subsidy(source_url=httpserver.url_for("/error"))

    assert run()[0] == 1

    check = check_of(subsidy, LinkCheck.Field.SOURCE_URL)
    assert (check.result, check.status_code) == ("broken", 500)


@pytest.mark.django_db
def test_a_server_that_refuses_head_is_asked_with_get(httpserver):
    httpserver.expect_request("/no-head", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/no-head", method="GET").respond_with_data("<h1>ok</h1>")
    subsidy = make_subsidy(official_url=httpserver.url_for("/no-head"))

    assert run()[0] == 0

    assert (check_of(subsidy).result, check_of(subsidy).status_code) == ("ok", 200)
    assert requests_to(httpserver, "/no-head") == ["HEAD", "GET"]


@pytest.mark.django_db
def test_a_redirect_is_followed_to_the_page_it_ends_on_and_that_page_is_kept(httpserver):
    new = httpserver.url_for("/new")
    httpserver.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": new}))
    httpserver.expect_request("/new").respond_with_data("moved here")
    subsidy = make_subsidy(official_url=httpserver.url_for("/old"))

    assert run()[0] == 0

    check = check_of(subsidy)
    assert (check.result, check.status_code, check.final_url) == ("ok", 200, new)
    assert check.outcome == "200（転送あり）"
    assert requests_to(httpserver, "/new") == ["HEAD"]  # the redirected request is still a HEAD


@pytest.mark.django_db
def test_a_redirect_loop_is_broken_and_says_why(httpserver):
    loop = httpserver.url_for("/loop")
    httpserver.expect_request("/loop").respond_with_response(Response(status=302, headers={"Location": loop}))
    subsidy = make_subsidy(official_url=loop)

    assert run()[0] == 1

    check = check_of(subsidy)
    assert check.result == "broken" and check.status_code is None
    assert check.error.startswith("リダイレクトが多すぎます")
    assert len(httpserver.log) <= 2 * (link_checker.MAX_REDIRECTS + 1)  # it gave up; it did not spin


@pytest.mark.django_db
def test_a_page_slower_than_the_timeout_is_broken_as_a_timeout(httpserver):
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)  # answers only once the test is done with it
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    subsidy = make_subsidy(official_url=httpserver.url_for("/slow"))
    started = time.monotonic()

    status, _ = run("--timeout", "0.3")

    assert time.monotonic() - started < 2  # the run did not wait for the slow page
    release.set()
    deadline = time.monotonic() + 5
    while not requests_to(httpserver, "/slow") and time.monotonic() < deadline:
        time.sleep(0.02)  # the late answer is logged in this test, not in the next one
    check = check_of(subsidy)
    assert status == 1
    assert (check.result, check.error) == ("broken", "タイムアウト（0.3秒）")


@pytest.mark.django_db
def test_a_server_that_refuses_the_connection_is_broken():
    subsidy = make_subsidy(official_url=f"http://127.0.0.1:{closed_port()}/koubo/")

    assert run()[0] == 1

    check = check_of(subsidy)
    assert check.result == "broken" and check.status_code is None
    assert check.error.startswith("接続できません")


@pytest.mark.django_db
def test_urls_that_are_not_web_pages_are_not_checked_and_are_counted(httpserver):
    httpserver.expect_request("/page").respond_with_data("ok")
    subsidy = make_subsidy(official_url="ftp://127.0.0.1/koubo.pdf", source_url=httpserver.url_for("/page"))

    status, output = run()

    assert status == 0
    assert list(LinkCheck.objects.values_list("subsidy", "field")) == [(subsidy.pk, "source_url")]
    assert "URL 1件を確認" in output
    assert "http/https 以外の 1件は対象外" in output


@pytest.mark.django_db
def test_a_url_used_by_several_listings_and_fields_is_fetched_once_and_recorded_for_each(httpserver):
    httpserver.expect_request("/shared").respond_with_data("not found", status=404)
    url = httpserver.url_for("/shared")
    first = make_subsidy(official_url=url, source_url=url)
    second = make_subsidy(contact_url=url)

    status, output = run()

    assert status == 1
    assert requests_to(httpserver, "/shared") == ["HEAD", "GET"]
    rows = LinkCheck.objects.order_by("subsidy", "field").values_list(
        "subsidy", "field", "result", "status_code"
    )
    assert sorted(rows) == sorted(
        [
            (first.pk, "official_url", "broken", 404),
            (first.pk, "source_url", "broken", 404),
            (second.pk, "contact_url", "broken", 404),
        ]
    )
    assert "URL 1件を確認" in output


@pytest.mark.django_db
def test_stale_after_checks_only_urls_not_checked_recently_and_never_checked_ones(httpserver):
    for path in ("/recent", "/old", "/new"):
        httpserver.expect_request(path).respond_with_data("ok")
    recent = make_subsidy(official_url=httpserver.url_for("/recent"))
    old = make_subsidy(official_url=httpserver.url_for("/old"))
    links.sync()
    now = timezone.now()
    for subsidy, hours in ((recent, 2), (old, 30)):
        LinkCheck.objects.filter(subsidy=subsidy).update(
            result="ok", status_code=200, checked_at=now - datetime.timedelta(hours=hours)
        )
    make_subsidy(official_url=httpserver.url_for("/new"))  # never checked

    status, output = run("--stale-after", "24")

    assert status == 0
    assert sorted(request.path for request, _ in httpserver.log) == ["/new", "/old"]
    assert check_of(recent).checked_at == now - datetime.timedelta(hours=2)  # untouched
    assert "URL 2件を確認" in output


@pytest.mark.django_db
def test_limit_checks_the_never_checked_and_longest_unchecked_urls_first_and_says_what_is_left(httpserver):
    for path in ("/a", "/b", "/c"):
        httpserver.expect_request(path).respond_with_data("ok")
    a, b, _ = (make_subsidy(official_url=httpserver.url_for(path)) for path in ("/a", "/b", "/c"))
    links.sync()
    now = timezone.now()
    LinkCheck.objects.filter(subsidy=a).update(result="ok", checked_at=now - datetime.timedelta(days=3))
    LinkCheck.objects.filter(subsidy=b).update(result="ok", checked_at=now - datetime.timedelta(days=9))

    _, output = run("--limit", "2")

    assert sorted(request.path for request, _ in httpserver.log) == ["/b", "/c"]
    assert "未確認のまま 1件（--limit）" in output


@pytest.mark.django_db
def test_a_failure_streak_counts_runs_keeps_its_start_and_ends_when_the_page_answers(httpserver):
    httpserver.expect_request("/flaky").respond_with_data("down", status=503)
    subsidy = make_subsidy(official_url=httpserver.url_for("/flaky"))

    run()
    first = check_of(subsidy)
    run()
    second = check_of(subsidy)
    assert second.consecutive_failures == 2
    assert second.first_failed_at == first.checked_at < second.checked_at
    _, output = run()
    assert "リンク切れ 1件（うち新たに 0件）" in output  # still broken, not newly

    httpserver.clear()
    httpserver.expect_request("/flaky").respond_with_data("back")
    assert run()[0] == 0
    back = check_of(subsidy)
    assert (back.result, back.consecutive_failures, back.first_failed_at) == ("ok", 0, None)


@pytest.mark.django_db
def test_a_listing_that_starts_using_a_failing_url_takes_on_its_streak(httpserver):
    httpserver.expect_request("/down").respond_with_data("down", status=404)
    url = httpserver.url_for("/down")
    old = make_subsidy(official_url=url)
    run()
    run()
    new = make_subsidy(source_url=url)

    run()

    assert check_of(new, LinkCheck.Field.SOURCE_URL).consecutive_failures == 3
    assert check_of(new, LinkCheck.Field.SOURCE_URL).first_failed_at == check_of(old).first_failed_at


@pytest.mark.django_db
def test_replacing_a_broken_url_on_the_listing_drops_its_result_at_once(httpserver):
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    subsidy = make_subsidy(official_url=httpserver.url_for("/gone"), source_url=httpserver.url_for("/gone"))
    run()
    assert LinkCheck.objects.broken().count() == 2

    subsidy.official_url = httpserver.url_for("/fixed")
    subsidy.save()

    assert list(LinkCheck.objects.values_list("field", flat=True)) == ["source_url"]


@pytest.mark.django_db
def test_a_url_changed_without_signals_is_pruned_by_the_next_run(httpserver):
    httpserver.expect_request("/a").respond_with_data("ok")
    httpserver.expect_request("/b").respond_with_data("ok")
    subsidy = make_subsidy(official_url=httpserver.url_for("/a"))
    run()
    type(subsidy).objects.filter(pk=subsidy.pk).update(official_url=httpserver.url_for("/b"))

    run()

    assert list(LinkCheck.objects.values_list("url", "result")) == [(httpserver.url_for("/b"), "ok")]


@pytest.mark.django_db
def test_nothing_to_check_is_a_quiet_success_at_verbosity_zero():
    make_subsidy()  # no URLs

    assert run("-v", "0") == (0, "")


@pytest.mark.django_db
def test_bad_arguments_are_refused_with_a_message():
    for option, value in (
        ("--limit", "0"),
        ("--stale-after", "soon"),
        ("--timeout", "inf"),
        ("--per-host", "50"),
    ):
        with pytest.raises(CommandError, match="0 より大きく"):
            call_command("check_links", option, value)


def test_only_http_and_https_urls_with_a_host_are_checkable():
    assert link_checker.is_checkable("https://www.meti.go.jp/")
    assert link_checker.is_checkable("HTTP://example.jp/a")
    for url in ("ftp://example.jp/a.pdf", "mailto:info@example.jp", "https:///path", "/relative", ""):
        assert not link_checker.is_checkable(url)


def test_an_outcome_is_broken_without_an_answer_or_with_an_error_status():
    assert not link_checker.Outcome("u", status_code=200).broken
    assert not link_checker.Outcome("u", status_code=399).broken
    assert link_checker.Outcome("u", status_code=400).broken
    assert link_checker.Outcome("u", error="タイムアウト（1秒）").broken


@pytest.mark.django_db
def test_a_rounds_guidelines_url_is_checked_and_forgotten_when_staff_replace_it(httpserver):
    from subsidies.models import Round

    httpserver.expect_request("/youryou.pdf").respond_with_data("gone", status=404)
    subsidy = make_subsidy(official_url="", source_url="", contact_url="")
    round_ = Round.objects.create(
        subsidy=subsidy, name="第19回", guidelines_url=httpserver.url_for("/youryou.pdf")
    )

    status, _ = run("-v", "0")

    check = check_of(subsidy, LinkCheck.Field.ROUND_GUIDELINES)
    assert status == 1
    assert (check.result, check.status_code, check.url) == ("broken", 404, round_.guidelines_url)
    round_.guidelines_url = "https://www.example.go.jp/new.pdf"
    round_.save()
    assert not LinkCheck.objects.filter(subsidy=subsidy).exists()  # no stale 「リンク切れ」 for the old URL
