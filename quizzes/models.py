"""Question bank, quizzes, attempts and their frozen questions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from courses.models import Course, Module, PublishStatus, render_markdown
from quizzes.scoring import CHOICE_TYPES, GradingMethod, QuestionType

# Bounds of a quiz's settings and a learner's override. A week is longer than any sitting (and
# keeps every deadline a date the database can store); a hundred attempts is "unlimited" in
# practice; a month between attempts is longer than any module runs.
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60
MAX_ATTEMPTS = 100
MAX_DELAY_MINUTES = 30 * 24 * 60
# Instructor text: a question, its feedback, a quiz's introduction. Room for a long clinical
# vignette (about ten pages), with a bound the page, the API and the importers all meet.
MAX_TEXT = 20_000
# A random slot draws at most this many questions: more than any quiz asks in one place.
MAX_RANDOM_COUNT = 100


class QuestionCategory(models.Model):
    """A folder of a course's question bank; categories nest (`parent`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="question_categories")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["course", "name"]
        verbose_name_plural = "question categories"
        constraints = [
            # Names are unique among siblings; a NULL parent is not equal to another, hence two.
            models.UniqueConstraint(
                fields=["course", "name"],
                condition=Q(parent__isnull=True),
                name="category_top_name_unique",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="category_child_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionTag(models.Model):
    """A label on a course's bank questions, to search and filter by."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="question_tags")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="question_tag_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    Type = QuestionType
    CHOICE_TYPES = CHOICE_TYPES

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions"
    )
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.SINGLE_CHOICE)
    name = models.CharField(max_length=200, help_text="Short name for the question bank.")
    text = models.TextField(help_text="Markdown.", validators=[MaxLengthValidator(MAX_TEXT)])
    general_feedback = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    case_sensitive = models.BooleanField(
        default=False, help_text="Short answer: must the case of the letters match?"
    )
    default_points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    tags = models.ManyToManyField(QuestionTag, blank=True, related_name="questions")
    # Each row is one version. Editing a question learners have answered makes a new row
    # (`previous` the one it replaces, `version` one more); attempts keep the row they were
    # asked, the bank and the quizzes' slots move to the current one.
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "id"]
        indexes = [
            models.Index(fields=["category"], condition=Q(is_current=True), name="question_current")
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def text_html(self) -> str:
        return mark_safe(render_markdown(self.text))  # noqa: S308  (sanitised by nh3)

    @cached_property
    def general_feedback_html(self) -> str:
        return mark_safe(render_markdown(self.general_feedback))  # noqa: S308  (sanitised by nh3)

    @property
    def is_graded_by_hand(self) -> bool:
        return self.type == self.Type.ESSAY

    @property
    def takes_answer(self) -> bool:
        return self.type != self.Type.DESCRIPTION


class Choice(models.Model):
    """One answer of a question's key; what its fields mean depends on the question's type.

    Choice types: `text` is the choice shown. Short answer: `text` is an accepted answer, `*`
    a wildcard. Numerical: a response in `value_min..value_max` matches (value ± tolerance is
    stored as that range); `text` is how it is shown in review. Matching: `text` is a prompt
    and `match_text` its right answer; a row with an empty `text` is a distractor answer.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    match_text = models.CharField(max_length=500, blank=True)
    value_min = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    value_max = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    # Share of the question's points this choice earns; negative values are penalties.
    fraction = models.DecimalField(
        max_digits=6,
        decimal_places=5,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
    )
    feedback = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_TEXT)])

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique"),
            models.CheckConstraint(
                condition=Q(fraction__gte=-1) & Q(fraction__lte=1), name="choice_fraction_range"
            ),
            models.CheckConstraint(
                condition=Q(value_min__isnull=True, value_max__isnull=True)
                | Q(value_min__isnull=False, value_max__gte=models.F("value_min")),
                name="choice_value_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.match_text

    @cached_property
    def feedback_html(self) -> str:
        return mark_safe(render_markdown(self.feedback))  # noqa: S308  (sanitised by nh3)


class Quiz(models.Model):
    GradingMethod = GradingMethod
    Status = PublishStatus

    class ReviewWhen(models.TextChoices):
        IMMEDIATELY = "immediately", "Immediately after grading"
        AFTER_CLOSE = "after_close", "After the quiz closes"
        NEVER = "never", "Never"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_ATTEMPTS)],
        help_text="Empty for unlimited attempts.",
    )
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TIME_LIMIT_MINUTES)],
        help_text="Empty for no time limit.",
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    delay_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DELAY_MINUTES)],
        help_text="Minimum minutes between one attempt and the next.",
    )
    # What a learner sees of a graded attempt, item by item, and from when.
    review_correctness = models.CharField(
        max_length=12, choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY
    )
    review_score = models.CharField(
        max_length=12, choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY
    )
    review_feedback = models.CharField(
        max_length=12, choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY
    )
    review_right_answers = models.CharField(
        max_length=12, choices=ReviewWhen.choices, default=ReviewWhen.IMMEDIATELY
    )

    # A draft quiz is seen by the course's staff only; publishing checks it can be taken.
    status = models.CharField(
        max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )

    REVIEW_ITEMS = ("correctness", "score", "feedback", "right_answers")

    class Meta:
        ordering = ["module", "id"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__lte=100), name="quiz_pass_mark_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def course(self) -> Course:
        return self.module.course

    @property
    def is_published(self) -> bool:
        return self.status == PublishStatus.PUBLISHED


