"""The staff side: one listing on one screen, with its parts inline, and the vocabularies it uses.

The changelist shows the application status computed at request time (``with_status(at=now)``), so it sorts
and filters in the database like the public listing. Publishing, unpublishing and recording a verification
go through ``subsidies.services`` so that the admin history says who did it.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from . import clock, formatting, services
from .eligibility import Eligibility
from .models import (
    FAQ,
    VERIFICATION_STATES,
    ApplicationStatus,
    ApplicationStep,
    EligibilityRequirement,
    ExpenseCategory,
    Industry,
    LinkCheck,
    Organization,
    Purpose,
    Region,
    RequiredDocument,
    Round,
    Subsidy,
    SubsidyExpense,
    TargetType,
)

admin.site.site_header = "補助金ディレクトリ 管理画面"
admin.site.site_title = "補助金ディレクトリ 管理画面"
admin.site.index_title = "掲載情報の管理"


def _short_textarea(rows: int) -> dict:
    return {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": rows})}}


# Vocabularies. Each has search_fields: the listing form picks them with autocomplete widgets.


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "slug", "kind", "parent", "order")
    list_display_links = ("code", "name")
    list_filter = ("kind", ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "code", "slug")
    autocomplete_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "website", "subsidy_count")
    list_filter = ("kind",)
    search_fields = ("name",)
    # Explicit, because Meta.ordering does not apply to the GROUP BY query of the count below.
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subsidy_total=Count("subsidies"))

    @admin.display(description="掲載数", ordering="subsidy_total")
    def subsidy_count(self, obj: Organization) -> int:
        return obj.subsidy_total


class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug")


admin.site.register(Purpose, TaxonomyAdmin)
admin.site.register(TargetType, TaxonomyAdmin)
admin.site.register(ExpenseCategory, TaxonomyAdmin)


@admin.register(Industry)
class IndustryAdmin(TaxonomyAdmin):
    list_display = ("code", "name", "slug", "order")
    search_fields = ("name", "slug", "code")


# The parts of a listing, edited inline in the order the public page shows them.


class EligibilityRequirementInline(admin.TabularInline):
    model = EligibilityRequirement
    fields = ("order", "group", "text", "required", "detail")
    # A plain textarea sized by its columns: the admin's own is 48em wide, too wide for a row at 1,280 px.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 32})}}
    extra = 0


class EligibilityInline(admin.StackedInline):
    """The structured conditions that /match/ compares a company profile with (one per listing)."""

    model = Eligibility
    fields = (
        "company_size",
        ("max_employees", "max_capital"),
        ("min_years", "max_years"),
        "legal_forms",
        "excluded_industries",
        "municipalities",
        "undetermined",
        "basis",
    )
    formfield_overrides = _short_textarea(3)
    extra = 0
    max_num = 1
    verbose_name_plural = "対象条件（プロフィール照合用。地域と対象業種は上の「対象地域」「業種」欄）"


class SubsidyExpenseInline(admin.TabularInline):
    model = SubsidyExpense
    fields = ("order", "label", "category")
    autocomplete_fields = ("category",)
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    fields = ("order", "name", "detail")
    extra = 0


class ApplicationStepInline(admin.StackedInline):
    """Stacked: a step's description is a paragraph, too wide for a table row at 1,280 px."""

    model = ApplicationStep
    fields = (("order", "title"), "description")
    formfield_overrides = _short_textarea(3)
    extra = 0


class RoundInline(admin.StackedInline):
    model = Round
    fields = (
        ("order", "name", "source_status"),
        ("accepts_from", "accepts_from_has_time", "accepts_from_expected"),
        ("deadline", "deadline_has_time", "deadline_expected"),
        ("project_end", "project_end_has_time"),
        "area",
        "guidelines_url",
        "jgrants_id",
    )
    extra = 0
    verbose_name_plural = "公募回（現在または次の回の日付が、この掲載の受付期間になります）"


class FAQInline(admin.StackedInline):
    model = FAQ
    fields = ("order", "question", "answer")
    formfield_overrides = _short_textarea(4)
    extra = 0


