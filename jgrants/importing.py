"""Import jGrants records: new listings arrive as drafts; an existing listing is never changed by an import,
which leaves a pending change (field by field) for staff to accept or reject (``review.py``).

One transaction per record: a record that fails leaves nothing behind, and the records after it still
import. Re-importing a record whose content was already imported (or is already waiting) does nothing.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from subsidies import search, services, versioning
from subsidies.clock import JST
from subsidies.models import Industry, Organization, Purpose, Region, Round, Subsidy

from . import records
from .models import ImportBaseline, ImportedAttachment, ImportRun, PendingChange

# The listing's fields an import may set, with the label staff read in the review.
FIELD_LABELS = {
    "title": "タイトル",
    "summary": "3秒でわかる要点",
    "body": "本文",
    "max_amount": "最大支給額（円）",
    "subsidy_rate": "補助率",
    "organization": "主催機関",
    "official_url": "公式ページ",
    "employee_band": "従業員数",
    "regions": "対象地域",
    "purposes": "利用目的",
    "industries": "業種",
    "rounds": "公募回",
}
FIELD_ORDER = {name: position for position, name in enumerate(FIELD_LABELS)}


def in_order(names) -> list[str]:
    """Field names in the review's order (``FIELD_LABELS``): PostgreSQL's jsonb keeps no key order."""
    return sorted(names, key=lambda name: FIELD_ORDER.get(name, len(FIELD_ORDER)))


LINKS = {"regions": Region, "purposes": Purpose, "industries": Industry}
ROUND_FIELDS = (
    "jgrants_id",
    "name",
    "order",
    "area",
    "accepts_from",
    "accepts_from_has_time",
    "accepts_from_expected",
    "deadline",
    "deadline_has_time",
    "deadline_expected",
    "project_end",
    "project_end_has_time",
)


@dataclass
class Vocabulary:
    """The taxonomy rows by name, read once per run."""

    links: dict[str, dict[str, object]] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Vocabulary":
        return cls({name: {row.name: row for row in model.objects.all()} for name, model in LINKS.items()})

    def organization(self, name: str) -> Organization:
        if name not in self.organizations:
            self.organizations[name] = Organization.objects.get_or_create(name=name)[0]
        return self.organizations[name]

    def names(self, link: str) -> set[str]:
        return set(self.links[link])


def _iso(moment) -> str | None:
    return moment.astimezone(JST).isoformat() if moment else None


def round_values(round_: Round) -> dict:
    values = {name: getattr(round_, name) for name in ROUND_FIELDS}
    for name in ("accepts_from", "deadline", "project_end"):
        values[name] = _iso(values[name])
    return values


def current_values(subsidy: Subsidy, names) -> dict:
    """The listing's values of ``names`` in the form ``records.map_record`` gives them (JSON-ready)."""
    values = {}
    for name in names:
        if name == "organization":
            values[name] = subsidy.organization.name
        elif name in LINKS:
            values[name] = sorted(row.name for row in getattr(subsidy, name).all())
        elif name == "rounds":
            values[name] = [round_values(round_) for round_ in subsidy.rounds.all()]
        else:
            values[name] = getattr(subsidy, name)
    return values


def _parse(value):
    return datetime.datetime.fromisoformat(value) if value else None


def apply_values(subsidy: Subsidy, values: dict, *, at: datetime.datetime, vocabulary=None) -> None:
    """Write ``values`` (some of ``FIELD_LABELS``) onto the listing, validated by the model's ``clean()`` as
    the admin validates it (a ``ValidationError``, or an ``IntegrityError`` from a database constraint, leaves
    the caller's transaction to roll back), and reindex it once for search.

    The database checks the constraints on write; ``full_clean`` would ask it once per constraint first."""
    vocabulary = vocabulary or Vocabulary.load()
    created = subsidy.pk is None
    with versioning.one_bump():  # one content version bump and one reindex for the whole listing
        for name, value in values.items():
            if name == "organization":
                subsidy.organization = vocabulary.organization(value)
            elif name not in LINKS and name != "rounds":
                setattr(subsidy, name, value)
        subsidy.full_clean(validate_unique=False, validate_constraints=False)
        subsidy.save()
        for name in LINKS.keys() & values.keys():
            getattr(subsidy, name).set([vocabulary.links[name][term] for term in values[name]])
        if "rounds" in values:
            if not created:
                subsidy.rounds.all().delete()
            rounds = []
            for data in values["rounds"]:
                round_ = Round(subsidy=subsidy, **data)
                for name in ("accepts_from", "deadline", "project_end"):
                    setattr(round_, name, _parse(data[name]))
                round_.full_clean(validate_constraints=False)
                rounds.append(round_)
            Round.objects.bulk_create(rounds)
            services.sync_current_round(subsidy, at=at, rounds=rounds)
        search.reindex([subsidy.pk])


