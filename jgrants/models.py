"""What an import leaves behind: the run and its report, the values each listing last received, the changes
waiting for staff, and the attachments kept as files."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from subsidies.models import Subsidy


class ImportRun(models.Model):
    started_at = models.DateTimeField("開始日時")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実行したスタッフ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空欄はコマンド（manage.py import_jgrants）からの実行。",
    )
    sources = models.TextField("ファイル", blank=True)
    created = models.PositiveIntegerField("新規（下書き）", default=0)
    pending = models.PositiveIntegerField("確認待ちの変更", default=0)
    unchanged = models.PositiveIntegerField("変更なし", default=0)
    failed = models.PositiveIntegerField("取り込めなかったレコード", default=0)
    # One entry per message: {"source": "file #n (id)", "level": "error" | "warning", "text": "…"}.
    report = models.JSONField("レポート", default=list, blank=True)

    class Meta:
        verbose_name = "Jグランツ取り込み"
        verbose_name_plural = "Jグランツ取り込み"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"取り込み #{self.pk}（{self.started_at:%Y-%m-%d %H:%M}）"

    @property
    def summary(self) -> str:
        return (
            f"新規（下書き） {self.created}件、確認待ち {self.pending}件、変更なし {self.unchanged}件、"
            f"取り込めなかったもの {self.failed}件"
        )


class ImportBaseline(models.Model):
    """What the last import said of each field of a listing (accepted or not), and the record it came from.

    A listing value that differs from its baseline was edited by hand since that import: the review flags it
    and keeps it unless staff accept the new value for that field."""

    subsidy = models.OneToOneField(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="jgrants_baseline"
    )
    values = models.JSONField("取り込んだ値", default=dict)
    record_hash = models.CharField("レコードの内容ハッシュ", max_length=64)

    class Meta:
        verbose_name = "取り込みの基準値"
        verbose_name_plural = "取り込みの基準値"

    def __str__(self) -> str:
        return str(self.subsidy)


class PendingChange(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "確認待ち"
        DECIDED = "decided", "対応済み"

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="jgrants_changes"
    )
    run = models.ForeignKey(
        ImportRun, verbose_name="取り込み", null=True, on_delete=models.SET_NULL, related_name="changes"
    )
    # {field: {"old": value when imported, "new": the import's value}}, values as ``importing.current_values``.
    fields = models.JSONField("変更内容", default=dict)
    record_hash = models.CharField("レコードの内容ハッシュ", max_length=64)
    created_at = models.DateTimeField("取り込み日時")
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.PENDING)
    accepted = models.JSONField("反映した項目", default=list, blank=True)
    rejected = models.JSONField("反映しなかった項目", default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応したスタッフ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("対応日時", null=True, blank=True)

    class Meta:
        verbose_name = "取り込みの変更（確認待ち）"
        verbose_name_plural = "取り込みの変更（確認待ち）"
        ordering = ["state", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subsidy"],
                condition=Q(state="pending"),
                name="jgrants_one_pending_change_per_listing",
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="jgrants_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subsidy}（{len(self.fields)}項目）"


class ImportedAttachment(models.Model):
    """An attachment of a jGrants record: a 公募要領 PDF within the size limit is kept as a file; the others
    only by name."""

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="jgrants_attachments"
    )
    kind = models.CharField("種類", max_length=20)
    name = models.CharField("ファイル名", max_length=255)
    size = models.PositiveBigIntegerField("大きさ（バイト）")
    file = models.FileField("保存したファイル", upload_to="jgrants/", max_length=300, blank=True)

    class Meta:
        verbose_name = "添付ファイル（Jグランツ）"
        verbose_name_plural = "添付ファイル（Jグランツ）"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["subsidy", "kind", "name"], name="jgrants_attachment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
