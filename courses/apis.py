from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.errors import NotFound

from . import selectors, services
from .models import Lesson


class LessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    body_html = serializers.CharField()


class QuizSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    pass_mark_percent = serializers.IntegerField()


class ModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    required = serializers.BooleanField()
    competencies = serializers.ListField(child=serializers.CharField())
    lessons = LessonOutput(many=True, source="lessons.all")
    quizzes = QuizSummaryOutput(many=True, source="quizzes.all")


class CourseListOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    pass_mark_percent = serializers.IntegerField()


class CourseDetailOutput(CourseListOutput):
    accredited_provider = serializers.CharField()
    credit_type = serializers.CharField()
    max_credits = serializers.DecimalField(max_digits=5, decimal_places=2)
    learning_format = serializers.CharField()
    modules = ModuleOutput(many=True, source="modules.all")


class CourseListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CourseListOutput

    def get_queryset(self):
        return selectors.courses_visible_to(user=self.request.user).order_by("title")


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailOutput)
    def get(self, request, slug: str):
        course = selectors.course_detail(user=request.user, slug=slug)
        return Response(CourseDetailOutput(course).data)


class EnrolmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.CharField(source="course.slug")
    status = serializers.CharField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class CourseEnrollApi(APIView):
    @extend_schema(request=None, responses={200: EnrolmentOutput, 201: EnrolmentOutput})
    def post(self, request, slug: str):
        # Drafts are invisible to learners: for them a draft is "no such course".
        course = selectors.courses_visible_to(user=request.user).filter(slug=slug).first()
        if course is None:
            raise NotFound("No such course.")
        enrolment, created = services.enrolment_create(user=request.user, course=course)
        return Response(
            EnrolmentOutput(enrolment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class LessonProgressOutput(serializers.Serializer):
    lesson_id = serializers.IntegerField()
    completed_at = serializers.DateTimeField()


class LessonCompleteApi(APIView):
    @extend_schema(request=None, responses=LessonProgressOutput)
    def post(self, request, lesson_id: int):
        lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
        progress = services.lesson_complete(user=request.user, lesson=lesson)
        return Response(LessonProgressOutput(progress).data)


class ModuleProgressOutput(serializers.Serializer):
    module_id = serializers.IntegerField()
    module = serializers.CharField(source="module.title")
    required = serializers.BooleanField(source="module.required")
    status = serializers.CharField()
    lessons_read = serializers.IntegerField()
    score_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    best_score_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    attempts_count = serializers.IntegerField()


class CourseProgressOutput(serializers.Serializer):
    course = serializers.CharField(source="course.slug")
    course_title = serializers.CharField(source="course.title")
    status = serializers.CharField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    modules = ModuleProgressOutput(many=True, source="module_progress.all")


class MyProgressApi(ListAPIView):
    serializer_class = CourseProgressOutput

    def get_queryset(self):
        return selectors.progress_of(user=self.request.user)


class ProgressCellOutput(serializers.Serializer):
    module_id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["not_started", "in_progress", "passed", "failed", "overdue"]
    )
    best_score_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    attempts = serializers.IntegerField()


class LearnerRowOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    enrolment_status = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    cells = ProgressCellOutput(many=True)


class ModuleSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    required = serializers.BooleanField()
    due_on = serializers.DateField(allow_null=True)
    completion_rate = serializers.FloatField()
    average_score_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )


class CohortProgressOutput(serializers.Serializer):
    cohort_id = serializers.IntegerField(source="cohort.id")
    cohort = serializers.CharField(source="cohort.name")
    course = serializers.CharField(source="cohort.course.slug")
    learner_count = serializers.IntegerField(source="learners.__len__")
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField()
    modules = ModuleSummaryOutput(many=True)
    learners = LearnerRowOutput(many=True)


class CohortProgressApi(APIView):
    """Directors of the cohort, instructors of its course and staff: learners by modules."""

    @extend_schema(responses=CohortProgressOutput)
    def get(self, request, cohort_id: int):
        cohort = selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
        return Response(CohortProgressOutput(selectors.cohort_progress(cohort=cohort)).data)
