"""Staff pages: upload jGrants files, read each run's report, and review pending changes field by field."""

import datetime
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from subsidies import clock
from subsidies.formatting import NOT_STATED, format_moment, format_yen

from . import importing, review
from .models import ImportedAttachment, ImportRun, PendingChange

MAX_UPLOAD_FILES = 50


def _moment(value, has_time) -> str:
    return (
        format_moment(datetime.datetime.fromisoformat(value), has_time=has_time, expected=False)
        if value
        else ""
    )


def display(name: str, value) -> list[str]:
    """A value of ``importing.FIELD_LABELS`` as staff read it, one line per item."""
    if value in (None, "", []):
        return [NOT_STATED]
    if name == "max_amount":
        return [format_yen(value)]
    if name == "rounds":
        lines = []
        for item in value:
            start = _moment(item["accepts_from"], item["accepts_from_has_time"])
            end = _moment(item["deadline"], item["deadline_has_time"]) or "締切の記載なし"
            line = f"{item['name'] or '（名称なし）'}: {start}〜{end}"
            if item.get("project_end"):
                line += f"（事業完了 {_moment(item['project_end'], item['project_end_has_time'])}）"
            lines.append(line)
        return lines
    if isinstance(value, list):
        return ["、".join(value)]
    return str(value).splitlines() or [""]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in files if item]
        if not files:
            raise ValidationError("ファイルを選んでください。")
        if len(files) > MAX_UPLOAD_FILES:
            raise ValidationError(f"一度に取り込めるのは{MAX_UPLOAD_FILES}ファイルまでです。")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Jグランツ形式の JSON ファイル",
        widget=MultipleFileInput(attrs={"accept": ".json"}),
        help_text=f"一覧・詳細（v1）・v2（公募回つき）の応答。一度に{MAX_UPLOAD_FILES}ファイルまで。",
    )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "by", "created", "pending", "unchanged", "failed")
    readonly_fields = ("started_at", "by", "sources", "summary_text", "report_table")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        upload = path(
            "upload/", self.admin_site.admin_view(self.upload_view), name="jgrants_importrun_upload"
        )
        return [upload, *super().get_urls()]

    @admin.display(description="結果")
    def summary_text(self, run: ImportRun) -> str:
        return run.summary

    @admin.display(description="レコードごとのメッセージ")
    def report_table(self, run: ImportRun):
        if not run.report:
            return "メッセージはありません。"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (item["source"], "エラー" if item["level"] == "error" else "注意", item["text"])
                for item in run.report
            ),
        )
        return format_html(
            '<table class="jgrants-report"><thead><tr><th>レコード</th><th>種別</th><th>内容</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )

    def upload_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm("jgrants.add_importrun"):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if request.method == "POST" and form.is_valid():
            uploads = form.cleaned_data["files"]
            with tempfile.TemporaryDirectory() as folder:
                paths = []
                for number, upload in enumerate(uploads):
                    target = Path(folder) / f"{number:03}.json"
                    with target.open("wb") as out:
                        for chunk in upload.chunks():
                            out.write(chunk)
                    paths.append(target)
                run = importing.import_files(
                    paths, at=clock.now(), by=request.user, names=[upload.name for upload in uploads]
                )
            self.message_user(request, f"取り込みました: {run.summary}", messages.SUCCESS)
            return redirect(reverse("admin:jgrants_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Jグランツ形式のファイルを取り込む",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/jgrants/upload.html", context)


class DecidedFilter(admin.SimpleListFilter):
    title = "状態"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PendingChange.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ("subsidy", "field_names", "created_at", "state", "decided_by", "decided_at")
    list_filter = (DecidedFilter,)
    list_select_related = ("subsidy", "decided_by")
    search_fields = ("subsidy__title", "subsidy__jgrants_id")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="変更のある項目")
    def field_names(self, change: PendingChange) -> str:
        return review.labels(change.fields)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = get_object_or_404(
            PendingChange.objects.select_related("subsidy__organization"), pk=object_id
        )
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        current = importing.current_values(change.subsidy, change.fields)
        flagged = review.hand_edited(change, current)
        if request.method == "POST":
            if not self.has_change_permission(request, change):
                raise PermissionDenied
            if change.state != PendingChange.State.PENDING:
                self.message_user(request, "この変更はすでに対応済みです。", messages.WARNING)
                return redirect(request.path)
            action = request.POST.get("action")
            if action == "accept_all":
                accept = [name for name in change.fields if name not in flagged]
            elif action == "accept_selected":
                accept = [name for name in request.POST.getlist("field") if name in change.fields]
            elif action == "reject_all":
                accept = []
            else:
                self.message_user(request, "操作を選んでください。", messages.ERROR)
                return redirect(request.path)
            try:
                applied = review.decide(change, accept=accept, by=request.user, at=clock.now())
            except ValidationError as error:
                self.message_user(
                    request, f"反映できませんでした: {' '.join(error.messages)}", messages.ERROR
                )
                return redirect(request.path)
            rejected = [name for name in importing.in_order(change.fields) if name not in applied]
            self.message_user(
                request,
                f"反映しました: {review.labels(applied)}。反映しなかった項目: {review.labels(rejected)}。",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:jgrants_pendingchange_changelist"))
        rows = [
            {
                "name": name,
                "label": importing.FIELD_LABELS.get(name, name),
                "old": display(name, current[name]),
                "new": display(name, entry["new"]),
                "hand_edited": name in flagged,
                "accepted": name in change.accepted,
            }
            for name, entry in ((name, change.fields[name]) for name in importing.in_order(change.fields))
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"取り込みの変更を確認: {change.subsidy}",
            "change": change,
            "rows": rows,
            "opts": self.model._meta,
            "pending": change.state == PendingChange.State.PENDING,
            "can_decide": self.has_change_permission(request, change),
            "subsidy_url": reverse("admin:subsidies_subsidy_change", args=[change.subsidy_id]),
        }
        return TemplateResponse(request, "admin/jgrants/review.html", context)


@admin.register(ImportedAttachment)
class ImportedAttachmentAdmin(admin.ModelAdmin):
    list_display = ("subsidy", "kind", "name", "size", "file")
    list_select_related = ("subsidy",)
    search_fields = ("subsidy__title", "name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
