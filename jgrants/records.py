"""Reading jGrants-shaped JSON (``../shared/reference/jgrants-api.md``) into the values of a listing.

Pure functions: no database. ``read_file`` turns one file into records (a list response, a v1 or v2 detail
response, or a bare record); ``map_record`` turns one record into ``Mapped``: the listing's values as this
site stores them, the rounds, the attachments and the messages staff read in the import report. The
vocabulary (regions, purposes, industries) is passed in by name: jGrants' own names are the names of the
site's taxonomy rows (``fixtures/taxonomies.json``), so there is no mapping table.

Rules (each tested in ``tests/jgrants/test_records.py``):
- several values are split on " / " only (industry names contain 「、」);
- UTC datetimes (``…T14:59Z``, ``…T08:00:00.000Z``) become JST with their time stated (14:59Z is 23:59);
  an end date in or after ``PLACEHOLDER_YEAR`` (jGrants' 2124) is a placeholder, imported as not stated;
- ``subsidy_max_limit`` 0 (or missing) is not stated (None), never 0 yen;
- ``detail`` HTML goes through the site's sanitiser (``subsidies.rendering.sanitize``) and becomes the
  article's text (the article is Markdown with raw HTML off); a record whose detail had scripts says so;
- attachments (base64) are kept as files only when they are 公募要領 PDFs within ``ATTACHMENT_LIMIT`` bytes;
  the others are listed by name.
"""

import base64
import binascii
import datetime
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from subsidies.clock import JST
from subsidies.models import EmployeeBand
from subsidies.rendering import sanitize

