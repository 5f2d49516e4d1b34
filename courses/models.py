"""Courses, modules, lessons, enrolment, cohorts and the progress read model."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import markdown
import nh3
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from courses.lesson_markup import LESSON_IMAGE_CLEAN_OPTIONS, keep_only_lesson_images
from lms.time_zones import validate_time_zone, zone_or_site


class Competency(models.TextChoices):
    """The six ACGME core competencies."""

    PATIENT_CARE = "patient_care", "Patient Care"
    MEDICAL_KNOWLEDGE = "medical_knowledge", "Medical Knowledge"
    PRACTICE_BASED_LEARNING = (
        "practice_based_learning",
        "Practice-based Learning and Improvement",
    )
    INTERPERSONAL_COMMUNICATION = (
        "interpersonal_communication",
        "Interpersonal and Communication Skills",
    )
    PROFESSIONALISM = "professionalism", "Professionalism"
    SYSTEMS_BASED_PRACTICE = "systems_based_practice", "Systems-based Practice"


class CreditType(models.TextChoices):
    AMA_PRA_1 = "ama_pra_1", "AMA PRA Category 1 Credit\u2122"
    ANCC = "ancc", "ANCC contact hours"
    OTHER = "other", "Other"


def render_markdown(text: str) -> str:
    """Markdown to HTML, sanitised: instructor text never carries scripts or remote content
    (the only images kept are the course's own uploads, served by us)."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return keep_only_lesson_images(nh3.clean(html, **LESSON_IMAGE_CLEAN_OPTIONS))


class PublishStatus(models.TextChoices):
    """Whether learners see a course, module, lesson or quiz: a draft only its staff see."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Course(models.Model):
    Status = PublishStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_courses", blank=True
    )
    # Teaching assistants grade essays and see results; only instructors edit the course.
    assistants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assisted_courses", blank=True
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="Shown to learners before they start; each module's quiz sets its own pass mark.",
    )
    # Continuing-education credit, printed on the certificate.
    accredited_provider = models.CharField(max_length=200, blank=True)
    credit_type = models.CharField(max_length=20, choices=CreditType.choices, blank=True)
    max_credits = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    learning_format = models.CharField(max_length=100, blank=True)
    designation_statement = models.TextField(blank=True)
    accreditation_statement = models.TextField(blank=True)
    about = models.TextField(
        blank=True,
        help_text="Markdown: the course's “About this course” page (who it is for, credit, "
        "the questions learners ask).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__lte=100), name="course_pass_mark_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(max_credits__gte=0), name="course_credits_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @cached_property
    def about_html(self) -> str:
        return mark_safe(render_markdown(self.about))  # noqa: S308  (sanitised by nh3)

    @property
    def awards_credit(self) -> bool:
        """Continuing-education credit: its learners claim credit before the certificate."""
        return bool(self.credit_type) and self.max_credits > 0


class Module(models.Model):
    Status = PublishStatus

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    competencies = models.JSONField(
        default=list, blank=True, help_text="ACGME competency codes this module develops."
    )
    required = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    objectives = models.TextField(
        blank=True, help_text="Learning objectives, one a line: what a learner can do after it."
    )

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="module_position_unique"),
            models.UniqueConstraint(fields=["course", "slug"], name="module_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublishStatus.PUBLISHED

    @property
    def objective_lines(self) -> list[str]:
        return [line for line in self.objectives.splitlines() if line.strip()]

    @property
    def competency_labels(self) -> list[str]:
        labels = dict(Competency.choices)
        return [labels.get(code, code) for code in self.competencies]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.competencies) - set(Competency.values)
        if unknown:
            raise ValidationError({"competencies": f"Unknown competencies: {sorted(unknown)}"})


class Lesson(models.Model):
    Status = PublishStatus

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Rendered to sanitised HTML.")
    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(
        max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="lesson_position_unique"),
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublishStatus.PUBLISHED

    @cached_property
    def body_html(self) -> str:
        return mark_safe(render_markdown(self.body))  # noqa: S308  (sanitised by nh3)


class Cohort(models.Model):
    """A group of learners in a course, followed by one or more directors."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    directors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="directed_cohorts", blank=True
    )
    start_date = models.DateField()
    end_date = models.DateField()
    # A learner with no activity for this many days is listed as at risk on the dashboard.
    inactivity_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # Where the program is: a due date ends at midnight here, whoever looks at it from where.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Due dates end at midnight in this zone; empty: the site's zone.",
    )
    # Not a column: `cohort_for_viewer` (courses.cohorts.selectors.access) sets it on the
    # cohort it hands out: whether the viewer may change the cohort.
    viewer_is_director: bool

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="cohort_name_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(inactivity_days__gte=1) & Q(inactivity_days__lte=365),
                name="cohort_inactivity_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_site(self.time_zone)


