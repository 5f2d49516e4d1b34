from django.contrib import admin

from .models import (
    Attempt,
    AttemptQuestion,
    Choice,
    FeedbackBand,
    Question,
    QuestionCategory,
    Quiz,
    QuizOverride,
    QuizSlot,
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
