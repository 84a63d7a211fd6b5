from django.contrib import admin

from notifications.models import Notice, NotificationPreference


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: a notice is what was sent; the secretariat's log page is where it is read."""

    list_display = ("created_at", "to_email", "kind", "subject", "status", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject", "key")
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "disabled_kinds")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
