import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from alerts import services
from alerts.models import OutgoingMail, SendingSwitch
from tests.factories import NOW, jst, make_subsidy

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    listing = make_subsidy(deadline=jst(2099, 1, 1))
    for n in range(3):
        services.subscribe(
            email=f"taro{n}@example.jp", kind="deadline", description="t", now=NOW, subsidy=listing
        )


def test_staff_see_subscriptions_and_sent_mails_with_masked_addresses(
    staff_client, rows, django_assert_max_num_queries
):
    for name in ("subscription", "outgoingmail"):
        with django_assert_max_num_queries(12):  # the same for 3 rows or 300: list_select_related
            page = staff_client.get(reverse(f"admin:alerts_{name}_changelist")).content.decode()
        assert "ta***@example.jp" in page
        assert "taro0@example.jp" not in page
    mail = OutgoingMail.objects.first()
    detail = staff_client.get(reverse("admin:alerts_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "メール通知の登録を確認してください" in detail
    assert f"{mail.address.email[:2]}***@example.jp" in detail and mail.address.email not in detail


def test_one_switch_pauses_sending_and_resuming_queues_what_waited(staff_client):
    SendingSwitch.objects.get_or_create(pk=SendingSwitch.PK)  # the row migration 0002 creates
    url = reverse("admin:alerts_sendingswitch_change", args=[1])
    response = staff_client.post(url, {"paused": "on"})
    assert response.status_code == 302
    assert SendingSwitch.is_paused()
    before = DBTaskResult.objects.count()
    staff_client.post(url, {})
    assert not SendingSwitch.is_paused()
    assert DBTaskResult.objects.count() == before + 1
