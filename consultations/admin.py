from django.contrib import admin

from consultations.models import Answer, AnswerVersion, Consultation, Opinion, Question


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("number", "kind", "candidate", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    """Read-only: consultations are opened, answered and closed through the product's pages,
    which keep every submitted version."""

    list_display = ("title", "subject_kind", "opens_on", "deadline", "route", "closed_at")
    list_filter = ("subject_kind", "route", "is_demo")
    search_fields = ("title",)
    inlines = [QuestionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


class OpinionInline(admin.TabularInline):
    model = Opinion
    extra = 0
    fields = ("question", "position", "section", "text", "response")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AnswerVersionInline(admin.TabularInline):
    model = AnswerVersion
    extra = 0
    fields = ("number", "submitted_at", "submitted_by", "is_late", "content")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """Read-only, submitted answers only: a draft belongs to its respondent alone."""

    list_display = ("consultation", "local_government", "association", "submitted_at", "is_late")
    list_filter = ("is_late", "is_demo")
    list_select_related = ("consultation", "local_government__prefecture", "association")
    raw_id_fields = ("local_government",)
    exclude = ("draft",)
    inlines = [OpinionInline, AnswerVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(submitted_at__isnull=False)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