class ModuleDueDate(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="due_dates")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="due_dates")
    due_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "module"], name="due_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.module} due {self.due_on:%Y-%m-%d}"


class EnrolmentStatus(models.TextChoices):
    """Whether a learner has completed the course they enrolled in."""

    ACTIVE = "active", "In progress"
    COMPLETED = "completed", "Completed"


class Enrolment(models.Model):
    Status = EnrolmentStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course"),
            models.CheckConstraint(
                condition=Q(status=EnrolmentStatus.ACTIVE) | Q(completed_at__isnull=False),
                name="completed_enrolment_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lessons_read")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} read in enrolment {self.enrolment_id}"


class ModuleProgress(models.Model):
    """Read model kept by the services, so dashboards never recompute from attempts."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="module_progress"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    lessons_read = models.PositiveSmallIntegerField(default=0)
    # The module's quiz score (percent) by the quiz's grading method, and the best one seen.
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    best_score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    attempts_count = models.PositiveSmallIntegerField(default=0)
    # Whether the most recent graded attempt passed (None: none graded yet); "failed the last
    # attempt" on the director's dashboard reads it instead of the attempts.
    last_attempt_passed = models.BooleanField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["module__position"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="module_progress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.module}: {self.get_status_display()}"


def cohort_export_upload_to(instance: "CohortExport", filename: str) -> str:
    return f"exports/cohort-{instance.cohort_id}/{filename}"


class CohortExportStatus(models.TextChoices):
    """Where a cohort report stands: waiting, being built, ready or failed."""

    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class CohortExport(models.Model):
    """A cohort report built by a worker: its status row, progress and file."""

    class Kind(models.TextChoices):
        MATRIX = "matrix", "Progress matrix"
        ATTEMPTS = "attempts", "All attempts"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    Status = CohortExportStatus

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Each claim by a worker increments it; a run only writes while it still holds the claim.
    runs = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=cohort_export_upload_to, blank=True, max_length=255)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CohortExportStatus.READY) | ~Q(file=""),
                name="ready_export_has_file",
            ),
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")), name="export_rows_done_at_most_total"
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()}) of {self.cohort}"

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)


class DueDateExtension(models.Model):
    """One learner's own due date for a module of their cohort, granted by a director.

    The dashboard and the learner's page read it in place of the cohort's due date for that
    learner: it decides whether they are overdue, and so at risk.
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="due_date_extensions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["module__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module"], name="one_due_date_extension_per_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} due {self.due_on:%Y-%m-%d} for enrolment {self.enrolment_id}"


class MailDelivery(models.Model):
    """A row whose e-mail a worker sends: when the mail server took it, or how often, when and
    why it refused (staff see it in the admin while the task retries)."""

    sent_at = models.DateTimeField(null=True, blank=True)
    send_failures = models.PositiveSmallIntegerField(default=0)
    send_failed_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class LearnerReminder(MailDelivery):
    """A reminder e-mail a director sent a learner of their cohort about unfinished modules."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The modules it names, as the director saw them: "Module 1 (due 1 Aug 2026)", one a line.
    modules = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enrolment", "created_at"])]

    def __str__(self) -> str:
        return f"Reminder to enrolment {self.enrolment_id} at {self.created_at:%Y-%m-%d %H:%M}"


class DueDateReminderKind(models.TextChoices):
    UPCOMING = "upcoming", "Due soon"
    OVERDUE = "overdue", "Overdue"


class DueDateReminder(MailDelivery):
    """A reminder e-mail the site sends a learner about one module's due date: days before it
    (DUE_DATE_REMINDER_DAYS_BEFORE), and once when it has passed. One of each kind per due
    date: an extended due date gets its own."""

    Kind = DueDateReminderKind

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="due_date_reminders"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=DueDateReminderKind.choices)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module", "kind", "due_on"], name="one_reminder_per_due_date"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="due_reminder_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.module} for enrolment {self.enrolment_id}"


class CohortExportFilter(models.Model):
    """The dashboard's filter an export applies (no row: every learner of the cohort)."""

    export = models.OneToOneField(CohortExport, on_delete=models.CASCADE, related_name="filter")
    q = models.CharField(max_length=200, blank=True)
    show = models.CharField(max_length=20, default="all")
    sort = models.CharField(max_length=40, default="name")

    def __str__(self) -> str:
        return f"Filter of export {self.export_id}"