def store_attachments(subsidy: Subsidy, attachments: list[records.Attachment]) -> None:
    for attachment in attachments:
        row, _ = ImportedAttachment.objects.get_or_create(
            subsidy=subsidy,
            kind=attachment.kind,
            name=attachment.name[:255],
            defaults={"size": attachment.size},
        )
        if attachment.data is None:
            if row.size != attachment.size:
                row.size = attachment.size
                row.save(update_fields=["size"])
            continue
        digest = hashlib.sha256(attachment.data).hexdigest()[:16]
        if row.file and row.size == attachment.size and digest in row.file.name:
            continue
        row.size = attachment.size
        row.file.save(f"{subsidy.jgrants_id}-{digest}.pdf", ContentFile(attachment.data), save=False)
        row.save()


def _new_listing(mapped: records.Mapped, *, at, vocabulary: Vocabulary) -> Subsidy:
    values = dict(mapped.values)
    title = values.get("title") or mapped.jgrants_id
    values["title"] = title
    values["summary"] = values.get("summary") or title
    values.setdefault("organization", records.NO_INSTITUTION)
    subsidy = Subsidy(
        jgrants_id=mapped.jgrants_id,
        state=Subsidy.State.DRAFT,
        source_name=records.SOURCE_NAME,
        source_url=values.get("official_url", ""),
    )
    apply_values(subsidy, values, at=at, vocabulary=vocabulary)
    ImportBaseline.objects.create(subsidy=subsidy, values=mapped.values, record_hash=mapped.record_hash)
    return subsidy


def import_one(
    mapped: records.Mapped, *, run: ImportRun, at: datetime.datetime, vocabulary: Vocabulary
) -> str:
    """``created``, ``pending`` or ``unchanged``. Call inside a transaction."""
    subsidy = (
        Subsidy.objects.select_for_update()
        .select_related("organization")
        .filter(jgrants_id=mapped.jgrants_id)
        .first()
    )
    if subsidy is None:
        subsidy = _new_listing(mapped, at=at, vocabulary=vocabulary)
        store_attachments(subsidy, mapped.attachments)
        return "created"
    baseline = ImportBaseline.objects.filter(subsidy=subsidy).first()
    pending = subsidy.jgrants_changes.filter(state=PendingChange.State.PENDING).first()
    if mapped.record_hash in {getattr(baseline, "record_hash", None), getattr(pending, "record_hash", None)}:
        return "unchanged"
    store_attachments(subsidy, mapped.attachments)
    current = current_values(subsidy, mapped.values)
    changes = {
        name: {"old": current[name], "new": new}
        for name, new in mapped.values.items()
        if current[name] != new
    }
    if not changes:
        # The listing already says what the record says: nothing to review, and this is the new baseline.
        if pending:
            pending.delete()
        ImportBaseline.objects.update_or_create(
            subsidy=subsidy, defaults={"values": mapped.values, "record_hash": mapped.record_hash}
        )
        return "unchanged"
    PendingChange.objects.update_or_create(
        subsidy=subsidy,
        state=PendingChange.State.PENDING,
        defaults={"fields": changes, "record_hash": mapped.record_hash, "run": run, "created_at": at},
    )
    return "pending"


def _files(paths) -> list[Path]:
    found = []
    for path in map(Path, paths):
        found.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return found


def _problems(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(
            f"{Subsidy._meta.get_field(name).verbose_name if name != '__all__' else ''}: {' '.join(texts)}"
            for name, texts in error.message_dict.items()
        )
    return " ".join(error.messages)


def import_files(paths, *, at: datetime.datetime, by=None, names=None) -> ImportRun:
    """Import every record of ``paths`` (files, or directories of ``*.json``). ``names`` are the names the
    report gives the files (an upload's own names), by default their file names."""
    files = _files(paths)
    names = names or [path.name for path in files]
    run = ImportRun.objects.create(started_at=at, by=by, sources="\n".join(names))
    vocabulary = Vocabulary.load()
    known = {link: vocabulary.names(link) for link in LINKS}

    def note(source: str, level: str, text: str) -> None:
        run.report.append({"source": source, "level": level, "text": text})

    for path, name in zip(files, names, strict=True):
        try:
            found = records.read_file(path)
        except (OSError, records.FileError) as error:
            note(name, "error", f"ファイルを読めません: {error}")
            continue
        for index, record in enumerate(found, start=1):
            source = f"{name} #{index}"
            try:
                mapped = records.map_record(
                    record,
                    regions=known["regions"],
                    purposes=known["purposes"],
                    industries=known["industries"],
                )
            except (ValueError, TypeError) as error:
                note(source, "error", f"取り込めません: {error}")
                run.failed += 1
                continue
            source = f"{source}（{mapped.jgrants_id}）"
            try:
                with transaction.atomic():
                    outcome = import_one(mapped, run=run, at=at, vocabulary=vocabulary)
            except (ValidationError, IntegrityError) as error:
                vocabulary.organizations.clear()  # one created in the rolled-back transaction is gone
                reason = (
                    _problems(error)
                    if isinstance(error, ValidationError)
                    else f"データベースの制約（{error}）"
                )
                note(source, "error", f"取り込めません: {reason}")
                run.failed += 1
                continue
            for text in mapped.messages:
                note(source, "warning", text)
            setattr(run, outcome, getattr(run, outcome) + 1)
    run.save()
    return run
