import pytest
from django.urls import reverse

from checklists.models import SharedRequirement


@pytest.mark.django_db
def test_staff_see_the_shared_requirements_in_japanese(staff_client):
    response = staff_client.get(reverse("admin:checklists_sharedrequirement_changelist"))
    assert response.status_code == 200
    assert "共通の申請要件" in response.text
    assert "GビズIDプライムを取得している（取得に2〜3週間）" in response.text


@pytest.mark.django_db
def test_staff_can_add_a_shared_requirement_with_a_rule(staff_client):
    response = staff_client.get(reverse("admin:checklists_sharedrequirement_add"))
    assert "ルール: 公式ページの URL に含む文字列" in response.text
    response = staff_client.post(
        reverse("admin:checklists_sharedrequirement_add"),
        {
            "text": "県税の滞納がない",
            "detail": "",
            "group": "eligibility",
            "required": "on",
            "order": "0",
            "active": "on",
            "subsidies": "",
            "official_url_contains": "",
            "organization_kind": "prefecture",
        },
    )
    assert response.status_code == 302
    assert SharedRequirement.objects.get(text="県税の滞納がない").organization_kind == "prefecture"
