"""The listings and their taxonomies.

Application status is never stored: it is computed from ``accepts_from``, ``deadline`` and ``rolling``
against a moment that the caller passes in (see ``SubsidyQuerySet.with_status``), so that the listing can
filter and sort by it in the database and tests can fix the clock.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from .clock import end_of_day, jst_date, start_of_day
from .fields import GramsField
from .freshness import STALE_AFTER_DAYS


class SlugManager(models.Manager):
    """Lets fixtures refer to vocabulary rows by slug (``"regions": [["tokyo"]]``)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Region(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "全国"
        BLOCK = "block", "地方"
        PREFECTURE = "prefecture", "都道府県"

    NATIONAL_CODE = "00"

    code = models.CharField(
        "コード",
        max_length=3,
        unique=True,
        help_text="都道府県は JIS X 0401 の2桁コード（全国は 00）。地方ブロックは B1〜B8。",
    )
    name = models.CharField("名称", max_length=20, unique=True)
    slug = models.SlugField("スラッグ", max_length=40, unique=True, help_text="URL に使うローマ字名。")
    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上位地域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = "地域"
        verbose_name_plural = "地域"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("subsidies:region", kwargs={"slug": self.slug})

    @property
    def tag(self) -> str:
        """The bracketed tag that precedes a title: 【全国】, 【愛知県】."""
        return f"【{self.name}】"


class OrganizationManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organization(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "国・省庁"
        AGENCY = "agency", "独立行政法人・財団"
        PREFECTURE = "prefecture", "都道府県"
        MUNICIPALITY = "municipality", "市区町村"
        OTHER = "other", "その他"

    name = models.CharField("名称", max_length=200, unique=True)
    kind = models.CharField("種別", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField("公式サイト", max_length=500, blank=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = "主催機関"
        verbose_name_plural = "主催機関"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class Taxonomy(models.Model):
    """A named, ordered vocabulary term with a slug for URLs."""

    name = models.CharField("名称", max_length=100, unique=True)
    slug = models.SlugField("スラッグ", max_length=60, unique=True, help_text="URL に使う英字名。")
    order = models.PositiveSmallIntegerField("表示順", default=0)

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class Purpose(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = "利用目的"
        verbose_name_plural = "利用目的"

    def get_absolute_url(self) -> str:
        return reverse("subsidies:purpose", kwargs={"slug": self.slug})


class Industry(Taxonomy):
    code = models.CharField(
        "JSIC 大分類", max_length=1, unique=True, help_text="日本標準産業分類の大分類（A〜T）。"
    )

    class Meta(Taxonomy.Meta):
        verbose_name = "業種"
        verbose_name_plural = "業種"
        ordering = ["code"]


class TargetType(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = "対象事業者の種別"
        verbose_name_plural = "対象事業者の種別"


class ExpenseCategory(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = "経費区分"
        verbose_name_plural = "経費区分"


class EmployeeBand(models.TextChoices):
    """従業員数: jGrants' 8 values (``target_number_of_employees``), the shared vocabulary itself."""

    ANY = "従業員数の制約なし", "従業員数の制約なし"
    UP_TO_5 = "5名以下", "5名以下"
    UP_TO_20 = "20名以下", "20名以下"
    UP_TO_50 = "50名以下", "50名以下"
    UP_TO_100 = "100名以下", "100名以下"
    UP_TO_300 = "300名以下", "300名以下"
    UP_TO_900 = "900名以下", "900名以下"
    FROM_901 = "901名以上", "901名以上"


class ApplicationStatus(models.TextChoices):
    UPCOMING = "upcoming", "募集予定"
    OPEN = "open", "募集中"
    UNKNOWN = "unknown", "受付期間未定"
    CLOSED = "closed", "募集終了"


# Sort rank of each status: open listings first, then upcoming, then those whose period is unknown, then closed.
STATUS_RANK = {
    ApplicationStatus.OPEN: 0,
    ApplicationStatus.UPCOMING: 1,
    ApplicationStatus.UNKNOWN: 2,
    ApplicationStatus.CLOSED: 3,
}

# Days-left thresholds for urgency, most urgent first.
URGENCY_LEVELS = (3, 7, 14, 30)

# The admin's verification filter and its counts on the admin index.
VERIFICATION_STATES = (("unverified", "未確認"), ("stale", f"要再確認（{STALE_AFTER_DAYS}日超）"))

# Words in a deadline note that say its dates are an estimate, not an announcement.
ESTIMATE_WORDS = re.compile("想定|見込み")


def period_status(accepts_from, deadline, *, rolling: bool, at: datetime.datetime) -> ApplicationStatus:
    """The status of one acceptance period at ``at``: the rule ``SubsidyQuerySet.status_q`` states in SQL.
    A listing's (``Subsidy.status``) and a round's (``Round.status``) are both this."""
    if accepts_from and at < accepts_from:
        return ApplicationStatus.UPCOMING
    if rolling:
        return ApplicationStatus.OPEN
    if deadline is None:
        return ApplicationStatus.UNKNOWN
    if deadline < at:
        return ApplicationStatus.CLOSED
    return ApplicationStatus.OPEN


def next_period_change(accepts_from, deadline, *, rolling: bool, after: datetime.datetime):
    """The first moment later than ``after`` at which ``period_status`` is different, or None."""
    if accepts_from and after < accepts_from:
        return accepts_from
    if not rolling and deadline and after <= deadline:
        return deadline + datetime.timedelta(microseconds=1)
    return None


def clean_period(period, errors: dict) -> None:
    """The date rules a listing and a round share: a date-only deadline is the end of its JST day and a
    date-only start is 0:00; the deadline comes after the start; an expected (予定) date needs a date."""
    if period.deadline and not period.deadline_has_time:
        # The source gives a date only: the whole day (JST) is the acceptance period's last day.
        period.deadline = end_of_day(jst_date(period.deadline))
    if period.accepts_from and not period.accepts_from_has_time:
        period.accepts_from = start_of_day(jst_date(period.accepts_from))
    if period.accepts_from and period.deadline and period.deadline <= period.accepts_from:
        errors["deadline"] = "申請締切は受付開始より後の日時にしてください。"
    if period.deadline_expected and not period.deadline:
        errors["deadline_expected"] = "予定の締切には、見込みの日付（月がわかる日付）を入れてください。"
    if period.accepts_from_expected and not period.accepts_from:
        errors["accepts_from_expected"] = "予定の受付開始には、見込みの日付を入れてください。"


class SubsidyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Subsidy.State.PUBLISHED)

    def in_order(self, ids) -> list:
        """The rows with these ids, in the order of ``ids`` (one query; ids it does not hold are left out)."""
        ids = list(dict.fromkeys(int(pk) for pk in ids))
        rows = self.in_bulk(ids) if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    def listed(self):
        """Published subsidies: what the listing, its counts and facets, the feeds and comparisons hold.

        A まとめ記事 (a page describing several programmes) is published but not listed: it has no single
        amount, deadline or status to count.
        """
        return self.published().filter(kind=Subsidy.Kind.SUBSIDY)

    # The four status conditions, evaluated at the moment ``at``. They partition every row:
    # 募集予定 before ``accepts_from``; then 募集中 while rolling or until the deadline (inclusive);
    # 募集終了 after the deadline; 受付期間未定 when neither a deadline nor 随時 is known.
    @staticmethod
    def upcoming_q(at: datetime.datetime) -> Q:
        return Q(accepts_from__gt=at)

    @classmethod
    def closed_q(cls, at: datetime.datetime) -> Q:
        return Q(rolling=False, deadline__lt=at) & ~cls.upcoming_q(at)

    @classmethod
    def unknown_q(cls, at: datetime.datetime) -> Q:
        return Q(rolling=False, deadline__isnull=True) & ~cls.upcoming_q(at)

    @classmethod
    def open_q(cls, at: datetime.datetime) -> Q:
        return ~cls.upcoming_q(at) & (Q(rolling=True) | Q(deadline__gte=at))

    @classmethod
    def status_q(cls, status, at: datetime.datetime) -> Q:
        return {
            ApplicationStatus.OPEN: cls.open_q,
            ApplicationStatus.UPCOMING: cls.upcoming_q,
            ApplicationStatus.UNKNOWN: cls.unknown_q,
            ApplicationStatus.CLOSED: cls.closed_q,
        }[ApplicationStatus(status)](at)

    def with_status(self, *, at: datetime.datetime):
        """Annotate ``application_status`` (an ApplicationStatus value) and ``status_rank`` (``STATUS_RANK``).
        The name leaves ``Subsidy.status(at=)`` callable on annotated rows."""
        checks = (ApplicationStatus.UPCOMING, ApplicationStatus.CLOSED, ApplicationStatus.UNKNOWN)
        return self.annotate(
            application_status=Case(
                *(When(self.status_q(s, at), then=Value(s.value)) for s in checks),
                default=Value(ApplicationStatus.OPEN.value),
                output_field=models.CharField(),
            ),
            status_rank=Case(
                *(When(self.status_q(s, at), then=Value(STATUS_RANK[s])) for s in checks),
                default=Value(STATUS_RANK[ApplicationStatus.OPEN]),
                output_field=IntegerField(),
            ),
        )

    def accepting(self, *, on: datetime.datetime):
        """募集中 at the moment ``on``: acceptance has started and the deadline has not passed (or is rolling)."""
        return self.filter(self.open_q(on))

    def upcoming(self, *, on: datetime.datetime):
        """募集予定: acceptance starts after ``on``."""
        return self.filter(self.upcoming_q(on))

    def closed(self, *, on: datetime.datetime):
        """募集終了: the deadline passed before ``on``."""
        return self.filter(self.closed_q(on))

    def with_status_in(self, statuses, *, at: datetime.datetime):
        condition = Q(pk__in=[])
        for status in statuses:
            condition |= self.status_q(status, at)
        return self.filter(condition)

    def closing_within(self, days: int, *, on: datetime.datetime):
        """Open now, with a deadline no more than ``days`` calendar days away in JST (0 = today)."""
        return self.filter(self.closing_by_q(jst_date(on) + datetime.timedelta(days=days), at=on))

    @classmethod
    def closing_by_q(cls, last_day: datetime.date, *, at: datetime.datetime) -> Q:
        """Open at ``at`` with an announced deadline on or before ``last_day`` (JST). An expected (予定)
        deadline is never counted as closing soon."""
        return cls.open_q(at) & Q(rolling=False, deadline_expected=False, deadline__lte=end_of_day(last_day))

    def verification(self, state: str, *, on: datetime.datetime):
        """``unverified``: never checked against the official source by staff; ``stale``: last checked more
        than ``STALE_AFTER_DAYS`` days before ``on`` (JST), the same rule as ``freshness.needs_reverification``.
        """
        if state == "unverified":
            return self.filter(verified_on__isnull=True)
        cutoff = jst_date(on) - datetime.timedelta(days=STALE_AFTER_DAYS)
        return self.filter(verified_on__lt=cutoff)

    def in_region(self, region: "Region"):
        """Listings available in ``region``.

        A prefecture matches listings for itself, for its block and for 全国 (東京都 finds 関東・甲信越地方 and
        全国 listings). A block matches itself, its prefectures and 全国. 全国 matches only 全国 listings.
        """
        condition = Q(region_id=region.pk)
        if region.kind == Region.Kind.PREFECTURE:
            condition |= Q(region__code=Region.NATIONAL_CODE)
            if region.parent_id:
                condition |= Q(region_id=region.parent_id)
        elif region.kind == Region.Kind.BLOCK:
            condition |= Q(region__code=Region.NATIONAL_CODE) | Q(region__parent_id=region.pk)
        links = Subsidy.regions.through.objects.filter(condition, subsidy_id=OuterRef("pk"))
        return self.filter(Exists(links))


class Subsidy(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "下書き"
        PUBLISHED = "published", "公開"

    class Difficulty(models.TextChoices):
        EASY = "easy", "易しい"
        NORMAL = "normal", "普通"
        HARD = "hard", "難しい"

    class RateBasis(models.TextChoices):
        OFFICIAL = "official", "公式"
        ESTIMATE = "estimate", "推定"

    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", "補助金・助成金"
        ROUNDUP = "roundup", "まとめ記事"

    kind = models.CharField(
        "種類",
        max_length=10,
        choices=Kind.choices,
        default=Kind.SUBSIDY,
        help_text="複数の制度をまとめて紹介するページは「まとめ記事」。一覧・件数・募集状況・比較には入りません。",
    )
    title = models.CharField("タイトル", max_length=200)
    summary = models.TextField("3秒でわかる要点", help_text="一覧と詳細ページの冒頭に出る2〜3文の要約。")
    body = models.TextField(
        "本文（Markdown）",
        blank=True,
        help_text="補助金概要の記事。Markdown で書き、表示時に安全な HTML に変換されます。",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="主催機関", on_delete=models.PROTECT, related_name="subsidies"
    )
    regions = models.ManyToManyField(Region, verbose_name="対象地域", related_name="subsidies")
    purposes = models.ManyToManyField(Purpose, verbose_name="利用目的", related_name="subsidies", blank=True)
    industries = models.ManyToManyField(
        Industry,
        verbose_name="業種",
        related_name="subsidies",
        blank=True,
        help_text="空欄は業種を問わない。",
    )
    target_types = models.ManyToManyField(
        TargetType, verbose_name="対象事業者の種別", related_name="subsidies", blank=True
    )
    target_description = models.TextField(
        "対象事業者", blank=True, help_text="公募要領に書かれた対象者の説明。"
    )
    employee_band = models.CharField(
        "従業員数", max_length=20, choices=EmployeeBand.choices, blank=True, help_text="Jグランツの区分。"
    )

    max_amount = models.PositiveBigIntegerField(
        "最大支給額（円）",
        null=True,
        blank=True,
        help_text="円単位の整数。記載がなければ空欄（「記載なし」と表示）。",
    )
    max_amount_note = models.CharField(
        "支給額の補足", max_length=200, blank=True, help_text="例: 「条件による」「1事業者あたり」"
    )
    max_amount_source = models.CharField(
        "支給額の出典",
        max_length=200,
        blank=True,
        help_text="金額が書かれている資料。例: 「第19回公募要領」。空欄なら情報ソースを出典として表示します。",
    )
    title_amount_confirmed = models.BooleanField(
        "タイトルの金額表記を確認済み",
        default=False,
        help_text="タイトルの金額が最大支給額と食い違うという警告を、内容を確かめたうえで承認するときにオン。",
    )
    subsidy_rate = models.CharField(
        "補助率", max_length=100, blank=True, help_text="公表どおりに。例: 「1/2以内」"
    )
    adoption_rate = models.DecimalField(
        "採択率（%）",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="0〜100。根拠がなければ空欄。",
    )
    adoption_rate_basis = models.CharField(
        "採択率の根拠", max_length=10, choices=RateBasis.choices, blank=True, help_text="公式発表か推定か。"
    )
    adoption_rate_citation = models.CharField(
        "採択率の出典", max_length=300, blank=True, help_text="公式なら発表元、推定なら推定の根拠。"
    )
    difficulty = models.CharField("申請難易度", max_length=10, choices=Difficulty.choices, blank=True)
    preparation_days = models.PositiveSmallIntegerField(
        "準備目安（日）", null=True, blank=True, help_text="申請書類の準備にかかる日数の目安。"
    )

    accepts_from = models.DateTimeField("受付開始", null=True, blank=True, help_text="空欄は受付開始済み。")
    accepts_from_has_time = models.BooleanField(
        "受付開始の時刻が公表されている",
        default=False,
        help_text="オフなら日付だけを表示します（時刻は 0:00 として扱います）。",
    )
    accepts_from_expected = models.BooleanField(
        "受付開始は予定（未発表）",
        default=False,
        help_text="公式にはまだ発表されていない見込みの日付。「2027年3月頃（予定）」と表示します。",
    )
    deadline = models.DateTimeField(
        "申請締切",
        null=True,
        blank=True,
        help_text="日本時間。時刻が公表されていなければ日付だけを入れ、下の「時刻が公表されている」をオフに。",
    )
    deadline_has_time = models.BooleanField(
        "締切の時刻が公表されている",
        default=False,
        help_text="オフなら日付だけを表示し、その日いっぱいを受付期間として扱います。",
    )
    deadline_expected = models.BooleanField(
        "締切は予定（未発表）",
        default=False,
        help_text="公式にはまだ発表されていない見込みの日付。「2027年3月頃（予定）」と表示し、残り日数・"
        "締切間近・カレンダー・構造化データには使いません。",
    )
    rolling = models.BooleanField(
        "随時受付", default=False, help_text="締切のない随時募集。締切は空欄にします。"
    )
    deadline_note = models.CharField(
        "締切の補足", max_length=200, blank=True, help_text="例: 「予算に達し次第終了」"
    )
    review_period_note = models.CharField(
        "審査期間", max_length=200, blank=True, help_text="例: 「申請から採択決定まで1〜2か月」"
    )

    official_url = models.URLField("公式ページ", max_length=500, blank=True)
    round_name = models.CharField(
        "現在の公募回",
        max_length=100,
        blank=True,
        editable=False,
        help_text="公募回があるとき、その現在（または次）の回の名称。受付期間と同じく公募回から写します。",
    )
    jgrants_id = models.CharField(
        "Jグランツ ID",
        max_length=18,
        blank=True,
        help_text="Jグランツ（補助金情報取得API）のレコード ID。取り込みはこの ID で掲載と対応づけます。",
    )
    contact_name = models.CharField("問い合わせ窓口", max_length=200, blank=True)
    contact_phone = models.CharField("電話番号", max_length=50, blank=True)
    contact_email = models.EmailField("メールアドレス", blank=True)
    contact_url = models.URLField("問い合わせページ", max_length=500, blank=True)

    source_name = models.CharField("情報ソース", max_length=200, blank=True)
    source_url = models.URLField("情報ソースの URL", max_length=500, blank=True)
    verified_on = models.DateField(
        "確認日",
        null=True,
        blank=True,
        help_text="スタッフが公式情報と照合した日。一覧の操作「公式情報と照合した」で記録します。",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="公式情報と照合したスタッフ。",
    )
    verified_source_url = models.URLField(
        "照合した URL", max_length=500, blank=True, help_text="照合に使った公式のページ。"
    )
    documents_incomplete = models.BooleanField(
        "必要書類の一覧は一部（「等」）",
        default=False,
        help_text="出典の一覧が「等」「など」で終わっているとき。ページに「ほかにも必要な書類があります」と表示します。",
    )
    expenses_incomplete = models.BooleanField(
        "対象経費の一覧は一部（「等」）",
        default=False,
        help_text="出典の一覧が「等」「など」で終わっているとき。ページにその旨を表示します。",
    )

    state = models.CharField("公開状態", max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    view_count = models.PositiveIntegerField("閲覧数", default=0, editable=False)
    # Set by the site when a row is written (``save``), never carried by fixtures: what a page shows as
    # 「更新」 is when this site last changed the listing.
    created_at = models.DateTimeField("作成日時", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = "補助金"
        verbose_name_plural = "補助金"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_amount__gte=0), name="subsidy_max_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(adoption_rate__isnull=True) | Q(adoption_rate__gte=0, adoption_rate__lte=100),
                name="subsidy_adoption_rate_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(adoption_rate__isnull=True) | ~Q(adoption_rate_basis=""),
                name="subsidy_adoption_rate_has_basis",
            ),
            models.CheckConstraint(
                condition=Q(accepts_from__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gt=F("accepts_from")),
                name="subsidy_deadline_after_accepts_from",
            ),
            models.CheckConstraint(
                condition=Q(rolling=False) | Q(deadline__isnull=True), name="subsidy_rolling_has_no_deadline"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="subsidy_published_has_published_at",
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True, verified_by__isnull=True)
                | Q(verified_on__isnull=False, verified_by__isnull=False) & ~Q(verified_source_url=""),
                name="subsidy_verified_by_a_person_against_a_url",
            ),
            models.CheckConstraint(
                condition=Q(deadline_expected=False) | Q(deadline__isnull=False),
                name="subsidy_expected_deadline_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(accepts_from_expected=False) | Q(accepts_from__isnull=False),
                name="subsidy_expected_start_has_a_date",
            ),
            models.UniqueConstraint(
                fields=["jgrants_id"], condition=~Q(jgrants_id=""), name="subsidy_jgrants_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="subsidy_state_deadline_idx"),
            models.Index(fields=["state", "accepts_from"], name="subsidy_state_accepts_idx"),
            models.Index(fields=["state", "-published_at"], name="subsidy_state_published_idx"),
            models.Index(fields=["state", "-max_amount"], name="subsidy_state_amount_idx"),
            models.Index(fields=["verified_on"], name="subsidy_verified_on_idx"),
            # The home page's まとめ記事 (a handful among 200,000 listings: a scan of the table took 65 ms).
            models.Index(fields=["state"], condition=Q(kind="roundup"), name="subsidy_roundups_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("subsidies:detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.state == self.State.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()  # published here, now (the form may leave it empty)
        clean_period(self, errors)
        if self.rolling and self.deadline:
            errors["rolling"] = (
                "随時受付の補助金には締切を入れないでください（締切の補足に「予算に達し次第終了」など）。"
            )
        if (
            ESTIMATE_WORDS.search(self.deadline_note)
            and (self.deadline or self.accepts_from)
            and not (self.deadline_expected or self.accepts_from_expected)
        ):
            errors["deadline_expected"] = (
                "締切の補足に見込み（「想定」「見込み」）とあります。公式に発表された日付でなければ"
                "「予定（未発表）」をオンにしてください。"
            )
        if self.verified_on and not (self.verified_by_id and self.verified_source_url):
            errors["verified_on"] = (
                "確認日は、スタッフが公式情報と照合したときだけ入ります（確認者と照合した URL が必要です）。"
                "一覧の操作「公式情報と照合した」を使ってください。"
            )
        if self.adoption_rate is not None and not self.adoption_rate_basis:
            errors["adoption_rate_basis"] = "採択率を入れるときは、公式か推定かを選んでください。"
        if self.adoption_rate is not None and not (0 <= self.adoption_rate <= 100):
            errors["adoption_rate"] = "採択率は 0〜100 の範囲で入力してください。"
        if self.adoption_rate_basis and self.adoption_rate is None:
            errors["adoption_rate"] = "採択率の根拠を選んだときは、採択率も入力してください。"
        if self.adoption_rate is not None and not self.adoption_rate_citation:
            errors["adoption_rate_citation"] = (
                "採択率の出典（公式の発表元、または推定の根拠）を書いてください。"
            )
        if self.state == self.State.PUBLISHED and (problem := self.publish_blocker()):
            errors["title"] = (
                f"{problem}公開するには、タイトルか最大支給額を直すか、内容を確かめて"
                "「タイトルの金額表記を確認済み」をオンにしてください。"
            )
        if errors:
            raise ValidationError(errors)

    def publish_blocker(self) -> str:
        """Why this listing may not be published as it is ("" when it may): a title amount that contradicts
        the structured amount, until staff correct one or confirm it."""
        return "" if self.title_amount_confirmed else self.title_amount_conflict()

    def title_amount_conflict(self) -> str:
        """A sentence for staff when the title's amount says something the structured amount does not."""
        from .formatting import format_yen, title_amounts

        if self.kind == self.Kind.ROUNDUP:
            return ""
        claims = title_amounts(self.title)
        if not claims:
            return ""
        stated = "、".join(claim.text for claim in claims)
        if self.max_amount is None:
            return f"タイトルに金額（{stated}）がありますが、最大支給額が空欄です。"
        if not any(claim.low <= self.max_amount <= claim.high for claim in claims):
            return (
                f"タイトルの金額（{stated}）が最大支給額（{format_yen(self.max_amount)}）と食い違っています。"
            )
        return ""

    def save(self, *args, **kwargs):
        if self.state == self.State.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    # Rules for one listing, evaluated at a moment passed in. The querysets above say the same in SQL.
    def status(self, *, at: datetime.datetime) -> ApplicationStatus:
        return period_status(self.accepts_from, self.deadline, rolling=self.rolling, at=at)

    @property
    def is_roundup(self) -> bool:
        return self.kind == self.Kind.ROUNDUP

    @property
    def has_firm_deadline(self) -> bool:
        """A deadline announced by the source (not rolling, not unknown, not an expected 予定 date)."""
        return not self.rolling and self.deadline is not None and not self.deadline_expected

    def days_left(self, *, on: datetime.datetime) -> int | None:
        """Calendar days in JST from the day of ``on`` to the deadline's day (0 on the deadline day).

        None unless the deadline is announced (rolling, not stated, or an expected 予定 date); negative after
        the deadline day.
        """
        if not self.has_firm_deadline:
            return None
        return (jst_date(self.deadline) - jst_date(on)).days

    def next_status_change(self, *, after: datetime.datetime) -> datetime.datetime | None:
        """The first moment later than ``after`` at which ``status(at=)`` is different, or None if it never is.

        募集予定 becomes 募集中 (or 受付期間未定) at ``accepts_from`` itself; 募集中 becomes 募集終了 one
        microsecond after the deadline (the deadline moment is still open). Rolling or undated never changes.
        """
        return next_period_change(self.accepts_from, self.deadline, rolling=self.rolling, after=after)

    def urgency(self, *, on: datetime.datetime) -> int | None:
        """The tightest urgency threshold (3, 7, 14 or 30 days) an announced deadline falls within, or None."""
        days = self.days_left(on=on)
        if days is None or days < 0 or self.status(at=on) != ApplicationStatus.OPEN:
            return None
        return next((level for level in URGENCY_LEVELS if days <= level), None)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class SubsidyChild(models.Model):
    """A part of a listing that staff edit inline, in order."""

    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class EligibilityRequirement(SubsidyChild):
    class Group(models.TextChoices):
        ELIGIBILITY = "eligibility", "申請資格"
        SCHEDULE = "schedule", "スケジュール"
        DOCUMENTS = "documents", "書類準備"
        OTHER = "other", "その他"

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="requirements"
    )
    text = models.CharField("要件", max_length=200)
    detail = models.TextField("詳細", blank=True)
    group = models.CharField("区分", max_length=20, choices=Group.choices, default=Group.ELIGIBILITY)
    required = models.BooleanField("必須", default=True)

    class Meta(SubsidyChild.Meta):
        verbose_name = "申請要件"
        verbose_name_plural = "申請要件"

    def __str__(self) -> str:
        return self.text


class SubsidyExpense(SubsidyChild):
    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="expenses"
    )
    label = models.CharField("対象経費", max_length=200, help_text="公募要領の表記どおりに。")
    category = models.ForeignKey(
        ExpenseCategory,
        verbose_name="経費区分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses",
    )

    class Meta(SubsidyChild.Meta):
        verbose_name = "対象経費"
        verbose_name_plural = "対象経費"

    def __str__(self) -> str:
        return self.label


class RequiredDocument(SubsidyChild):
    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField("書類名", max_length=200)
    detail = models.CharField("補足", max_length=300, blank=True)

    class Meta(SubsidyChild.Meta):
        verbose_name = "必要書類"
        verbose_name_plural = "必要書類"

    def __str__(self) -> str:
        return self.name


class ApplicationStep(SubsidyChild):
    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField("ステップ", max_length=200)
    description = models.TextField("説明", blank=True)

    class Meta(SubsidyChild.Meta):
        verbose_name = "申請の流れ"
        verbose_name_plural = "申請の流れ"

    def __str__(self) -> str:
        return self.title


class FAQ(SubsidyChild):
    subsidy = models.ForeignKey(Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField("質問", max_length=300)
    answer = models.TextField("回答")

    class Meta(SubsidyChild.Meta):
        verbose_name = "よくある質問"
        verbose_name_plural = "よくある質問"

    def __str__(self) -> str:
        return self.question


class Round(models.Model):
    """A funding round (公募回) of a subsidy: its own acceptance period, project end and area.

    The listing's own dates are those of its current or next round, copied by ``services.sync_current_round``
    (see the README's 「公募回」): the status rule reads the listing's columns only.
    """

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(
        "回", max_length=100, blank=True, help_text="公表どおりに。例: 「第19回」「2026年度」"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0, help_text="古い回から順に。")
    accepts_from = models.DateTimeField("受付開始", null=True, blank=True)
    accepts_from_has_time = models.BooleanField("受付開始の時刻が公表されている", default=False)
    accepts_from_expected = models.BooleanField("受付開始は予定（未発表）", default=False)
    deadline = models.DateTimeField("申請締切", null=True, blank=True)
    deadline_has_time = models.BooleanField("締切の時刻が公表されている", default=False)
    deadline_expected = models.BooleanField("締切は予定（未発表）", default=False)
    project_end = models.DateTimeField("事業完了期限", null=True, blank=True)
    project_end_has_time = models.BooleanField("事業完了期限の時刻が公表されている", default=False)
    area = models.CharField("対象地域（この回）", max_length=1000, blank=True)
    guidelines_url = models.URLField("公募要領", max_length=500, blank=True)
    source_status = models.CharField(
        "出典の受付状況",
        max_length=100,
        blank=True,
        help_text="出典に書かれた状況をそのまま（例: 「受付終了」）。",
    )
    jgrants_id = models.CharField("Jグランツ 公募回 ID", max_length=18, blank=True)

    # A round is never 随時: ``formatting.format_deadline`` reads a round like a listing.
    rolling = False

    class Meta:
        verbose_name = "公募回"
        verbose_name_plural = "公募回"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepts_from__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gt=F("accepts_from")),
                name="round_deadline_after_accepts_from",
            ),
            models.CheckConstraint(
                condition=Q(deadline_expected=False) | Q(deadline__isnull=False),
                name="round_expected_deadline_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(accepts_from_expected=False) | Q(accepts_from__isnull=False),
                name="round_expected_start_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name or "公募回"

    def clean(self):
        errors = {}
        clean_period(self, errors)
        if self.project_end and not self.project_end_has_time:
            self.project_end = end_of_day(jst_date(self.project_end))
        if errors:
            raise ValidationError(errors)

    def status(self, *, at: datetime.datetime) -> ApplicationStatus:
        return period_status(self.accepts_from, self.deadline, rolling=False, at=at)

    def next_status_change(self, *, after: datetime.datetime) -> datetime.datetime | None:
        return next_period_change(self.accepts_from, self.deadline, rolling=False, after=after)

    @property
    def is_expected(self) -> bool:
        return self.accepts_from_expected or self.deadline_expected

    # The listing's columns that mirror its current round (``services.sync_current_round``).
    PERIOD_FIELDS = (
        "accepts_from",
        "accepts_from_has_time",
        "accepts_from_expected",
        "deadline",
        "deadline_has_time",
        "deadline_expected",
    )


class ContentVersion(models.Model):
    """One row whose token changes whenever anything a public page shows is edited (see ``versioning.py``).

    Cached pages and sections are keyed by it, so an edit of one listing reaches every page that shows it
    (the similar table of another listing, say) at once, in every app server, whatever the cache backend.
    """

    PK = 1

    token = models.CharField("トークン", max_length=32)

    class Meta:
        verbose_name = "掲載内容のバージョン"
        verbose_name_plural = "掲載内容のバージョン"

    def __str__(self) -> str:
        return self.token


class SearchEntry(models.Model):
    """The normalised searchable text of one listing and its character grams (see ``subsidies.search``).

    Derived data, rebuilt on every save of a listing or its parts (``subsidies.signals``) and by
    ``manage.py rebuild_search_index``; never edited by hand.
    """

    subsidy = models.OneToOneField(
        Subsidy,
        verbose_name="補助金",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title = models.TextField("正規化したタイトル")
    text = models.TextField("正規化した検索用テキスト")
    grams = GramsField("文字 n-gram", default=list)

    class Meta:
        verbose_name = "検索インデックス"
        verbose_name_plural = "検索インデックス"

    def __str__(self) -> str:
        return self.title


class LinkCheckQuerySet(models.QuerySet):
    def broken(self):
        return self.filter(result=LinkCheck.Result.BROKEN)

    def due(self, *, at: datetime.datetime, stale_after: datetime.timedelta | None):
        """Rows never checked, or (with ``stale_after``) last checked more than ``stale_after`` before ``at``.
        Without ``stale_after`` every row is due."""
        if stale_after is None:
            return self.all()
        return self.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=at - stale_after))


class LinkCheck(models.Model):
    """The last result of following one URL that a listing links to (``links.py`` lists where URLs come from).

    One row per listing, place and URL; a URL used in several places is fetched once and its result written to
    every row that holds it, so the rows of one URL always agree. Written only by ``manage.py check_links``
    (and pruned when a listing stops linking to a URL); never edited by hand.
    """

    class Field(models.TextChoices):
        OFFICIAL_URL = "official_url", "公式ページ"
        SOURCE_URL = "source_url", "情報ソース"
        CONTACT_URL = "contact_url", "問い合わせページ"
        ROUND_GUIDELINES = "round_guidelines", "公募要領（公募回）"

    class Result(models.TextChoices):
        UNCHECKED = "unchecked", "未確認"
        OK = "ok", "正常"
        BROKEN = "broken", "リンク切れ"

    subsidy = models.ForeignKey(
        Subsidy, verbose_name="補助金", on_delete=models.CASCADE, related_name="link_checks"
    )
    field = models.CharField("リンクの場所", max_length=30, choices=Field.choices)
    url = models.URLField("URL", max_length=500)
    result = models.CharField(
        "結果", max_length=10, choices=Result.choices, default=Result.UNCHECKED, db_index=True
    )
    status_code = models.PositiveSmallIntegerField(
        "HTTP ステータス", null=True, blank=True, help_text="リダイレクトをたどった先の応答。"
    )
    final_url = models.URLField(
        "転送先の URL", max_length=2000, blank=True, help_text="リダイレクトされたときの最終的な URL。"
    )
    error = models.CharField(
        "エラー",
        max_length=300,
        blank=True,
        help_text="応答がなかったときの理由（タイムアウト、接続できない等）。",
    )
    checked_at = models.DateTimeField("確認日時", null=True, blank=True)
    first_failed_at = models.DateTimeField(
        "リンク切れの初確認", null=True, blank=True, help_text="今回のリンク切れが続いている最初の確認日時。"
    )
    consecutive_failures = models.PositiveIntegerField("連続失敗回数", default=0)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "リンクチェック"
        verbose_name_plural = "リンクチェック"
        ordering = ["-consecutive_failures", "subsidy", "field", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subsidy", "field", "url"], name="linkcheck_one_row_per_place_and_url"
            ),
            models.CheckConstraint(
                condition=Q(result="unchecked", checked_at__isnull=True)
                | ~Q(result="unchecked") & Q(checked_at__isnull=False),
                name="linkcheck_checked_rows_have_a_date",
            ),
            models.CheckConstraint(
                condition=Q(result="broken", first_failed_at__isnull=False, consecutive_failures__gte=1)
                | ~Q(result="broken") & Q(first_failed_at__isnull=True, consecutive_failures=0),
                name="linkcheck_failure_streak_only_when_broken",
            ),
        ]
        indexes = [models.Index(fields=["url"], name="linkcheck_url_idx")]

    def __str__(self) -> str:
        return self.url

    @property
    def outcome(self) -> str:
        """What the last check saw, for staff: 「404」, 「200（転送あり）」, 「タイムアウト（10秒）」, 「未確認」."""
        if self.result == self.Result.UNCHECKED:
            return self.Result.UNCHECKED.label
        if self.error:
            return self.error
        redirected = "（転送あり）" if self.final_url and self.final_url != self.url else ""
        return f"{self.status_code}{redirected}"


# The eligibility conditions live in their own module; imported here so that Django finds the model.
from .eligibility import Eligibility  # noqa: E402

__all__ = ["Eligibility"]
