from django.contrib import admin

from bodies.models import Seat, SeatTerm


class SeatTermInline(admin.TabularInline):
    model = SeatTerm
    extra = 0


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("__str__", "body", "holder_kind", "active_from", "active_to")
    list_filter = ("body", "holder_kind")
    search_fields = ("position", "terms__person_name")
    raw_id_fields = ("local_government", "follows")
    inlines = [SeatTermInline]
