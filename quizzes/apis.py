from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.selectors import access as access_selectors
from quizzes.selectors import quiz_settings as quiz_settings_selectors
from quizzes.selectors import review as review_selectors
from quizzes.selectors import visibility as visibility_selectors
from quizzes.services import attempts as attempts_services
from quizzes.services import grading as grading_services

from .models import Attempt, Question, Quiz

if TYPE_CHECKING:
    _Serializer = serializers.Serializer  # what OmitHidden is mixed into
else:
    _Serializer = object


class OmitHidden(_Serializer):
    """Leaves out the fields whose value is `HIDDEN`: what the review options do not allow."""

    def to_representation(self, instance):
        data = {}
        for f in self._readable_fields:
            value = f.get_attribute(instance)
            if value is review_selectors.HIDDEN:
                continue
            data[f.field_name] = None if value is None else f.to_representation(value)
        return data


class QuizSettingsOutput(serializers.Serializer):
    """The quiz's settings as they apply to the caller (with their override, if any)."""

    id = serializers.IntegerField()
    status = serializers.CharField(
        help_text="draft or published. A draft is seen by the course's staff only."
    )
    title = serializers.CharField()
    intro = serializers.CharField()
    module_id = serializers.IntegerField()
    pass_mark_percent = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField(allow_null=True)
    grading_method = serializers.CharField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    delay_minutes = serializers.IntegerField(allow_null=True)
    question_count = serializers.IntegerField(source="slots.count")


class ChoiceKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    fraction = serializers.DecimalField(max_digits=6, decimal_places=5)
    feedback = serializers.CharField()


class NumericalKeyOutput(ChoiceKeyOutput):
    value_min = serializers.DecimalField(max_digits=24, decimal_places=10)
    value_max = serializers.DecimalField(max_digits=24, decimal_places=10)


class MatchingKeyOutput(ChoiceKeyOutput):
    match_text = serializers.CharField()


class QuestionKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    name = serializers.CharField()
    text = serializers.CharField()
    general_feedback = serializers.CharField()
    default_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    choices = serializers.SerializerMethodField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.type == Question.Type.SHORT_ANSWER:
            data["case_sensitive"] = instance.case_sensitive
        return data

    @extend_schema(responses=ChoiceKeyOutput(many=True))
    def get_choices(self, question) -> list[dict]:
        output = {
            Question.Type.NUMERICAL: NumericalKeyOutput,
            Question.Type.MATCHING: MatchingKeyOutput,
        }.get(question.type, ChoiceKeyOutput)
        return output(question.choices.all(), many=True).data  # type: ignore[return-value]  # many=True makes a ListSerializer: its data is a list


class SlotKeyOutput(serializers.Serializer):
    position = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    question = QuestionKeyOutput(allow_null=True)
    random_category = serializers.CharField(allow_null=True)
    random_category_id = serializers.IntegerField(allow_null=True)
    random_count = serializers.IntegerField(help_text="A random slot draws this many.")


class FeedbackBandOutput(serializers.Serializer):
    min_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    text = serializers.CharField()


class QuizAuthorOutput(QuizSettingsOutput):
    shuffle_questions = serializers.BooleanField()
    shuffle_choices = serializers.BooleanField()
    review_correctness = serializers.CharField()
    review_score = serializers.CharField()
    review_feedback = serializers.CharField()
    review_right_answers = serializers.CharField()
    feedback_bands = FeedbackBandOutput(many=True, source="feedback_bands.all")
    slots = SlotKeyOutput(many=True, source="slots.all")


class QuizDetailApi(APIView):
    """Instructors of the course get the full quiz with its answer keys; learners its settings."""

    @extend_schema(
        responses={
            200: PolymorphicProxySerializer(
                component_name="QuizDetail",
                serializers=[QuizSettingsOutput, QuizAuthorOutput],
                resource_type_field_name=None,
                many=False,
            )
        },
        description="A learner gets `QuizSettingsOutput` (the settings as they apply to them, "
        "override included); the course's instructors get `QuizAuthorOutput`, with the keys.",
    )
    def get(self, request, quiz_id: int):
        quiz = visibility_selectors.quiz_for_viewer(user=request.user, quiz_id=quiz_id)
        is_author = access_selectors.is_course_instructor(user=request.user, course=quiz.course)
        if is_author:
            quiz = Quiz.objects.prefetch_related(
                "slots__question__choices", "slots__random_category", "feedback_bands"
            ).get(pk=quiz.pk)
            return Response(QuizAuthorOutput(quiz).data)
        rules = quiz_settings_selectors.quiz_settings_for(quiz=quiz, user=request.user)
        data = QuizSettingsOutput(quiz).data
        data.update(
            attempts_allowed=rules.attempts_allowed,
            time_limit_minutes=rules.time_limit_minutes,
            opens_at=serializers.DateTimeField().to_representation(rules.opens_at)
            if rules.opens_at
            else None,
            closes_at=serializers.DateTimeField().to_representation(rules.closes_at)
            if rules.closes_at
            else None,
        )
        return Response(data)


# --- attempts ---------------------------------------------------------------------------------