class CohortInvitationStatus(models.TextChoices):
    """Where an invitation to a cohort stands: waiting for the person, accepted or declined."""

    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class CohortInvitation(MailDelivery):
    """A director's invitation of an e-mail address to a cohort.

    Nobody joins a cohort without saying yes: the person accepts from the e-mail's link or from
    their dashboard, and only then is their enrolment placed in the cohort. Until then the
    cohort's directors see the address and the status, never the account behind it.
    """

    Status = CohortInvitationStatus

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)  # lower case, as the director typed it
    # The account the address belongs to (None: several accounts share the address; the one
    # that signs in with it answers).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cohort_invitations",
    )
    # The account was made for this invitation: choosing its password accepts it.
    new_account = models.BooleanField(default=False)
    # Random; the e-mail's link carries it signed (courses.cohorts.selectors.invitations).
    token = models.CharField(max_length=64)
    status = models.CharField(
        max_length=8, choices=CohortInvitationStatus.choices, default=CohortInvitationStatus.INVITED
    )
    created_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="one_invitation_per_address"),
            models.CheckConstraint(
                condition=Q(status=CohortInvitationStatus.INVITED) | Q(responded_at__isnull=False),
                name="answered_invitation_has_date",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.email} to {self.cohort}: {self.get_status_display()}"


# --- authoring: bounds, lesson images and downloadable files ---------------------------------

# Bounds the authoring services check (pages, API and importer share them).
COURSE_SUMMARY_MAX_CHARS = 2_000
COURSE_ABOUT_MAX_CHARS = 30_000
# Each statement: with both at their longest the certificate still fits its one page (in the
# smallest statement type; tests/courses/test_authoring.py renders it).
CREDIT_STATEMENT_MAX_CHARS = 600
MODULE_SUMMARY_MAX_CHARS = 2_000
MODULE_OBJECTIVES_MAX = 10
MODULE_OBJECTIVE_MAX_CHARS = 300
MODULES_PER_COURSE_MAX = 50
LESSONS_PER_MODULE_MAX = 50
LESSON_BODY_MAX_CHARS = 100_000
LESSON_MINUTES_MAX = 600
IMAGE_ALT_MAX_CHARS = 250
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# Decoded size, so a small file cannot unpack into a huge picture (a decompression bomb).
IMAGE_MAX_PIXELS = 40_000_000
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENTS_PER_LESSON_MAX = 10


def lesson_image_upload_to(instance: "LessonImage", filename: str) -> str:
    return f"lesson-images/course-{instance.course_id}/{filename}"


class LessonImage(models.Model):
    """An image an instructor uploaded for a course's lessons, re-encoded (no metadata) and
    shown in a lesson's Markdown with its alt text."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lesson_images")
    # The lesson it was uploaded on (None: for the course's lessons in general).
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="images"
    )
    file = models.FileField(upload_to=lesson_image_upload_to, max_length=255)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(max_length=IMAGE_ALT_MAX_CHARS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="lesson_image_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.alt_text


def lesson_attachment_upload_to(instance: "LessonAttachment", filename: str) -> str:
    return f"lesson-files/lesson-{instance.lesson_id}/{filename}"


class LessonAttachment(models.Model):
    """A file a lesson offers for download (slides, a handout, a checklist)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=lesson_attachment_upload_to, max_length=255)
    # The name the learner's download gets, as the instructor's file was called.
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename
