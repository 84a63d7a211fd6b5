from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from candidates.models import (
    Candidate,
    LifecycleTransition,
    Milestone,
    MilestoneChange,
    Ministry,
    ProgressUpdate,
)


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin):
    list_display = ("name", "bureau", "name_en", "display_order")
    search_fields = ("name", "bureau", "name_en")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("kind", "name", "position", "baseline_date", "planned_date", "actual_date")
    # Dates change through the product's forms so that slips keep their reasons.
    readonly_fields = ("baseline_date", "planned_date", "actual_date")


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "selected_fiscal_year", "lead_ministry", "stage", "judgment")
    list_filter = ("selected_fiscal_year", "stage", "judgment", "lead_ministry")
    search_fields = ("name", "summary", "business_area")
    list_select_related = ("lead_ministry",)
    # The stage moves only through recorded decisions (candidates.services.candidate_transition).
    readonly_fields = ("stage", "judgment", "decided_fiscal_year", "version")
    filter_horizontal = ("co_ministries",)
    inlines = [MilestoneInline]


@admin.register(LifecycleTransition)
class LifecycleTransitionAdmin(admin.ModelAdmin):
    list_display = ("candidate", "from_stage", "to_stage", "decided_on", "recorded_by")
    list_select_related = ("candidate", "recorded_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MilestoneChange)
class MilestoneChangeAdmin(admin.ModelAdmin):
    list_display = ("milestone", "field", "old_date", "new_date", "changed_by", "changed_at")
    list_select_related = ("milestone__candidate", "changed_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("candidate", "as_of", "status", "written_by")
    list_filter = ("status",)
    list_select_related = ("candidate", "written_by")