class AttemptChoiceOutput(OmitHidden, serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()
    # Present only when the quiz's review options allow the learner to see them.
    correct = serializers.BooleanField(required=False)
    feedback = serializers.CharField(required=False)


class AttemptOptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class AttemptPromptOutput(OmitHidden, serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    chosen_option = serializers.IntegerField(allow_null=True)
    correct = serializers.BooleanField(required=False)
    right_answer = serializers.CharField(required=False)
    feedback = serializers.CharField(required=False)


class AttemptQuestionOutput(OmitHidden, serializers.Serializer):
    """One question as the learner sees it; fields by type, review fields only where allowed.

    Choice types have `choices`; matching has `prompts` and `options` (answer with
    `{"matches": {"<prompt id>": <option id>}}`); short answer, numerical and essay have
    `response`, the learner's own answer.
    """

    question_id = serializers.IntegerField()
    position = serializers.IntegerField()
    type = serializers.CharField()
    text_html = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    answered = serializers.BooleanField()
    choices = AttemptChoiceOutput(many=True, required=False)
    prompts = AttemptPromptOutput(many=True, required=False)
    options = AttemptOptionOutput(many=True, required=False)
    response = serializers.JSONField(required=False, allow_null=True)
    score = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, required=False
    )
    correctness = serializers.CharField(required=False)
    feedback = serializers.CharField(required=False)
    general_feedback = serializers.CharField(required=False)
    right_answer = serializers.CharField(required=False)
    comment = serializers.CharField(required=False)

    FIELDS_BY_TYPE = {
        "choices": Question.CHOICE_TYPES,
        "prompts": {Question.Type.MATCHING},
        "options": {Question.Type.MATCHING},
        "response": {Question.Type.SHORT_ANSWER, Question.Type.NUMERICAL, Question.Type.ESSAY},
    }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name, types in self.FIELDS_BY_TYPE.items():
            if instance.type not in types:
                data.pop(name, None)
        return data


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
    """An attempt with its questions; scores, keys and feedback only where review allows.

    `score`, `max_score`, `percent` and `passed` are null until the score may be shown;
    `overall_feedback` appears with the score when feedback may be shown.
    """

    review_available = serializers.BooleanField()
    overall_feedback = serializers.CharField(required=False)
    questions = AttemptQuestionOutput(many=True)


def attempt_payload(*, attempt: Attempt, user) -> dict:
    view = review_selectors.attempt_view(attempt=attempt, user=user)
    data = AttemptOutput(attempt).data
    for name in ("score", "max_score", "percent", "passed"):
        value = getattr(view, name)
        data[name] = (
            None if value is None else AttemptOutput().fields[name].to_representation(value)
        )
    data["review_available"] = view.show_answers
    if view.overall_feedback is not review_selectors.HIDDEN:
        data["overall_feedback"] = view.overall_feedback
    data["questions"] = AttemptQuestionOutput(view.questions, many=True).data
    return data


class AttemptStartApi(APIView):
    @extend_schema(request=None, responses={201: AttemptDetailOutput, 200: AttemptDetailOutput})
    def post(self, request, quiz_id: int):
        quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
        attempt, created = attempts_services.attempt_start(user=request.user, quiz=quiz)
        return Response(
            attempt_payload(attempt=attempt, user=request.user),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptDetailOutput)
    def get(self, request, attempt_id: int):
        attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
        return Response(attempt_payload(attempt=attempt, user=request.user))


class AttemptResponseApi(APIView):
    conflict = "The attempt is submitted or its time is up (`attempt_closed`)."

    @extend_schema(
        request=inline_serializer(
            "ResponseInput",
            {
                "choice_ids": serializers.ListField(
                    child=serializers.IntegerField(),
                    required=False,
                    help_text="Single choice, multiple response, true/false.",
                ),
                "text": serializers.CharField(
                    required=False, help_text="Short answer (500 characters), essay (20,000)."
                ),
                "value": serializers.CharField(required=False, help_text="Numerical: 12.5"),
                "matches": serializers.DictField(
                    child=serializers.IntegerField(allow_null=True),
                    required=False,
                    help_text="Matching: prompt id to option id.",
                ),
            },
        ),
        responses=inline_serializer(
            "SavedResponse",
            {
                "question_id": serializers.IntegerField(),
                "responded_at": serializers.DateTimeField(),
            },
        ),
    )
    def put(self, request, attempt_id: int, question_id: int):
        item = attempts_services.attempt_save_response(
            user=request.user,
            attempt_id=attempt_id,
            question_id=question_id,
            response=request.data,
        )
        return Response({"question_id": item.question_id, "responded_at": item.responded_at})


class AttemptSubmitApi(APIView):
    conflict = "The attempt is submitted already or its time is up (`attempt_closed`)."

    @extend_schema(request=None, responses={202: AttemptDetailOutput})
    def post(self, request, attempt_id: int):
        attempts_services.attempt_submit(user=request.user, attempt_id=attempt_id)
        attempt = review_selectors.attempt_for_viewer(user=request.user, attempt_id=attempt_id)
        return Response(
            attempt_payload(attempt=attempt, user=request.user), status=status.HTTP_202_ACCEPTED
        )


class AttemptQuestionGradeApi(APIView):
    """An instructor of the course scores an essay and comments on it."""

    conflict = "The attempt is not submitted and scored yet (`attempt_not_ready`)."

    class Input(serializers.Serializer):
        score = serializers.DecimalField(max_digits=8, decimal_places=2)
        comment = serializers.CharField(allow_blank=True, required=False, default="")

    @extend_schema(request=Input, responses=AttemptDetailOutput)
    def post(self, request, attempt_id: int, question_id: int):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = grading_services.attempt_question_grade(
            grader=request.user,
            attempt_id=attempt_id,
            question_id=question_id,
            score=str(data.validated_data["score"]),
            comment=data.validated_data["comment"],
        )
        return Response(attempt_payload(attempt=attempt, user=request.user))
