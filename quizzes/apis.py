from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.errors import NotFound

from . import selectors, services
from .models import Attempt, Quiz


class QuizSettingsOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    module_id = serializers.IntegerField()
    pass_mark_percent = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField(allow_null=True)
    grading_method = serializers.CharField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    question_count = serializers.IntegerField(source="slots.count")


class ChoiceKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    fraction = serializers.DecimalField(max_digits=6, decimal_places=5)
    feedback = serializers.CharField()


class QuestionKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    name = serializers.CharField()
    text = serializers.CharField()
    general_feedback = serializers.CharField()
    default_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    choices = ChoiceKeyOutput(many=True, source="choices.all")


class SlotKeyOutput(serializers.Serializer):
    position = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    question = QuestionKeyOutput(allow_null=True)
    random_category = serializers.CharField(allow_null=True)


class QuizAuthorOutput(QuizSettingsOutput):
    shuffle_questions = serializers.BooleanField()
    shuffle_choices = serializers.BooleanField()
    review_answers = serializers.CharField()
    slots = SlotKeyOutput(many=True, source="slots.all")


class QuizDetailApi(APIView):
    """Instructors of the course get the full quiz with its answer keys; learners its settings."""

    @extend_schema(responses={200: QuizAuthorOutput})
    def get(self, request, quiz_id: int):
        quiz = Quiz.objects.select_related("module__course").filter(pk=quiz_id).first()
        course = quiz.module.course if quiz else None
        is_author = course is not None and selectors.is_course_instructor(
            user=request.user, course=course
        )
        if quiz is None or not (course.is_published or is_author):
            raise NotFound("No such quiz.")
        if is_author:
            quiz = Quiz.objects.prefetch_related(
                "slots__question__choices", "slots__random_category"
            ).get(pk=quiz.pk)
            return Response(QuizAuthorOutput(quiz).data)
        return Response(QuizSettingsOutput(quiz).data)


class AttemptChoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()


class AttemptChoiceReviewOutput(AttemptChoiceOutput):
    # Present only when the quiz's review options allow the learner to see them.
    correct = serializers.BooleanField(required=False)
    feedback = serializers.CharField(required=False)


class AttemptQuestionOutput(serializers.Serializer):
    question_id = serializers.IntegerField()
    position = serializers.IntegerField()
    type = serializers.CharField()
    text_html = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    answered = serializers.BooleanField()
    choices = AttemptChoiceOutput(many=True)


class AttemptQuestionReviewOutput(AttemptQuestionOutput):
    # Present only when the quiz's review options allow the learner to see them.
    score = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, required=False
    )
    general_feedback = serializers.CharField(required=False)
    choices = AttemptChoiceReviewOutput(many=True)


class AttemptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    quiz_id = serializers.IntegerField()
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    pass_mark_percent = serializers.IntegerField(source="quiz.pass_mark_percent")


class AttemptDetailOutput(AttemptOutput):
    """An attempt with its questions; scores, keys and feedback only where review allows."""

    review_available = serializers.BooleanField()
    questions = AttemptQuestionReviewOutput(many=True)


def attempt_payload(*, attempt: Attempt, user) -> dict:
    view = selectors.attempt_view(attempt=attempt, user=user)
    data = AttemptOutput(attempt).data
    question_serializer = (
        AttemptQuestionReviewOutput if view.show_answers else AttemptQuestionOutput
    )
    data["review_available"] = view.show_answers
    data["questions"] = question_serializer(view.questions, many=True).data
    return data


class AttemptStartApi(APIView):
    @extend_schema(request=None, responses={201: AttemptDetailOutput, 200: AttemptDetailOutput})
    def post(self, request, quiz_id: int):
        quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
        attempt, created = services.attempt_start(user=request.user, quiz=quiz)
        return Response(
            attempt_payload(attempt=attempt, user=request.user),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptDetailOutput)
    def get(self, request, attempt_id: int):
        attempt = selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
        return Response(attempt_payload(attempt=attempt, user=request.user))


class ResponseInput(serializers.Serializer):
    choice_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class AttemptResponseApi(APIView):
    @extend_schema(
        request=ResponseInput,
        responses=inline_serializer(
            "SavedResponse",
            {
                "question_id": serializers.IntegerField(),
                "responded_at": serializers.DateTimeField(),
            },
        ),
    )
    def put(self, request, attempt_id: int, question_id: int):
        item = services.attempt_save_response(
            user=request.user,
            attempt_id=attempt_id,
            question_id=question_id,
            response=request.data,
        )
        return Response({"question_id": item.question_id, "responded_at": item.responded_at})


class AttemptSubmitApi(APIView):
    @extend_schema(request=None, responses={202: AttemptDetailOutput})
    def post(self, request, attempt_id: int):
        attempt = services.attempt_submit(user=request.user, attempt_id=attempt_id)
        return Response(
            attempt_payload(attempt=attempt, user=request.user), status=status.HTTP_202_ACCEPTED
        )
