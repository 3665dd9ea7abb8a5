"""Each mapping rule of a jGrants record, without the database."""

import base64
import json

import pytest

from jgrants import records
from jgrants.records import FileError, map_record
from subsidies.clock import JST

REGIONS = {"全国", "北海道地方", "東京都", "神奈川県", "大阪府"}
PURPOSES = {"人材育成を行いたい", "設備整備・IT導入をしたい", "新たな事業を行いたい"}
INDUSTRIES = {"製造業", "卸売業、小売業", "情報通信業"}


def mapped(**record):
    return map_record(
        {"id": "a0WJ200000CDXvUMAX", "name": "S-00008317", **record},
        regions=REGIONS,
        purposes=PURPOSES,
        industries=INDUSTRIES,
    )


def test_multi_values_split_on_space_slash_space_only():
    result = mapped(
        industry="製造業 / 卸売業、小売業",
        use_purpose="人材育成を行いたい",
        target_area_search="東京都 / 神奈川県",
    )
    assert result.values["industries"] == ["卸売業、小売業", "製造業"]
    assert result.values["regions"] == ["東京都", "神奈川県"]
    assert records.split("A/B / C") == ["A/B", "C"]


@pytest.mark.parametrize(
    ("value", "jst"),
    [
        ("2026-11-30T14:59:00.000Z", "2026-11-30T23:59:00+09:00"),
        ("2026-08-16T15:00Z", "2026-08-17T00:00:00+09:00"),
        ("2026-09-30T08:00:00.000Z", "2026-09-30T17:00:00+09:00"),
    ],
)
def test_utc_datetimes_become_jst_with_their_time_stated(value, jst):
    result = mapped(acceptance_end_datetime=value)
    (round_,) = result.values["rounds"]
    assert round_["deadline"] == jst
    assert round_["deadline_has_time"] is True
    assert records.parse_moment(value).tzinfo == JST


def test_a_far_future_placeholder_end_is_not_stated_and_said_so():
    result = mapped(
        acceptance_start_datetime="2026-01-01T00:00Z", acceptance_end_datetime="2124-12-31T14:59Z"
    )
    assert result.values["rounds"][0]["deadline"] is None
    assert any("仮の日付" in message for message in result.messages)


@pytest.mark.parametrize(
    ("value", "expected"), [(0, None), (None, None), ("", None), (17_500_000_000, 17_500_000_000)]
)
def test_max_limit_zero_is_not_stated(value, expected):
    assert mapped(subsidy_max_limit=value).values["max_amount"] == expected


def test_detail_html_is_sanitised_and_scripts_are_reported():
    result = mapped(
        detail='<p onclick="x()"><strong style="color:red">概要</strong><br>本文</p><script>alert(1)</script><ul><li>一</li></ul>'
    )
    body = result.values["body"]
    assert "script" not in body and "alert" not in body and "onclick" not in body and "style" not in body
    assert body.startswith("概要\n本文")
    assert "- 一" in body
    assert any("script" in message for message in result.messages)
    assert not mapped(detail="<p>普通の本文</p>").messages


def test_unknown_region_purpose_and_band_are_reported_and_the_rest_kept():
    result = mapped(
        target_area_search="全国 / 海外",
        use_purpose="宇宙に行きたい / 人材育成を行いたい",
        target_number_of_employees="10名以下",
    )
    assert result.values["regions"] == ["全国"]
    assert result.values["purposes"] == ["人材育成を行いたい"]
    assert result.values["employee_band"] == ""
    assert {m[:2] for m in result.messages} == {"地域", "利用", "従業"}


def test_a_record_without_an_id_cannot_be_imported():
    with pytest.raises(ValueError, match="id がありません"):
        map_record({"name": "S-1", "title": "t"}, regions=REGIONS, purposes=PURPOSES, industries=INDUSTRIES)
    with pytest.raises(ValueError, match="オブジェクトではありません"):
        map_record("text", regions=REGIONS, purposes=PURPOSES, industries=INDUSTRIES)


