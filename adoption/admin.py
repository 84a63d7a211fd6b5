from django.contrib import admin

from adoption.models import Adoption, AdoptionChange


class AdoptionChangeInline(admin.TabularInline):
    model = AdoptionChange
    extra = 0
    can_delete = False
    fields = ("field", "old_value", "new_value", "reason", "source", "changed_by", "changed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    """Read-only: answers change through the product's form and survey, which keep history."""

    list_display = ("candidate", "local_government", "status", "planned_start_fiscal_year")
    list_filter = ("status", "is_demo", "local_government__kind")
    search_fields = ("local_government__name", "local_government__code", "candidate__name")
    list_select_related = ("candidate", "local_government", "local_government__prefecture")
    raw_id_fields = ("candidate", "local_government", "updated_by")
    inlines = [AdoptionChangeInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
