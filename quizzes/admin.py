from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Attempt,
    AttemptQuestion,
    Choice,
    FeedbackBand,
    GradeChange,
    ItemAnalysis,
    Question,
    QuestionCategory,
    Quiz,
    QuizOverride,
    QuizSlot,
    RegradeJob,
)


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "category")
    list_filter = ("type", "category__course")
    search_fields = ("name", "text")
    inlines = [ChoiceInline]


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "course")


class SlotInline(admin.TabularInline):
    model = QuizSlot
    extra = 0
    raw_id_fields = ("question",)


class FeedbackBandInline(admin.TabularInline):
    model = FeedbackBand
    extra = 0


class OverrideInline(admin.TabularInline):
    model = QuizOverride
    extra = 0
    raw_id_fields = ("user", "set_by")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "status", "pass_mark_percent", "attempts_allowed")
    inlines = [SlotInline, FeedbackBandInline, OverrideInline]


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    can_delete = False
    readonly_fields = ("position", "question", "points", "response", "score", "comment")
    fields = readonly_fields


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "number", "state", "percent", "passed", "submitted_at")
    list_filter = ("state",)
    search_fields = ("user__username",)
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [AttemptQuestionInline]


@admin.register(GradeChange)
class GradeChangeAdmin(admin.ModelAdmin):
    """The grade history, for staff to read: it is written by the services, never edited."""

    list_display = (
        "attempt",
        "question",
        "kind",
        "changed_by",
        "changed_at",
        "old_score",
        "new_score",
    )
    list_filter = ("kind",)
    search_fields = ("attempt__user__username", "reason")
    readonly_fields = [f.name for f in GradeChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GradeChange | None = None) -> bool:
        return False


@admin.register(RegradeJob)
class RegradeJobAdmin(admin.ModelAdmin):
    list_display = ("quiz", "question", "requested_by", "status", "done", "total", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in RegradeJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a regrade starts from the quiz's page, which also enqueues it


@admin.register(ItemAnalysis)
class ItemAnalysisAdmin(admin.ModelAdmin):
    """Stored item analyses of large quizzes: their status and, when one failed, its error."""

    list_display = ("quiz", "scope", "status", "attempt_count", "computed_at", "runs")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ItemAnalysis._meta.fields]