def test_v2_workflow_rounds_become_rounds():
    result = mapped(
        workflow=[
            {
                "id": "w1",
                "fiscal_year_round": "第53回",
                "target_area_search": "全国",
                "acceptance_start_datetime": "2026-01-31T15:00Z",
                "acceptance_end_datetime": "2026-03-31T08:00Z",
                "project_end_deadline": "2026-12-31T14:59Z",
            },
            {
                "id": "w2",
                "fiscal_year_round": None,
                "acceptance_start_datetime": None,
                "acceptance_end_datetime": None,
            },
        ]
    )
    first, second = result.values["rounds"]
    assert (first["name"], first["jgrants_id"], first["area"], first["order"]) == ("第53回", "w1", "全国", 1)
    assert (
        first["accepts_from"] == "2026-02-01T00:00:00+09:00"
        and first["project_end"] == "2026-12-31T23:59:00+09:00"
    )
    assert (second["name"], second["deadline"], second["order"]) == ("", None, 2)


def test_empty_strings_and_nulls_say_nothing_about_text_fields():
    result = mapped(title="", subsidy_catch_phrase=None, detail="")
    assert not {"title", "summary", "body"} & result.values.keys()


PDF = b"%PDF-1.4\n%%EOF\n"


def test_only_guideline_pdfs_within_the_limit_are_kept_as_files(monkeypatch):
    monkeypatch.setattr(records, "ATTACHMENT_LIMIT", 1000)
    encoded = base64.b64encode(PDF).decode()
    big = base64.b64encode(b"%PDF" + b"0" * 2000).decode()
    result = mapped(
        application_guidelines=[
            {"name": "公募要領.pdf", "data": encoded},
            {"name": "大きい公募要領.pdf", "data": big},
        ],
        outline_of_grant=[{"name": "交付要綱.pdf", "data": encoded}],
        application_form=[{"name": "様式.docx", "data": "UEsDBA=="}],
    )
    kept = {(a.kind, a.name): a.data for a in result.attachments}
    assert kept[("公募要領", "公募要領.pdf")] == PDF
    assert kept[("公募要領", "大きい公募要領.pdf")] is None
    assert kept[("交付要綱", "交付要綱.pdf")] is None and kept[("申請様式", "様式.docx")] is None
    assert any("上限" in message and "大きい公募要領.pdf" in message for message in result.messages)


def test_a_20_mb_attachment_is_listed_by_name_with_a_message():
    data = "JVBERi0" + "A" * (20 * 1024 * 1024 * 4 // 3)
    result = mapped(application_guidelines=[{"name": "巨大.pdf", "data": data}])
    (attachment,) = result.attachments
    assert attachment.data is None and attachment.size >= 20 * 1024 * 1024
    assert "20.0MB" in result.messages[0]


@pytest.mark.parametrize(
    ("content", "count"),
    [
        ({"metadata": {}, "result": [{"id": "a"}, {"id": "b"}]}, 2),
        ({"result": {"id": "a"}}, 1),  # one unofficial type declares a bare object
        ({"id": "a", "name": "S-1"}, 1),
    ],
)
def test_files_shaped_like_list_detail_or_a_bare_record(tmp_path, content, count):
    path = tmp_path / "f.json"
    path.write_text(json.dumps(content))
    assert len(records.read_file(path)) == count


@pytest.mark.parametrize("content", ['{"result": [', '"text"', '{"result": 3}', "\xff\xfe"])
def test_a_malformed_file_is_a_file_error(tmp_path, content):
    path = tmp_path / "f.json"
    path.write_text(content, encoding="latin-1")
    with pytest.raises(FileError):
        records.read_file(path)


def test_the_same_record_has_the_same_hash_whatever_its_key_order():
    assert records.record_hash({"id": "a", "title": "t"}) == records.record_hash({"title": "t", "id": "a"})
    assert records.record_hash({"id": "a", "title": "t"}) != records.record_hash({"id": "a", "title": "u"})


def test_v2_takes_the_listings_areas_from_its_rounds():
    result = mapped(
        workflow=[
            {"id": "w1", "target_area_search": "東京都 / 神奈川県"},
            {"id": "w2", "target_area_search": "東京都 / 火星"},
        ]
    )
    assert result.values["regions"] == ["東京都", "神奈川県"]
    assert any("火星" in message for message in result.messages)
