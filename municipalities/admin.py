from django.contrib import admin

from municipalities.models import Association, LocalGovernment


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kana", "kind", "prefecture", "population")
    list_filter = ("kind", "prefecture")
    search_fields = ("code", "name", "kana")
    list_select_related = ("prefecture",)
    raw_id_fields = ("prefecture", "parent")


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    filter_horizontal = ("members",)
