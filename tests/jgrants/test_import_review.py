"""The import and its review, through the command and the admin's own pages: drafts for new listings, a pending
change for existing ones, field-by-field accept/reject, hand edits kept, bad input reported, re-import a no-op."""

import base64
import io
import json
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from jgrants.models import ImportBaseline, ImportedAttachment, ImportRun, PendingChange
from subsidies.models import Subsidy
from tests.factories import jst

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "jgrants"
NOW = jst(2026, 12, 4, 12, 0)


@pytest.fixture(autouse=True)
def setup(taxonomies, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("subsidies.clock.now", lambda: NOW)


def run_command(*names) -> str:
    out = io.StringIO()
    call_command("import_jgrants", *(str(SAMPLES / name) for name in names), stdout=out)
    return out.getvalue()


def upload(client, *paths, name=None):
    files = [open(path, "rb") for path in paths]  # noqa: SIM115 - closed below
    try:
        return client.post(reverse("admin:jgrants_importrun_upload"), {"files": files}, follow=True)
    finally:
        for file in files:
            file.close()


def review_url(change) -> str:
    return reverse("admin:jgrants_pendingchange_change", args=[change.pk])


def imported(jgrants_id="SYNTH0000000000001") -> Subsidy:
    return Subsidy.objects.get(jgrants_id=jgrants_id)


def publish(subsidy):
    subsidy.state = Subsidy.State.PUBLISHED
    subsidy.save()


# New listings


def test_new_records_arrive_as_drafts_with_their_rounds_and_mapped_values():
    output = run_command("v2_detail.json", "v1_detail.json")
    assert "新規（下書き） 2件" in output
    subsidy = imported()
    assert subsidy.state == Subsidy.State.DRAFT
    assert subsidy.title == "【合成データ】ものづくり設備導入補助金（第２０回）"
    assert subsidy.max_amount == 12_500_000 and subsidy.subsidy_rate == "1/2以内"
    assert subsidy.organization.name == "合成データ省 中小企業課"
    assert subsidy.employee_band == "300名以下"
    assert {p.name for p in subsidy.purposes.all()} == {"設備整備・IT導入をしたい", "新たな事業を行いたい"}
    assert {i.name for i in subsidy.industries.all()} == {"製造業", "情報通信業", "卸売業、小売業"}
    assert [r.name for r in subsidy.rounds.all()] == ["第19回", "第20回"]
    assert [r.name for r in subsidy.regions.all()] == ["全国"]  # v2: from its rounds' areas
    # On 2026-12-04 the 第20回 is open (2026-12-01 0:00 to 2027-01-29 17:00 JST): the listing shows it.
    assert subsidy.round_name == "第20回"
    assert subsidy.deadline == jst(2027, 1, 29, 17, 0) and subsidy.deadline_has_time
    assert "<" not in subsidy.body and "概要" in subsidy.body
    other = imported("SYNTH0000000000002")
    assert other.max_amount is None  # 0 = not stated
    assert {r.name for r in other.regions.all()} == {"東京都", "神奈川県"}
    assert other.organization.name == "実施機関の記載なし（Jグランツ）"


def test_only_the_guideline_pdf_is_stored_as_a_file():
    run_command("v2_detail.json")
    attachments = {(a.kind, a.name): a for a in ImportedAttachment.objects.all()}
    with attachments[("公募要領", "公募要領_第20回.pdf")].file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")
    assert not attachments[("交付要綱", "交付要綱.pdf")].file
    assert not attachments[("申請様式", "様式1.docx")].file


def test_the_imported_draft_page_shows_jgrants_id_and_rounds(staff_client):
    run_command("v2_detail.json")
    publish(subsidy := imported())
    text = staff_client.get(subsidy.get_absolute_url()).content.decode()
    assert 'href="https://www.jgrants-portal.go.jp/subsidy/SYNTH0000000000001"' in text
    assert "jGrants ID" in text and "SYNTH0000000000001" in text
    assert "第19回" in text and "2026年6月30日（火）17:00" in text
    assert "第20回" in text
    assert "<dt>従業員数</dt>" in text and "300名以下" in text
    listing = staff_client.get(reverse("subsidies:list")).content.decode()
    assert '<span class="card__round">第20回</span>' in listing


# Bad input


def test_bad_input_is_reported_per_record_and_good_records_still_import():
    output = run_command("bad_records.json", "malformed.json", "v1_list.json")
    run = ImportRun.objects.get()
    assert {"source": "malformed.json", "level": "error"}.items() <= next(
        item for item in run.report if item["source"] == "malformed.json"
    ).items()
    texts = "\n".join(item["text"] for item in run.report)
    assert "id がありません" in texts
    assert "script" in texts
    assert "地域「月面」" in texts and "利用目的「宇宙に行きたい」" in texts
    assert "JSON として読めません" in texts
    assert "地域「海外」" in texts
    assert (run.created, run.failed) == (3, 2)
    scripted = imported("SYNTH0000000000006")
    assert "alert" not in scripted.body and "本文です。" in scripted.body
    assert [r.name for r in scripted.regions.all()] == ["大阪府"]
    assert "取り込めなかったもの 2件" in output


def test_a_record_that_fails_validation_leaves_nothing_half_written(tmp_path):
    path = tmp_path / "bad.json"
    record = {
        "id": "SYNTHBAD0000000001",
        "name": "S-1",
        "title": "締切が受付開始より前",
        "acceptance_start_datetime": "2027-01-01T00:00Z",
        "acceptance_end_datetime": "2026-01-01T00:00Z",
    }
    path.write_text(
        json.dumps(
            {"result": [record, {**record, "id": "SYNTHOK00000000001", "acceptance_end_datetime": None}]}
        )
    )
    call_command("import_jgrants", str(path), stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert (run.created, run.failed) == (1, 1)
    assert "受付開始より後" in run.report[0]["text"]
    assert not Subsidy.objects.filter(jgrants_id="SYNTHBAD0000000001").exists()
    assert not Subsidy.objects.filter(title="締切が受付開始より前", jgrants_id="SYNTHBAD0000000001").exists()


def test_a_20_mb_attachment_is_reported_and_the_record_imports(tmp_path):
    data = base64.b64encode(b"%PDF" + b"\0" * (20 * 1024 * 1024)).decode()
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps(
            {
                "result": [
                    {
                        "id": "SYNTHBIG0000000001",
                        "name": "S-2",
                        "title": "大きな公募要領",
                        "application_guidelines": [{"name": "公募要領.pdf", "data": data}],
                    }
                ]
            }
        )
    )
    call_command("import_jgrants", str(path), stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert run.created == 1
    assert "20.0MB" in run.report[0]["text"]
    attachment = ImportedAttachment.objects.get()
    assert not attachment.file and attachment.size >= 20 * 1024 * 1024


# Re-import


def test_reimporting_the_same_file_is_a_no_op():
    run_command("v2_detail.json")
    before = imported().updated_at
    output = run_command("v2_detail.json")
    assert "変更なし 1件" in output
    assert imported().updated_at == before
    assert not PendingChange.objects.exists()
    run_command("v2_detail_updated.json")
    change = PendingChange.objects.get()
    run_command("v2_detail_updated.json")
    assert PendingChange.objects.get() == change


# Review in the admin


@pytest.fixture
def pending(staff_client):
    """A published imported listing and the pending change a newer record of it leaves."""
    run_command("v2_detail.json")
    publish(imported())
    run_command("v2_detail_updated.json")
    return PendingChange.objects.get()


def test_an_import_never_changes_a_published_listing(pending):
    subsidy = imported()
    assert subsidy.title == "【合成データ】ものづくり設備導入補助金（第２０回）"
    assert subsidy.max_amount == 12_500_000
    assert set(pending.fields) == {"title", "max_amount", "rounds"}


def test_the_review_page_shows_old_and_new_field_by_field(staff_client, pending, django_assert_num_queries):
    # The session's user, the change with its listing and organiser, the listing's rounds, the baseline.
    with django_assert_num_queries(4):
        response = staff_client.get(review_url(pending))
    text = response.content.decode()
    assert response.status_code == 200
    assert "タイトル" in text and "最大支給額（円）" in text and "公募回" in text
    assert "1,250万円" in text and "1,500万円" in text
    assert "2027年1月29日（金）17:00" in text and "2027年2月26日（金）17:00" in text
    assert 'class="jgrants-diff__hand"' not in text
    changelist = staff_client.get(reverse("admin:jgrants_pendingchange_changelist")).content.decode()
    assert "タイトル、最大支給額（円）、公募回" in changelist


def test_accepting_selected_fields_applies_only_those_and_records_who_and_when(staff_client, pending):
    response = staff_client.post(
        review_url(pending), {"action": "accept_selected", "field": ["max_amount", "rounds"]}
    )
    assert response.status_code == 302
    subsidy = imported()
    assert subsidy.max_amount == 15_000_000
    assert subsidy.deadline == jst(2027, 2, 26, 17, 0)  # the rounds were accepted: the listing follows them
    assert subsidy.title == "【合成データ】ものづくり設備導入補助金（第２０回）"  # rejected
    pending.refresh_from_db()
    assert pending.state == PendingChange.State.DECIDED
    assert (pending.accepted, pending.rejected) == (["max_amount", "rounds"], ["title"])
    assert pending.decided_by.username == "staff" and pending.decided_at == NOW
    entry = LogEntry.objects.get(object_id=str(subsidy.pk))
    assert (
        "反映: 最大支給額（円）、公募回" in entry.change_message
        and "反映しなかった項目: タイトル" in entry.change_message
    )
    assert entry.user.username == "staff"
    # Importing the same file again offers nothing (the rejected title is not offered again).
    assert "変更なし 1件" in run_command("v2_detail_updated.json")


def test_accept_all_and_reject_all(staff_client, pending):
    staff_client.post(review_url(pending), {"action": "reject_all"})
    subsidy = imported()
    assert subsidy.max_amount == 12_500_000
    pending.refresh_from_db()
    assert pending.accepted == [] and pending.state == PendingChange.State.DECIDED


def test_accept_all_applies_everything_not_edited_by_hand(staff_client, pending):
    staff_client.post(review_url(pending), {"action": "accept_all"})
    subsidy = imported()
    assert (subsidy.title, subsidy.max_amount) == (
        "【合成データ】ものづくり設備導入補助金（第２０回・締切延長）",
        15_000_000,
    )


def test_a_field_edited_by_hand_is_flagged_and_its_hand_value_wins_unless_accepted(staff_client):
    run_command("v2_detail.json")
    subsidy = imported()
    subsidy.title = "ものづくり設備導入補助金（スタッフが直したタイトル）"
    publish(subsidy)
    run_command("v2_detail_updated.json")
    change = PendingChange.objects.get()
    text = staff_client.get(review_url(change)).content.decode()
    row = text[text.index('id="field-title"') :]
    row = row[: row.index("</tr>")]
    assert "手で修正済み" in row and "checked" not in row
    assert "スタッフが直したタイトル" in row
    staff_client.post(review_url(change), {"action": "accept_all"})
    subsidy.refresh_from_db()
    assert subsidy.title == "ものづくり設備導入補助金（スタッフが直したタイトル）"
    assert subsidy.max_amount == 15_000_000
    change.refresh_from_db()
    assert change.rejected == ["title"]


def test_a_hand_edited_field_is_replaced_when_staff_accept_it(staff_client):
    run_command("v2_detail.json")
    subsidy = imported()
    subsidy.title = "スタッフのタイトル"
    subsidy.save()
    run_command("v2_detail_updated.json")
    change = PendingChange.objects.get()
    staff_client.post(review_url(change), {"action": "accept_selected", "field": ["title"]})
    subsidy.refresh_from_db()
    assert subsidy.title == "【合成データ】ものづくり設備導入補助金（第２０回・締切延長）"
    assert subsidy.max_amount == 12_500_000


def test_a_decided_change_cannot_be_decided_again(staff_client, pending):
    staff_client.post(review_url(pending), {"action": "reject_all"})
    response = staff_client.post(review_url(pending), {"action": "accept_all"}, follow=True)
    assert "すでに対応済み" in response.content.decode()
    assert imported().max_amount == 12_500_000


def test_an_accept_that_would_make_the_listing_invalid_changes_nothing(staff_client, pending):
    # The published listing's title would claim an amount its max amount contradicts.
    pending.fields["title"]["new"] = "最大5億円！設備導入補助金"
    pending.save()
    response = staff_client.post(
        review_url(pending), {"action": "accept_selected", "field": ["title", "max_amount"]}, follow=True
    )
    assert "反映できませんでした" in response.content.decode()
    subsidy = imported()
    assert subsidy.max_amount == 12_500_000
    pending.refresh_from_db()
    assert pending.state == PendingChange.State.PENDING


# The upload page


def test_staff_upload_files_and_read_the_report(staff_client):
    response = upload(staff_client, SAMPLES / "v2_detail.json", SAMPLES / "bad_records.json")
    text = response.content.decode()
    assert response.status_code == 200
    assert "新規（下書き） 2件" in text
    assert "bad_records.json #1" in text and "id がありません" in text
    assert ImportRun.objects.get().by.username == "staff"


def test_editors_may_upload_and_review_and_visitors_may_not(client, django_user_model, pending):
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="編集者"))
    client.force_login(editor)
    assert client.get(reverse("admin:jgrants_importrun_upload")).status_code == 200
    assert client.post(review_url(pending), {"action": "reject_all"}).status_code == 302
    plain = django_user_model.objects.create_user("plain", password="pw", is_staff=True)
    client.force_login(plain)
    assert client.get(reverse("admin:jgrants_importrun_upload")).status_code == 403
    client.logout()
    assert client.get(reverse("admin:jgrants_importrun_upload")).status_code == 302  # to the login page


def test_the_runs_list_links_to_the_upload_page(staff_client):
    text = staff_client.get(reverse("admin:jgrants_importrun_changelist")).content.decode()
    assert f'href="{reverse("admin:jgrants_importrun_upload")}"' in text and "ファイルを取り込む" in text


def test_an_upload_without_files_says_so(staff_client):
    response = staff_client.post(reverse("admin:jgrants_importrun_upload"), {})
    assert (
        "ファイルを選んでください" in response.content.decode()
        or "このフィールドは必須です" in response.content.decode()
    )
    assert not ImportRun.objects.exists()


def test_the_baseline_follows_each_import_decision(staff_client, pending):
    staff_client.post(review_url(pending), {"action": "reject_all"})
    baseline = ImportBaseline.objects.get(subsidy=imported())
    assert baseline.values["max_amount"] == 15_000_000