class FeedbackBand(models.Model):
    """Overall feedback for attempts scoring at least `min_percent` (the highest band wins)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="feedback_bands")
    min_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    text = models.TextField(help_text="Markdown.", validators=[MaxLengthValidator(MAX_TEXT)])

    class Meta:
        ordering = ["quiz", "-min_percent"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "min_percent"], name="band_min_unique"),
            models.CheckConstraint(
                condition=Q(min_percent__gte=0) & Q(min_percent__lte=100), name="band_min_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: from {self.min_percent}%"

    @cached_property
    def text_html(self) -> str:
        return mark_safe(render_markdown(self.text))  # noqa: S308  (sanitised by nh3)


class QuizOverride(models.Model):
    """One learner's accommodation: empty fields keep the quiz's setting; 0 lifts a limit."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TIME_LIMIT_MINUTES)],
        help_text="0 for no time limit.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_ATTEMPTS)],
        help_text="0 for unlimited attempts.",
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quiz", "user"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="one_override_per_learner"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="override_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.user}"


class QuizSlot(models.Model):
    """A place in a quiz: a fixed question, or a random draw from a bank category."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="slots"
    )
    random_category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A random slot draws this many questions (from the category and its subcategories).
    random_count = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_RANDOM_COUNT)]
    )
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty to use the question's default points.",
    )

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="slot_position_unique"),
            models.CheckConstraint(
                condition=Q(question__isnull=False, random_category__isnull=True)
                | Q(question__isnull=True, random_category__isnull=False),
                name="slot_fixed_or_random",
            ),
            models.CheckConstraint(
                condition=Q(random_count__gte=1)
                & (Q(random_category__isnull=False) | Q(random_count=1)),
                name="slot_random_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} slot {self.position}"


class AttemptState(models.TextChoices):
    """Where an attempt stands, from its start to its grade."""

    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Being graded"
    NEEDS_REVIEW = "needs_review", "Waiting for an instructor"
    GRADED = "graded", "Graded"


class Attempt(models.Model):
    State = AttemptState

    # Every change of state rewrites each index of the row, twice per attempt at least: no
    # index of its own where a unique constraint below already leads with the column.
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="attempts", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_system = models.BooleanField(default=False)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_unique"
            ),
            # One open attempt per learner and quiz: a second tab resumes it.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state=AttemptState.IN_PROGRESS),
                name="one_open_attempt_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(state=AttemptState.IN_PROGRESS) | Q(submitted_at__isnull=False),
                name="submitted_attempt_has_date",
            ),
        ]
        indexes = [
            # Work waiting for a worker or an instructor, oldest first: few rows at any time,
            # where the attempts in progress and graded are nearly all of them.
            models.Index(
                fields=["state", "submitted_at"],
                condition=Q(state__in=[AttemptState.SUBMITTED, AttemptState.NEEDS_REVIEW]),
                name="attempt_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} by {self.user}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class AttemptQuestion(models.Model):
    """A question as frozen into an attempt at its start, with the learner's response."""

    # Indexed by attempt_position_unique, which leads with it.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="questions", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    choice_order = models.JSONField(
        default=list, help_text="Choice ids (matching: prompt ids) in the order shown."
    )
    # Matching: the answers offered, in the order shown; an option's id is its place (1-based).
    options = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fraction = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    # Essays: the grader's comment, who gave the score and when.
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_by_hand_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} question {self.position}"

    @cached_property
    def comment_html(self) -> str:
        return mark_safe(render_markdown(self.comment))  # noqa: S308  (sanitised by nh3)


