"""E-mail alerts: who asked for what, what was sent, and the one switch that stops all sending.

A mailbox is an ``Address``; each thing it asked for is a ``Subscription`` (a saved listing search, or the
deadline of one listing), active only once its confirmation link was followed and until it is cancelled.
Every mail (confirmation or daily digest) is an ``OutgoingMail`` row written before anything is sent; a digest's
``DigestItem`` rows are the marks of what it told (written in the same transaction), so a listing or a reminder
is never told twice.
"""

from django.db import models
from django.db.models import Q

from subsidies.models import Subsidy


class Address(models.Model):
    email = models.EmailField("メールアドレス", max_length=254, unique=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "宛先"
        verbose_name_plural = "宛先"
        ordering = ["pk"]

    def __str__(self) -> str:
        return mask(self.email)


def mask(email: str) -> str:
    """The address as staff lists show it: 「ta***@example.com」 (enough to tell two apart, not to write)."""
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, cancelled_at__isnull=True)


class Subscription(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", "検索条件の新着"
        DEADLINE = "deadline", "締切のお知らせ"

    address = models.ForeignKey(
        Address, verbose_name="宛先", on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    query = models.CharField(
        "検索条件",
        max_length=1000,
        blank=True,
        help_text="一覧ページの GET パラメータ（検証済みのもののみ）。締切のお知らせでは空。",
    )
    subsidy = models.ForeignKey(
        Subsidy, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="補助金"
    )
    created_at = models.DateTimeField("申込日時", auto_now_add=True)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    cancelled_at = models.DateTimeField("停止日時", null=True, blank=True)
    checked_at = models.DateTimeField(
        "確認済みの時点",
        null=True,
        blank=True,
        help_text="この時点までに公開・更新された掲載はお知らせ済み（または登録前）。",
    )
    checked_version = models.CharField(
        "確認済みの内容バージョン",
        max_length=64,
        blank=True,
        help_text="確認した時点のサイトの内容バージョン。変わっていなければ新着・更新はない。",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "購読"
        verbose_name_plural = "購読"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="search") & Q(subsidy__isnull=True))
                | (Q(kind="deadline") & Q(subsidy__isnull=False) & Q(query="")),
                name="alerts_subscription_kind_target",
            ),
            models.UniqueConstraint(
                fields=["address", "query"], condition=Q(kind="search"), name="alerts_one_search_per_query"
            ),
            models.UniqueConstraint(
                fields=["address", "subsidy"],
                condition=Q(kind="deadline"),
                name="alerts_one_deadline_per_listing",
            ),
        ]
        indexes = [models.Index(fields=["kind", "confirmed_at"], name="alerts_sub_kind_confirmed_idx")]

    def __str__(self) -> str:
        return f"{mask(self.address.email)} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.cancelled_at is None


class OutgoingMail(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "登録確認"
        DIGEST = "digest", "お知らせ"

    address = models.ForeignKey(Address, verbose_name="宛先", on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField("種類", max_length=12, choices=Kind.choices)
    day = models.DateField("配信日（日本時間）", null=True, blank=True)
    subject = models.CharField("件名", max_length=200)
    text = models.TextField("本文（テキスト）")
    html = models.TextField("本文（HTML）")
    headers = models.JSONField("ヘッダー", default=dict, blank=True)
    message_id = models.CharField("メッセージID（Message-ID）", max_length=200, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    expires_at = models.DateTimeField(
        "送信期限", null=True, blank=True, help_text="これを過ぎたら送らない（登録確認のリンクの期限）。"
    )
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    attempts = models.PositiveIntegerField("送信試行回数", default=0)
    last_error = models.CharField("最後のエラー", max_length=500, blank=True)

    class Meta:
        verbose_name = "送信メール"
        verbose_name_plural = "送信メール"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "day"], condition=Q(kind="digest"), name="alerts_one_digest_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(kind="digest") | Q(day__isnull=False), name="alerts_digest_has_day"
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="alerts_mail_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}（{mask(self.address.email)}）"


class DigestItem(models.Model):
    """One thing a digest told: a new or changed listing for a saved search, or a deadline reminder."""

    class Kind(models.TextChoices):
        NEW = "new", "新着"
        CHANGED = "changed", "更新"
        REMINDER = "reminder", "締切のお知らせ"

    mail = models.ForeignKey(
        OutgoingMail, verbose_name="メール", on_delete=models.CASCADE, related_name="items"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name="購読", on_delete=models.CASCADE, related_name="items"
    )
    subsidy = models.ForeignKey(Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    threshold = models.PositiveSmallIntegerField("何日前のお知らせ", null=True, blank=True)
    deadline = models.DateTimeField("お知らせした締切", null=True, blank=True)

    class Meta:
        verbose_name = "お知らせした掲載"
        verbose_name_plural = "お知らせした掲載"
        ordering = ["pk"]
        constraints = [
            # A reminder is told once per subscription, deadline and threshold, however often the job runs.
            models.UniqueConstraint(
                fields=["subscription", "deadline", "threshold"],
                condition=Q(kind="reminder"),
                name="alerts_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subsidy_id}"


class DailyRun(models.Model):
    """The daily job of one JST day: enqueued once, taken over by another worker if it falls silent."""

    day = models.DateField("日付（日本時間）", unique=True)
    at = models.DateTimeField("基準時刻")
    task_id = models.CharField("タスクID", max_length=64, blank=True)
    heartbeat = models.DateTimeField("最終応答")
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)
    mails = models.PositiveIntegerField("作成したお知らせ", default=0)

    class Meta:
        verbose_name = "日次処理"
        verbose_name_plural = "日次処理"
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class SendingSwitch(models.Model):
    """One row: when ``paused``, no mail leaves (queued mail waits; the daily job plans nothing)."""

    PK = 1
    paused = models.BooleanField(
        "送信を一時停止",
        default=False,
        help_text="オンの間はメールを一通も送りません。オフに戻すと、たまっていたお知らせを次の処理で送ります。",
    )
    changed_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = "送信の一時停止"
        verbose_name_plural = "送信の一時停止"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="alerts_switch_single_row")]

    def __str__(self) -> str:
        return "一時停止中" if self.paused else "送信中"

    @classmethod
    def is_paused(cls) -> bool:
        return cls.objects.filter(pk=cls.PK, paused=True).exists()
