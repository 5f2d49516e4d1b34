from django.contrib import admin

from .models import (
    Cohort,
    CohortExport,
    CohortInvitation,
    Course,
    DueDateReminder,
    Enrolment,
    LearnerReminder,
    Lesson,
    Module,
    ModuleDueDate,
    ModuleProgress,
)


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("position", "title", "slug", "required", "competencies", "status")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "status", "credit_type", "max_credits")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("instructors", "assistants")
    inlines = [ModuleInline]


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "position", "required", "status")
    list_filter = ("course",)
    inlines = [LessonInline]


class DueDateInline(admin.TabularInline):
    model = ModuleDueDate
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "course", "start_date", "end_date", "inactivity_days")
    filter_horizontal = ("directors",)
    inlines = [DueDateInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "cohort", "status", "enrolled_at", "completed_at")
    list_filter = ("status", "course")
    search_fields = ("user__username", "user__full_name")
    raw_id_fields = ("user",)


@admin.register(ModuleProgress)
class ModuleProgressAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "module", "status", "score_percent", "attempts_count")
    list_filter = ("status",)
    # A read model kept by the services: shown, never edited by hand.
    readonly_fields = [f.name for f in ModuleProgress._meta.fields]


@admin.register(CohortExport)
class CohortExportAdmin(admin.ModelAdmin):
    """Operators see failed or stuck exports here; workers write these rows, people do not."""

    list_display = ("cohort", "kind", "format", "status", "rows_done", "rows_total", "created_at")
    list_filter = ("status", "kind", "format")
    readonly_fields = [f.name for f in CohortExport._meta.fields]


class ReminderSentFilter(admin.SimpleListFilter):
    title = "e-mail"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("no", "Not sent (waiting or refused by the mail server)"), ("yes", "Sent")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(sent_at__isnull=self.value() == "no")
        return queryset


@admin.register(LearnerReminder)
class LearnerReminderAdmin(admin.ModelAdmin):
    """Directors' reminders: which did not go out (sent_at empty), how often the mail server
    refused and its last answer. The worker retries them and the sweeper re-sends them for a
    day."""

    list_display = ("enrolment", "sent_by", "created_at", "sent_at", "send_failures")
    list_filter = (ReminderSentFilter,)
    search_fields = ("enrolment__user__username", "enrolment__user__full_name")
    readonly_fields = [f.name for f in LearnerReminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CohortInvitation)
class CohortInvitationAdmin(admin.ModelAdmin):
    """Invitations to cohorts: which e-mails did not go out, how often the mail server refused
    and its last answer. The worker retries them and the sweeper re-sends them while valid."""

    list_display = ("email", "cohort", "status", "created_at", "sent_at", "send_failures")
    list_filter = (ReminderSentFilter, "status")
    search_fields = ("email", "cohort__name")
    exclude = ("token",)  # the secret of the e-mail's link
    readonly_fields = [f.name for f in CohortInvitation._meta.fields if f.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DueDateReminder)
class DueDateReminderAdmin(admin.ModelAdmin):
    """The site's due-date reminders: which did not go out, how often the mail server refused
    and its last answer. The worker retries them; beat re-sends them for a day."""

    list_display = ("enrolment", "module", "kind", "due_on", "created_at", "sent_at")
    list_filter = (ReminderSentFilter, "kind")
    search_fields = ("enrolment__user__username", "enrolment__user__full_name")
    readonly_fields = [f.name for f in DueDateReminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