# --- grade history and regrading ---------------------------------------------------------------

# A reason an instructor gives for changing a grade: a sentence or a short paragraph.
MAX_GRADE_REASON = 1000


class GradeChangeKind(models.TextChoices):
    """What changed a grade."""

    GRADING = "grading", "Graded automatically"
    HAND_GRADING = "hand_grading", "Graded by hand"
    REGRADE = "regrade", "Regraded"
    OVERRIDE = "override", "Overridden"


class RegradeJobStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Regrading"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RegradeJob(models.Model):
    """An instructor's confirmed regrade of a quiz (or of one of its questions), run by a
    worker in batches of attempts; the row is its progress and where a new run resumes."""

    Status = RegradeJobStatus

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrade_jobs")
    # The question regraded (its current version when asked); none: every question.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Why, as the instructor put it ("the key said B; C is right"): each history row says it.
    reason = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_GRADE_REASON)])
    status = models.CharField(
        max_length=8, choices=RegradeJobStatus.choices, default=RegradeJobStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Attempts are regraded in id order: a new run goes on after the last one committed.
    last_attempt_id = models.PositiveBigIntegerField(default=0)
    # Each claim by a worker increments it; a run only writes while it still holds the claim.
    runs = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="regrade_job_waiting")]

    def __str__(self) -> str:
        return f"Regrade of {self.quiz}"

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class GradeChange(models.Model):
    """One change of an attempt's grade (no question) or of one question's score in it: the
    grade history. Written by grading, hand grading, regrading and overrides, never edited."""

    Kind = GradeChangeKind

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="grade_changes")
    # The question version scored; none: the attempt's total.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=GradeChangeKind.choices)
    # None: the grading worker.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_GRADE_REASON)])
    old_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    new_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    # The attempt's rows only: its percent and pass or fail before and after.
    old_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    old_passed = models.BooleanField(null=True, blank=True)
    new_passed = models.BooleanField(null=True, blank=True)
    regrade_job = models.ForeignKey(
        RegradeJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )

    class Meta:
        ordering = ["attempt", "changed_at", "id"]
        indexes = [
            models.Index(fields=["attempt", "id"], name="grade_change_attempt"),
            models.Index(
                fields=["regrade_job"],
                condition=Q(regrade_job__isnull=False),
                name="grade_change_regrade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.attempt}"


class ItemAnalysisStatus(models.TextChoices):
    """Where a stored item analysis stands: waiting for a worker, being computed, ready, failed."""

    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Being computed"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ItemAnalysis(models.Model):
    """A quiz's item analysis as a reports worker computed it: the status row and the result.

    `version` names the graded attempts it was computed from (their count and the latest
    grading time): when it no longer matches the quiz's, the page asks for a new run and shows
    this one meanwhile, marked as out of date.
    """

    class Scope(models.TextChoices):
        FIRST = "first", "First graded attempt of each learner"
        ALL = "all", "All graded attempts"

    Status = ItemAnalysisStatus

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="item_analyses")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.FIRST)
    status = models.CharField(
        max_length=8, choices=ItemAnalysisStatus.choices, default=ItemAnalysisStatus.PENDING
    )
    # The version asked for (the latest request) and the one `questions` was computed from.
    wanted_version = models.CharField(max_length=80)
    version = models.CharField(max_length=80, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    questions = models.JSONField(default=list, blank=True)
    # Each claim by a worker increments it; a run only writes while it still holds the claim.
    runs = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "item analyses"
        constraints = [
            models.UniqueConstraint(fields=["quiz", "scope"], name="one_item_analysis_per_scope"),
        ]

    def __str__(self) -> str:
        return f"Item analysis of {self.quiz} ({self.get_scope_display()})"