SEPARATOR = " / "
PLACEHOLDER_YEAR = 2100
ATTACHMENT_LIMIT = 10 * 1024 * 1024
SOURCE_NAME = "Jグランツ（補助金情報取得API）"
NO_INSTITUTION = "実施機関の記載なし（Jグランツ）"
ATTACHMENT_KINDS = {
    "application_guidelines": "公募要領",
    "outline_of_grant": "交付要綱",
    "application_form": "申請様式",
}
_SCRIPT = re.compile(r"<\s*script\b|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)
_BLOCK_END = re.compile(r"</\s*(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)\s*>", re.IGNORECASE)
_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


class FileError(Exception):
    """The file is not a jGrants response: nothing in it can be read."""


@dataclass
class Attachment:
    kind: str
    name: str
    size: int
    data: bytes | None  # kept only for a 公募要領 PDF within the limit


@dataclass
class Mapped:
    jgrants_id: str
    # The listing's values, as ``importing.current_values`` reads them from a stored listing (JSON-ready).
    values: dict
    attachments: list[Attachment] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    record_hash: str = ""


def read_file(path: Path) -> list[dict]:
    """The records of one file. ``FileError`` when it is not JSON or not shaped like a jGrants response."""
    try:
        data = json.loads(Path(path).read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileError(f"JSON として読めません（{error}）。") from None
    return records_of(data)


def records_of(data) -> list[dict]:
    if isinstance(data, dict) and "result" in data:
        result = data["result"]
        if isinstance(result, dict):  # one unofficial type declares a bare object
            result = [result]
        if not isinstance(result, list):
            raise FileError("「result」が配列でもオブジェクトでもありません。")
        return result
    if isinstance(data, dict) and ("id" in data or "name" in data):
        return [data]
    if isinstance(data, list):
        return data
    raise FileError("Jグランツの応答（result を持つオブジェクト）の形ではありません。")


def record_hash(record: dict) -> str:
    """The record's content (there is no update timestamp in jGrants: change is detected by content)."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def split(value) -> list[str]:
    """「A / B、C」 → ["A", "B、C"]: split on " / " only."""
    if not value or not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def parse_moment(value) -> datetime.datetime | None:
    """An ISO 8601 UTC datetime (with or without milliseconds) in JST; None when empty."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(JST)


def amount(value) -> int | None:
    """``subsidy_max_limit``: yen, 0 or missing = not stated."""
    if value in (None, ""):
        return None
    number = int(float(value))
    return number if number > 0 else None


def text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def article_from_html(fragment: str) -> tuple[str, bool]:
    """The sanitised ``detail`` as the article's text (paragraphs and line breaks kept), and whether the
    source had scripts or event handlers that the sanitiser removed."""
    had_script = bool(_SCRIPT.search(fragment))
    clean = sanitize(fragment)
    clean = _BREAK.sub("\n", clean)
    clean = _LIST_ITEM.sub("- ", clean)
    clean = _BLOCK_END.sub("\n\n", clean)
    plain = html.unescape(_TAG.sub("", clean))
    lines = [line.strip() for line in plain.replace("\r\n", "\n").split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return body, had_script


def _attachments(record: dict, messages: list[str]) -> list[Attachment]:
    found = []
    for key, kind in ATTACHMENT_KINDS.items():
        for item in record.get(key) or []:
            if not isinstance(item, dict):
                continue
            name = text(item.get("name")) or f"{kind}（名前なし）"
            data = item.get("data") or ""
            size = len(data) * 3 // 4
            is_pdf = data.startswith("JVBERi0") or name.lower().endswith(".pdf")
            if kind != "公募要領" or not is_pdf:
                found.append(Attachment(kind, name, size, None))
                continue
            if size > ATTACHMENT_LIMIT:
                messages.append(
                    f"{kind}「{name}」は {size / 1024 / 1024:.1f}MB で、保存する上限"
                    f"（{ATTACHMENT_LIMIT // 1024 // 1024}MB）を超えるため、名前だけを記録しました。"
                )
                found.append(Attachment(kind, name, size, None))
                continue
            try:
                content = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                messages.append(f"{kind}「{name}」の base64 が壊れているため、名前だけを記録しました。")
                found.append(Attachment(kind, name, size, None))
                continue
            found.append(Attachment(kind, name, len(content), content))
    return found


def _period(source: dict, messages: list[str], label: str) -> dict:
    values = {}
    for key, column in (
        ("acceptance_start_datetime", "accepts_from"),
        ("acceptance_end_datetime", "deadline"),
        ("project_end_deadline", "project_end"),
    ):
        moment = parse_moment(source.get(key))
        if moment and column != "accepts_from" and moment.year >= PLACEHOLDER_YEAR:
            messages.append(
                f"{label}の {key}（{source[key]}）は仮の日付とみなし、記載なしとして取り込みました。"
            )
            moment = None
        values[column] = moment.isoformat() if moment else None
        values[f"{column}_has_time"] = moment is not None
    values["accepts_from_expected"] = values["deadline_expected"] = False
    return values


def _rounds(record: dict, messages: list[str]) -> list[dict] | None:
    """v2: one round per ``workflow[]`` item; v1 and list records: one round from the top-level dates."""
    workflow = record.get("workflow")
    if isinstance(workflow, list):
        rounds = []
        for order, item in enumerate(workflow, start=1):
            if not isinstance(item, dict):
                continue
            name = text(item.get("fiscal_year_round"))
            period = _period(item, messages, f"公募回「{name or order}」")
            rounds.append(
                {
                    "jgrants_id": text(item.get("id"))[:18],
                    "name": name,
                    "order": order,
                    "area": " / ".join(split(item.get("target_area_search"))),
                    **period,
                }
            )
        return rounds
    if not any(key in record for key in ("acceptance_start_datetime", "acceptance_end_datetime")):
        return None
    period = _period(record, messages, "受付期間")
    if not (period.get("accepts_from") or period.get("deadline")):
        return []
    return [{"jgrants_id": "", "name": "", "order": 1, "area": "", **period}]


def map_record(record, *, regions: set[str], purposes: set[str], industries: set[str]) -> Mapped:
    """One record's values for a listing. Raises ``ValueError`` (with a message for staff) when the record
    cannot become a listing at all (no id); otherwise every problem is a message and the rest is mapped."""
    if not isinstance(record, dict):
        raise ValueError("レコードがオブジェクトではありません。")
    jgrants_id = text(record.get("id"))
    if not jgrants_id:
        raise ValueError("id がありません（Jグランツのレコードには id が必須です）。")
    if len(jgrants_id) > 18:
        raise ValueError(f"id「{jgrants_id[:30]}」が18文字を超えています。")
    messages: list[str] = []
    values: dict = {}
    if text(record.get("title")):
        values["title"] = text(record["title"])[:200]
    # An empty catch phrase or detail says nothing: it leaves the listing's own text alone.
    if text(record.get("subsidy_catch_phrase")):
        values["summary"] = text(record["subsidy_catch_phrase"])
    if text(record.get("detail")):
        body, had_script = article_from_html(text(record["detail"]))
        if had_script:
            messages.append("本文（detail）に script やイベント属性があったため、取り除いて取り込みました。")
        values["body"] = body
    if "subsidy_max_limit" in record:
        values["max_amount"] = amount(record["subsidy_max_limit"])
    if "subsidy_rate" in record:
        values["subsidy_rate"] = text(record["subsidy_rate"])[:100]
    if "institution_name" in record:
        values["organization"] = text(record["institution_name"]) or NO_INSTITUTION
    if "front_subsidy_detail_page_url" in record:
        url = text(record["front_subsidy_detail_page_url"])
        values["official_url"] = url if url.startswith(("https://", "http://")) else ""
    if "target_number_of_employees" in record:
        band = text(record["target_number_of_employees"])
        if band and band not in EmployeeBand.values:
            messages.append(f"従業員数「{band}」は Jグランツの区分にないため、取り込みませんでした。")
            band = ""
        values["employee_band"] = band
    for key, column, known, label in (
        ("target_area_search", "regions", regions, "地域"),
        ("use_purpose", "purposes", purposes, "利用目的"),
        ("industry", "industries", industries, "業種"),
    ):
        if key not in record:
            continue
        names = split(record[key])
        unknown = [name for name in names if name not in known]
        if unknown:
            messages.append(f"{label}「{'」「'.join(unknown)}」は語彙にないため、取り込みませんでした。")
        values[column] = sorted({name for name in names if name in known})
    rounds = _rounds(record, messages)
    if rounds is not None:
        values["rounds"] = rounds
    if "target_area_search" not in record and isinstance(record.get("workflow"), list):
        # v2 moves the area into its rounds: the listing is available wherever one of its rounds is.
        names = [
            name
            for item in record["workflow"]
            if isinstance(item, dict)
            for name in split(item.get("target_area_search"))
        ]
        unknown = sorted({name for name in names if name not in regions})
        if unknown:
            messages.append(f"地域「{'」「'.join(unknown)}」は語彙にないため、取り込みませんでした。")
        values["regions"] = sorted({name for name in names if name in regions})
    attachments = _attachments(record, messages)
    return Mapped(jgrants_id, values, attachments, messages, record_hash(record))
