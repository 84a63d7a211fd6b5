from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from core.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            None,
            {
                "fields": (
                    "display_name",
                    "ministry",
                    "local_government",
                    "coordinates_municipalities",
                    "association",
                )
            },
        ),
    )
    list_display = ("username", "display_name", "ministry", "is_staff", "is_superuser")
    raw_id_fields = ("local_government",)
    list_filter = (*DjangoUserAdmin.list_filter, "ministry")
