from django.contrib import admin

from hearings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "number", "date", "place")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "date"
