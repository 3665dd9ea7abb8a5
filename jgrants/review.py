"""Staff decide a pending change: accept some fields (or all) and reject the rest.

Accepting writes the new values through the same validation as the admin form, records who and when on the
change itself and in the listing's admin history (Django's ``LogEntry``, where publishing and verification are
recorded too: one history per listing, no second library), and makes the import's values the new baseline
(``ImportBaseline``), accepted or not, so a rejected value is not offered again until the source changes it.
A field whose listing value differs from the last import's (edited by hand since) is *hand-edited*: 「すべて
反映」 leaves it as staff wrote it; only accepting that field itself replaces it.
"""

import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from subsidies.models import Subsidy

from .importing import FIELD_LABELS, apply_values, current_values, in_order
from .models import ImportBaseline, PendingChange


def hand_edited(change: PendingChange, current: dict | None = None) -> set[str]:
    """The fields of ``change`` whose listing value was edited since the last import."""
    baseline = ImportBaseline.objects.filter(subsidy_id=change.subsidy_id).first()
    if baseline is None:
        return set()
    current = current if current is not None else current_values(change.subsidy, change.fields)
    return {
        name for name in change.fields if name in baseline.values and baseline.values[name] != current[name]
    }


def labels(names) -> str:
    return "、".join(FIELD_LABELS.get(name, name) for name in in_order(names)) or "なし"


@transaction.atomic
def decide(change: PendingChange, *, accept, by, at: datetime.datetime) -> list[str]:
    """Apply the fields in ``accept`` (names in ``change.fields``), reject the others. Returns the applied
    fields. ``ValidationError`` (the listing would not be valid) changes nothing."""
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if change.state != PendingChange.State.PENDING:
        raise ValueError("この変更はすでに対応済みです。")
    subsidy = Subsidy.objects.select_for_update().select_related("organization").get(pk=change.subsidy_id)
    accepted = [name for name in in_order(change.fields) if name in set(accept)]
    rejected = [name for name in in_order(change.fields) if name not in set(accept)]
    if accepted:
        try:
            apply_values(subsidy, {name: change.fields[name]["new"] for name in accepted}, at=at)
        except IntegrityError as error:
            raise ValidationError(f"データベースの制約に合いません（{error}）。") from None
    baseline, _ = ImportBaseline.objects.get_or_create(subsidy=subsidy, defaults={"record_hash": ""})
    baseline.values |= {name: entry["new"] for name, entry in change.fields.items()}
    baseline.record_hash = change.record_hash
    baseline.save()
    change.state = PendingChange.State.DECIDED
    change.accepted, change.rejected = accepted, rejected
    change.decided_by, change.decided_at = by, at
    change.save()
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[subsidy],
        action_flag=CHANGE,
        change_message=f"Jグランツの取り込みを確認しました。反映: {labels(accepted)}。反映しなかった項目: {labels(rejected)}。",
        single_object=True,
    )
    return accepted
