from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from core.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("display_name", "ministry")}),
    )
    list_display = ("username", "display_name", "ministry", "is_staff", "is_superuser")
    list_filter = (*DjangoUserAdmin.list_filter, "ministry")
