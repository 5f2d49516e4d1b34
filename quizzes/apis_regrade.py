"""The API of regrading and the grade history: a quiz's dry run and regrade, a regrade job's
progress and outcome, an attempt's grade history and overrides. Only the course's
instructors and staff (`may_manage_grades`); anyone else is refused as the pages refuse."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.models import MAX_GRADE_REASON, Attempt, GradeChange, Quiz, RegradeJob
from quizzes.selectors import regrade as regrade_selectors
from quizzes.services import grade_overrides as override_services
from quizzes.services import regrade as regrade_services
from quizzes.services.grade_history import AttemptGrade


class GradeOutput(serializers.Serializer):
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class LearnerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class RegradeChangeOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField(source="attempt.pk")
    attempt_number = serializers.IntegerField(source="attempt.number")
    learner = LearnerOutput(source="attempt.user")
    old = GradeOutput()
    new = GradeOutput()
    flip = serializers.ChoiceField(
        choices=["", "pass_to_fail", "fail_to_pass"], help_text="Empty: pass or fail unchanged."
    )
    questions_changed = serializers.IntegerField()
    total_kept = serializers.BooleanField(help_text="The total was overridden: it is kept.")


class RegradePreviewOutput(serializers.Serializer):
    """The dry run: nothing was written."""

    quiz_id = serializers.IntegerField(source="quiz.pk")
    question_id = serializers.IntegerField(source="question.pk", allow_null=True, default=None)
    checked = serializers.IntegerField(help_text="Graded attempts scored again.")
    not_yet_graded = serializers.IntegerField(
        help_text="Attempts in progress or being graded, left to be graded as asked."
    )
    changes = RegradeChangeOutput(many=True, source="rows", help_text="Whose grades change.")


class RegradeOutcomeOutput(serializers.Serializer):
    attempts_changed = serializers.IntegerField()
    passed_now = serializers.IntegerField()
    failed_now = serializers.IntegerField()


class ShortfallOutput(serializers.Serializer):
    learner = LearnerOutput(source="user")
    attempt_id = serializers.IntegerField()
    module_status = serializers.CharField()
    completed = serializers.BooleanField()
    certificate_issued = serializers.BooleanField()


class RegradeJobOutput(serializers.Serializer):
    """A regrade's progress; once `done`, what it changed and who now falls short (nothing
    is revoked: the instructor decides)."""

    id = serializers.IntegerField()
    quiz_id = serializers.IntegerField()
    question_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=RegradeJob.Status.choices)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent_done = serializers.IntegerField()
    reason = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = RegradeOutcomeOutput(required=False)
    shortfalls = ShortfallOutput(many=True, required=False)


def job_payload(job: RegradeJob) -> dict[str, object]:
    data: dict[str, object] = dict(RegradeJobOutput(job).data)
    data.pop("outcome", None)
    data.pop("shortfalls", None)
    if job.status == RegradeJob.Status.DONE:
        data["outcome"] = RegradeOutcomeOutput(regrade_selectors.regrade_outcome(job=job)).data
        data["shortfalls"] = ShortfallOutput(
            regrade_selectors.regrade_shortfalls(job=job), many=True
        ).data
    return data


class QuizRegradeApi(APIView):
    """Regrade a quiz (or one of its questions) after a key or points change."""

    class RegradeInput(serializers.Serializer):
        dry_run = serializers.BooleanField(
            default=True, help_text="True (the default): only list whose grades would change."
        )
        question_id = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="Empty: every question."
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=MAX_GRADE_REASON
        )

    @extend_schema(
        request=RegradeInput,
        responses={200: RegradePreviewOutput, 202: RegradeJobOutput},
        description="With `dry_run` true, the changes a regrade would make (200, nothing "
        "written). With `dry_run` false, a regrade job on the grading queue (202): follow it "
        "at `/api/v1/regrade-jobs/<id>/`.",
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
        regrade_selectors.require_grade_manager(user=request.user, course=quiz.module.course)
        data = self.RegradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["dry_run"]:
            preview = regrade_services.regrade_preview(
                actor=request.user,  # type: ignore[arg-type]  # signed in: require_grade_manager
                quiz=quiz,
                question_id=values["question_id"],
            )
            return Response(RegradePreviewOutput(preview).data)
        job = regrade_services.regrade_request(
            actor=request.user,  # type: ignore[arg-type]  # signed in: require_grade_manager
            quiz=quiz,
            question_id=values["question_id"],
            reason=values["reason"],
        )
        return Response(job_payload(job), status=status.HTTP_202_ACCEPTED)


class RegradeJobApi(APIView):
    @extend_schema(responses=RegradeJobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        job = regrade_selectors.regrade_job_for(user=request.user, job_id=job_id)
        return Response(job_payload(job))


class GradeChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=GradeChange.Kind.choices)
    question_id = serializers.IntegerField(
        allow_null=True, help_text="The question version; null: the attempt's total."
    )
    changed_by = LearnerOutput(allow_null=True, help_text="Null: the grading worker.")
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField()
    old_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    new_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    old_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    new_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    old_passed = serializers.BooleanField(allow_null=True)
    new_passed = serializers.BooleanField(allow_null=True)
    regrade_job_id = serializers.IntegerField(allow_null=True)


class GradeHistoryOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    state = serializers.CharField()
    grade = GradeOutput()
    changes = GradeChangeOutput(many=True)


def history_payload(attempt: Attempt) -> dict[str, object]:
    return dict(
        GradeHistoryOutput(
            {
                "attempt_id": attempt.pk,
                "state": attempt.state,
                "grade": AttemptGrade.of(attempt)._asdict(),
                "changes": regrade_selectors.grade_history(attempt=attempt),
            }
        ).data
    )


class AttemptGradeHistoryApi(APIView):
    """An attempt's grade history; POST overrides its total or one question's score."""

    conflict = "The attempt is not graded yet (`attempt_not_graded`)."

    class OverrideInput(serializers.Serializer):
        score = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0"))
        reason = serializers.CharField(
            allow_blank=True, trim_whitespace=False, help_text="Required; at most 1,000 characters."
        )
        question_id = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="Empty: the total."
        )

    @extend_schema(responses=GradeHistoryOutput)
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = regrade_selectors.attempt_for_grade_manager(
            user=request.user, attempt_id=attempt_id
        )
        return Response(history_payload(attempt))

    @extend_schema(
        request=OverrideInput,
        responses=GradeHistoryOutput,
        description="Override the total (no `question_id`) or one question's score, with a "
        "reason; the reply is the history with the new rows.",
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        # Checked before the body, so that nobody else learns what the body must hold.
        regrade_selectors.attempt_for_grade_manager(user=request.user, attempt_id=attempt_id)
        data = self.OverrideInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = override_services.attempt_grade_override(
            actor=request.user,  # type: ignore[arg-type]  # signed in: attempt_for_grade_manager
            attempt_id=attempt_id,
            question_id=data.validated_data["question_id"],
            score=str(data.validated_data["score"]),
            reason=data.validated_data["reason"],
        )
        return Response(history_payload(attempt))
