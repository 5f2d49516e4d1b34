"""The API of a quiz's results and item analysis, for the course's instructors and staff."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.models import Attempt, ItemAnalysis, Quiz
from quizzes.selectors import results as results_selectors
from quizzes.services import item_analysis as analysis_services


def _quiz_for_results(request, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    results_selectors.require_results_access(user=request.user, quiz=quiz)
    return quiz


class ResultRowOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    learner = serializers.CharField()
    email = serializers.CharField()
    cohort = serializers.CharField(help_text="The learner's cohort in the course; empty: none.")
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Attempt.State.choices)
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


_FILTERS = [
    OpenApiParameter("state", str, enum=Attempt.State.values, description="The attempt's state."),
    OpenApiParameter(
        "outcome",
        str,
        enum=list(results_selectors.OUTCOMES),
        description="Graded attempts that passed, or that did not.",
    ),
    OpenApiParameter("cohort", int, description="A cohort of the quiz's course."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Started on or after this day."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Started on or before this day."),
    OpenApiParameter("q", str, description="Part of the learner's name, username or e-mail."),
]


class QuizResultsApi(GenericAPIView):
    """Every attempt at the quiz, by learner then attempt number, filtered and paginated."""

    serializer_class = ResultRowOutput

    @extend_schema(parameters=_FILTERS, responses=ResultRowOutput(many=True))
    def get(self, request, quiz_id: int):
        quiz = _quiz_for_results(request, quiz_id)
        chosen = results_selectors.results_filter_from(request.query_params, quiz=quiz)
        rows = results_selectors.quiz_results(quiz=quiz, chosen=chosen)
        page = self.paginate_queryset(rows)
        assert page is not None  # the API's default pagination applies
        data = ResultRowOutput(results_selectors.result_rows(page), many=True).data
        return self.get_paginated_response(data)


class ResponseCountOutput(serializers.Serializer):
    text = serializers.CharField(
        source="label", help_text="The choice, or the response as learners gave it."
    )
    count = serializers.IntegerField()
    fraction = serializers.FloatField(
        allow_null=True, help_text="The share of the mark this response earns."
    )


class QuestionAnalysisOutput(serializers.Serializer):
    question_id = serializers.IntegerField(help_text="The question version asked.")
    position = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    version = serializers.IntegerField()
    attempts = serializers.IntegerField()
    facility = serializers.FloatField(
        allow_null=True, help_text="Mean share of the question's mark earned, 0 to 1."
    )
    discrimination = serializers.FloatField(
        allow_null=True,
        help_text="Correlation of the question's score with the rest of the quiz's, -1 to 1; "
        "null when the scores do not vary.",
    )
    discriminates_poorly = serializers.BooleanField(
        help_text=f"The discrimination is under {analysis_services.POOR_DISCRIMINATION}."
    )
    responses = ResponseCountOutput(many=True)
    no_answer = serializers.IntegerField()


class ItemAnalysisOutput(serializers.Serializer):
    scope = serializers.ChoiceField(choices=ItemAnalysis.Scope.choices)
    status = serializers.ChoiceField(choices=ItemAnalysis.Status.choices)
    up_to_date = serializers.BooleanField(
        help_text="False: computed before the latest graded attempts; a worker recomputes it."
    )
    attempt_count = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    questions = QuestionAnalysisOutput(many=True)


class ItemAnalysisApi(APIView):
    """The quiz's item analysis. A large quiz's is computed by a worker: 202 with its status
    until a first result exists (poll again); then 200, with `up_to_date` false while the
    worker recomputes it after newer attempts were graded."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "attempts",
                str,
                enum=ItemAnalysis.Scope.values,
                description="Each learner's first graded attempt (default), or all graded ones.",
            )
        ],
        responses={200: ItemAnalysisOutput, 202: ItemAnalysisOutput},
    )
    def get(self, request, quiz_id: int):
        quiz = _quiz_for_results(request, quiz_id)
        scope = analysis_services.scope_from(request.query_params.get("attempts", ""))
        result = analysis_services.item_analysis_for(actor=request.user, quiz=quiz, scope=scope)
        waiting = not result.has_result and result.is_working
        return Response(
            ItemAnalysisOutput(result).data,
            status=status.HTTP_202_ACCEPTED if waiting else status.HTTP_200_OK,
        )
