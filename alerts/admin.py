"""Staff see subscriptions and sent mails with addresses masked in every list, and one switch pauses sending."""

from django.contrib import admin

from alerts import tasks
from alerts.models import DailyRun, DigestItem, OutgoingMail, SendingSwitch, Subscription, mask


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "masked_address", "kind", "target", "created_at", "confirmed_at", "cancelled_at"]
    list_filter = [
        "kind",
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("cancelled_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["address", "subsidy"]
    fields = [
        "masked_address",
        "kind",
        "query",
        "subsidy",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_at",
    ]
    readonly_fields = fields
    actions = ["cancel"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="宛先")
    def masked_address(self, obj):
        return mask(obj.address.email)

    @admin.display(description="対象")
    def target(self, obj):
        return obj.subsidy.title if obj.subsidy_id else (obj.query or "（すべて）")

    @admin.action(description="選択した購読を停止する")
    def cancel(self, request, queryset):
        from django.utils import timezone

        queryset.filter(cancelled_at__isnull=True).update(cancelled_at=timezone.now())


class DigestItemInline(admin.TabularInline):
    model = DigestItem
    fields = ["kind", "subsidy", "threshold", "deadline"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = ["id", "masked_address", "kind", "subject", "day", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "day"]
    list_select_related = ["address"]
    date_hierarchy = "created_at"
    fields = [
        "masked_address",
        "kind",
        "day",
        "subject",
        "message_id",
        "created_at",
        "expires_at",
        "sent_at",
        "attempts",
        "last_error",
        "text",
    ]
    readonly_fields = fields
    inlines = [DigestItemInline]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="宛先")
    def masked_address(self, obj):
        return mask(obj.address.email)


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "at", "heartbeat", "finished_at", "mails"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SendingSwitch)
class SendingSwitchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paused", "changed_at"]
    fields = ["paused"]

    def has_add_permission(self, request):
        # The one row is created by migration 0002; asking the database here would cost every admin page a
        # query (the navigation asks each model whether it may be added).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.paused:  # resumed: what waited goes out now
            tasks.send_pending.enqueue()