# Changelist filters that are computed rather than read from a column.


class ApplicationStatusFilter(admin.SimpleListFilter):
    title = "募集状況"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return ApplicationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ApplicationStatus.values:
            return queryset.with_status_in([self.value()], at=clock.now())
        return queryset


class OrganizationKindFilter(admin.SimpleListFilter):
    title = "主催機関の種別"
    parameter_name = "organization_kind"

    def lookups(self, request, model_admin):
        return Organization.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Organization.Kind.values:
            return queryset.filter(organization__kind=self.value())
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    """未確認 (never checked against the official source) and 要再確認 (checked more than
    ``freshness.STALE_AFTER_DAYS`` days ago, in JST): the same rule as the public page's notice."""

    title = "公式情報との照合"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return VERIFICATION_STATES

    def queryset(self, request, queryset):
        if self.value() in dict(VERIFICATION_STATES):
            return queryset.verification(self.value(), on=clock.now())
        return queryset


class BrokenLinksFilter(admin.SimpleListFilter):
    """Listings with a link that the last ``check_links`` run found broken (``LinkCheck``)."""

    title = "リンク切れ"
    parameter_name = "broken_links"

    def lookups(self, request, model_admin):
        return (("yes", "あり"), ("no", "なし"))

    def queryset(self, request, queryset):
        broken = Exists(LinkCheck.objects.broken().filter(subsidy=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(broken)
        if self.value() == "no":
            return queryset.exclude(broken)
        return queryset


def broken_links_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in ({"result__exact": "broken"} | params).items())
    return f"{reverse('admin:subsidies_linkcheck_changelist')}?{query}"


class SubsidyForm(forms.ModelForm):
    """The listing form, with an edit token that detects a save by someone else since the form was opened.

    The token is the listing's ``updated_at`` when the form was rendered. On save, the stored value is read
    under ``select_for_update`` (the admin wraps the whole save in one transaction, so the row stays locked
    until this save commits); if it moved, the form is refused in Japanese with the editor's input kept, and
    the token is advanced so that saving again deliberately overwrites. A post without a token (a script) is
    not checked.
    """

    edit_token = forms.CharField(label="編集を始めた時点の更新日時", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Subsidy
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["edit_token"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("edit_token")
        if not self.instance.pk or not token:
            return cleaned
        stored = (
            Subsidy.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
        ).first()
        if stored is None or stored.isoformat() == token:
            return cleaned
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_token")] = stored.isoformat()
        raise ValidationError(self._conflict_message(stored), code="edit_conflict")

    def _conflict_message(self, stored: datetime.datetime) -> str:
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Subsidy), object_id=str(self.instance.pk)
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who = f"{entry.user.get_username()} さん" if entry else "別の担当者"
        local = stored.astimezone(clock.JST)
        return (
            f"この補助金は、あなたが編集を始めた後に{who}が保存しました（{local:%Y年%m月%d日 %H:%M}）。"
            "あなたの入力はまだ保存されておらず、この画面に残っています。"
            "別のタブで最新の内容を確認し、必要なら入力を見直してください。"
            "このままもう一度「保存」を押すと、あなたの内容で上書きします。"
        )


@admin.register(Subsidy)
class SubsidyAdmin(admin.ModelAdmin):
    form = SubsidyForm
    # Sections in the order of the public detail page.
    fieldsets = (
        (
            "基本情報",
            {"fields": ("title", "title_amount_confirmed", "summary", "kind", ("state", "published_at"))},
        ),
        (
            "対象",
            {
                "fields": (
                    "organization",
                    "regions",
                    "purposes",
                    "industries",
                    "target_types",
                    "target_description",
                    "employee_band",
                )
            },
        ),
        (
            "金額・条件",
            {
                "fields": (
                    ("max_amount", "max_amount_note"),
                    "max_amount_source",
                    "subsidy_rate",
                    ("adoption_rate", "adoption_rate_basis"),
                    "adoption_rate_citation",
                    ("difficulty", "preparation_days"),
                )
            },
        ),
        (
            "スケジュール",
            {
                "fields": (
                    ("accepts_from", "accepts_from_has_time", "accepts_from_expected"),
                    ("deadline", "deadline_has_time", "deadline_expected"),
                    "rolling",
                    "deadline_note",
                    "review_period_note",
                ),
                "description": "日付は公式に発表されたものだけを「予定」なしで入れます。見込みの日付は「予定（未発表）」を"
                "オンにします。締切も随時受付もわからなければ空欄のままにします（「受付期間未定」と表示）。",
            },
        ),
        ("一覧の補足", {"fields": ("expenses_incomplete", "documents_incomplete")}),
        ("本文", {"fields": ("body",)}),
        (
            "問い合わせ・公式情報",
            {
                "fields": (
                    "official_url",
                    "jgrants_id",
                    "contact_name",
                    "contact_phone",
                    "contact_email",
                    "contact_url",
                )
            },
        ),
        (
            "情報ソース・確認",
            {
                "fields": ("source_name", "source_url", "verified_on", "verified_by", "verified_source_url"),
                "description": "確認日・確認者・照合した URL は、一覧の操作「公式情報と照合した」でだけ記録されます。",
            },
        ),
        ("記録", {"fields": ("view_count", "created_at", "updated_at", "edit_token")}),
    )
    readonly_fields = (
        "view_count",
        "created_at",
        "updated_at",
        "verified_on",
        "verified_by",
        "verified_source_url",
    )
    autocomplete_fields = ("organization", "regions", "purposes", "industries", "target_types")
    inlines = (
        EligibilityInline,
        EligibilityRequirementInline,
        SubsidyExpenseInline,
        RequiredDocumentInline,
        ApplicationStepInline,
        FAQInline,
        RoundInline,
    )
    save_on_top = True

    list_display = (
        "title",
        "status_label",
        "deadline",
        "days_left_label",
        "region_names",
        "organization",
        "verified_label",
        "broken_links_label",
        "state",
    )
    list_filter = (
        VerificationFilter,
        BrokenLinksFilter,
        ApplicationStatusFilter,
        "kind",
        "regions",
        "purposes",
        OrganizationKindFilter,
        "difficulty",
        "state",
    )
    search_fields = ("title", "organization__name")
    list_select_related = ("organization",)
    list_per_page = 50
    date_hierarchy = "deadline"
    actions = ("mark_verified_today", "publish", "unpublish")

    def get_queryset(self, request):
        # One ``now`` per request for the status column, its sorting and the status filter's options.
        broken = (
            LinkCheck.objects.broken()
            .filter(subsidy=OuterRef("pk"))
            .order_by()
            .values("subsidy")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .with_status(at=clock.now())
            .annotate(broken_links=Coalesce(Subquery(broken, output_field=IntegerField()), 0))
            .prefetch_related("regions")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 3})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="募集状況", ordering="status_rank")
    def status_label(self, obj: Subsidy) -> str:
        return ApplicationStatus(obj.application_status).label

    @admin.display(description="残り日数", ordering="deadline")
    def days_left_label(self, obj: Subsidy) -> str:
        if not obj.has_firm_deadline:
            return formatting.format_deadline(obj, weekday=False)
        return formatting.format_days_left(obj.days_left(on=clock.now()))

    @admin.display(description="対象地域")
    def region_names(self, obj: Subsidy) -> str:
        return "、".join(region.name for region in obj.regions.all())

    @admin.display(description="公式情報との照合", ordering="verified_on", empty_value="未確認")
    def verified_label(self, obj: Subsidy) -> datetime.date | None:
        return obj.verified_on

    @admin.display(description="リンク切れ", ordering="broken_links")
    def broken_links_label(self, obj: Subsidy) -> str:
        if not obj.broken_links:
            return ""
        return format_html(
            '<a href="{}">{}件</a>', broken_links_url(subsidy__id__exact=obj.pk), obj.broken_links
        )

    def get_readonly_fields(self, request, obj=None):
        """A listing with rounds takes its acceptance period from them (``services.sync_current_round``)."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.rounds.exists():
            fields = (*fields, *Round.PERIOD_FIELDS)
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_current_round(form.instance, at=clock.now())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if problem := obj.publish_blocker():
            self.message_user(
                request, f"{problem}公開する前に、どちらかを直すか確認してください。", messages.WARNING
            )

    @admin.action(description="選択した補助金を公開する", permissions=["change"])
    def publish(self, request, queryset):
        at = clock.now()
        self._run(
            request,
            queryset,
            act=lambda subsidy: services.subsidy_publish(subsidy=subsidy, by=request.user, at=at),
            refusal=lambda subsidy: (
                f"「{subsidy.title}」は公開していません: {problem}"
                if (problem := subsidy.publish_blocker())
                else ""
            ),
            done="{n}件を公開しました。",
            reason="公開済み",
        )

    @admin.action(description="選択した補助金を非公開（下書き）に戻す", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = sum(services.subsidy_unpublish(subsidy=subsidy, by=request.user) for subsidy in queryset)
        self._report(
            request, f"{changed}件を下書きに戻しました。", unchanged=len(queryset) - changed, reason="下書き"
        )

    @admin.action(description="公式情報と照合した（本日・自分の名前で記録）", permissions=["change"])
    def mark_verified_today(self, request, queryset):
        """Record that the staff member checked each listing against its official page today (JST)."""
        today = clock.jst_date(clock.now())
        self._run(
            request,
            queryset,
            act=lambda subsidy: services.subsidy_mark_verified(subsidy=subsidy, by=request.user, on=today),
            refusal=lambda subsidy: (
                ""
                if services.verification_url(subsidy)
                else f"「{subsidy.title}」は公式ページ・情報ソースの URL がないため、照合済みにできません。"
            ),
            done=f"{{n}}件を{today.year}年{today.month}月{today.day}日に公式情報と照合済みにしました。",
            reason="本日あなたが照合済み",
        )

    def _run(self, request, queryset, *, act, refusal, done: str, reason: str) -> None:
        """Apply ``act`` to each selected listing that ``refusal`` lets through (each refusal is reported as
        an error), then report how many changed and how many were already so."""
        refused = {subsidy.pk: message for subsidy in queryset if (message := refusal(subsidy))}
        changed = sum(act(subsidy) for subsidy in queryset if subsidy.pk not in refused)
        self._report(
            request, done.format(n=changed), unchanged=len(queryset) - changed - len(refused), reason=reason
        )
        for message in refused.values():
            self.message_user(request, message, messages.ERROR)

    def _report(self, request, message: str, *, unchanged: int, reason: str) -> None:
        if unchanged:
            message += f"（{unchanged}件はすでに{reason}のため変更なし）"
        self.message_user(request, message, messages.SUCCESS)


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """What ``manage.py check_links`` last saw at each URL a listing links to. Read-only: the command writes
    the rows, and a link is repaired on its listing's page (linked from each row)."""

    list_display = (
        "url_link",
        "subsidy_link",
        "field",
        "result",
        "outcome_label",
        "final_url_link",
        "checked_at",
        "first_failed_at",
        "consecutive_failures",
    )
    list_display_links = None
    list_filter = ("result", "field")
    list_select_related = ("subsidy",)
    search_fields = ("url", "subsidy__title")
    list_per_page = 100
    fields = (
        "subsidy_link",
        "field",
        "url_link",
        "result",
        "outcome_label",
        "final_url_link",
        "checked_at",
        "first_failed_at",
        "consecutive_failures",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="URL", ordering="url")
    def url_link(self, obj: LinkCheck) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url)

    @admin.display(description="補助金", ordering="subsidy__title")
    def subsidy_link(self, obj: LinkCheck) -> str:
        url = reverse("admin:subsidies_subsidy_change", args=[obj.subsidy_id])
        return format_html('<a href="{}">{}</a>', url, obj.subsidy.title)

    @admin.display(description="確認の結果")
    def outcome_label(self, obj: LinkCheck) -> str:
        return obj.outcome

    @admin.display(description="転送先", empty_value="")
    def final_url_link(self, obj: LinkCheck) -> str:
        if not obj.final_url:
            return ""
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.final_url, obj.final_url
        )
