"""The staff side's safeguards: throttled logins, a history of who changed what, and no silently lost edits."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from subsidies.models import Subsidy
from tests.subsidies.test_admin import change_url, fields_of, form_data, open_listing

LOGIN_URL = reverse("admin:login")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "tanaka", "tanaka@example.com", "correct-horse-1", is_staff=True
    )


def attempt(client: Client, password: str, *, ip: str = "203.0.113.5", username: str = "tanaka"):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# Login throttling


@pytest.mark.django_db
def test_five_failed_logins_lock_that_username_from_that_address(client, staff_user):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "ログインを一時的に停止しています" in locked.text
    # Even the right password is refused while locked.
    again = attempt(client, "correct-horse-1")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_does_not_stop_the_same_user_from_another_address(client, staff_user):
    for _ in range(5):
        attempt(client, "wrong")
    response = attempt(client, "correct-horse-1", ip="198.51.100.7")
    assert response.status_code == 302
    assert response.url == "/admin/"


@pytest.mark.django_db
def test_a_lockout_does_not_stop_another_user_from_the_same_address(client, staff_user, django_user_model):
    django_user_model.objects.create_user("suzuki", password="another-pass-2", is_staff=True)
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, "another-pass-2", username="suzuki").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_resets_the_count(client, staff_user):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "correct-horse-1").status_code == 302
    Client().logout()
    fresh = Client()
    for _ in range(4):
        assert attempt(fresh, "wrong").status_code == 200


def test_lockout_lasts_an_hour_and_counts_username_with_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 1
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(rf, settings):
    from config.middleware import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"


# Access


@pytest.mark.django_db
def test_the_editor_group_cannot_open_user_management_or_delete_a_listing(django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="編集者"))
    client = as_user(editor)
    subsidy = open_listing()
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    assert client.get(reverse("admin:subsidies_subsidy_delete", args=[subsidy.pk])).status_code == 403
    assert (
        client.post(reverse("admin:subsidies_subsidy_delete", args=[subsidy.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Subsidy.objects.filter(pk=subsidy.pk).exists()


@pytest.mark.django_db
def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_login_page(django_user_model):
    client = as_user(django_user_model.objects.create_user("visitor", password="x"))
    response = client.get(reverse("admin:subsidies_subsidy_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# History


@pytest.mark.django_db
def test_every_admin_save_is_recorded_with_who_and_when(staff_client):
    subsidy = open_listing(title="元のタイトル")
    response = staff_client.post(
        change_url(subsidy), form_data(fields_of(subsidy) | {"title": "直したタイトル"})
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(subsidy.pk))
    assert entry.user.username == "staff"
    assert entry.action_flag == CHANGE
    assert entry.action_time is not None
    assert "タイトル" in entry.get_change_message()
    history = staff_client.get(reverse("admin:subsidies_subsidy_history", args=[subsidy.pk]))
    assert "staff" in history.text


# Two editors at once


def opened_form(client: Client, subsidy: Subsidy) -> dict:
    """What the change form posts back when ``client`` opens it now (with the edit token it carries)."""
    response = client.get(change_url(subsidy))
    token = response.context["adminform"].form["edit_token"].value()
    assert token
    return form_data(fields_of(subsidy) | {"edit_token": token})


@pytest.mark.django_db
def test_the_second_of_two_simultaneous_edits_is_refused_and_keeps_its_input(staff_client, django_user_model):
    subsidy = open_listing(title="元のタイトル", deadline_note="")
    other = django_user_model.objects.create_superuser("sato", "sato@example.com", "x")
    sato = as_user(other)
    mine = opened_form(staff_client, subsidy)
    theirs = opened_form(sato, subsidy)

    assert sato.post(change_url(subsidy), theirs | {"deadline_note": "予算に達し次第終了"}).status_code == 302
    response = staff_client.post(change_url(subsidy), mine | {"title": "私の直したタイトル"})

    assert response.status_code == 200
    assert "あなたが編集を始めた後にsato さんが保存しました" in response.text
    assert "あなたの入力はまだ保存されておらず" in response.text
    assert 'value="私の直したタイトル"' in response.text
    subsidy.refresh_from_db()
    assert subsidy.title == "元のタイトル"
    assert subsidy.deadline_note == "予算に達し次第終了"


@pytest.mark.django_db
def test_saving_again_after_the_warning_is_a_deliberate_overwrite(staff_client, django_user_model):
    subsidy = open_listing(title="元のタイトル")
    sato = as_user(django_user_model.objects.create_superuser("sato", "sato@example.com", "x"))
    mine = opened_form(staff_client, subsidy)
    sato.post(change_url(subsidy), opened_form(sato, subsidy) | {"title": "佐藤の版"})

    refused = staff_client.post(change_url(subsidy), mine | {"title": "私の版"})
    token = refused.context["adminform"].form["edit_token"].value()
    assert token != mine["edit_token"]
    accepted = staff_client.post(change_url(subsidy), mine | {"title": "私の版", "edit_token": token})

    assert accepted.status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.title == "私の版"


@pytest.mark.django_db
def test_a_save_after_a_publish_action_by_someone_else_is_refused(staff_client, django_user_model):
    subsidy = open_listing(state=Subsidy.State.DRAFT, published_at=None)
    mine = opened_form(staff_client, subsidy)
    sato = as_user(django_user_model.objects.create_superuser("sato", "sato@example.com", "x"))
    sato.post(
        reverse("admin:subsidies_subsidy_changelist"),
        {"action": "publish", "_selected_action": [subsidy.pk]},
    )
    subsidy.refresh_from_db()
    assert subsidy.is_published

    response = staff_client.post(change_url(subsidy), mine)
    assert response.status_code == 200
    assert "あなたの入力はまだ保存されておらず" in response.text
    subsidy.refresh_from_db()
    assert subsidy.is_published


@pytest.mark.django_db
def test_one_editor_saving_twice_in_a_row_is_not_a_conflict(staff_client):
    subsidy = open_listing(title="一回目")
    assert (
        staff_client.post(
            change_url(subsidy), opened_form(staff_client, subsidy) | {"title": "二回目"}
        ).status_code
        == 302
    )
    subsidy.refresh_from_db()
    assert (
        staff_client.post(
            change_url(subsidy), opened_form(staff_client, subsidy) | {"title": "三回目"}
        ).status_code
        == 302
    )
    subsidy.refresh_from_db()
    assert subsidy.title == "三回目"
