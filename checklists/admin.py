from django.contrib import admin

from .models import SharedRequirement


@admin.register(SharedRequirement)
class SharedRequirementAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "group",
        "required",
        "official_url_contains",
        "organization_kind",
        "order",
        "active",
    ]
    list_editable = ["order", "active"]
    list_filter = ["active", "group", "required", "organization_kind"]
    search_fields = ["text", "detail", "official_url_contains"]
    # Listings are many: pick them by id rather than from a select of every row.
    raw_id_fields = ["subsidies"]
    fieldsets = [
        (None, {"fields": ["text", "detail", "group", "required", "order", "active"]}),
        (
            "表示する補助金",
            {
                "description": "個別に追加した補助金、またはルールに当てはまる補助金に表示します。"
                "ルールは入力した条件すべてに当てはまるときに使われ、条件が空欄のルールはどの補助金にも当てはまりません。",
                "fields": ["subsidies", "official_url_contains", "organization_kind"],
            },
        ),
    ]
