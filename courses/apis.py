from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
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


class CourseListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseListOutput(many=True))
    def get(self, request):
        from rest_framework.pagination import PageNumberPagination

        paginator = PageNumberPagination()
        courses = selectors.courses_visible_to(user=request.user).order_by("title")
        page = paginator.paginate_queryset(courses, request, view=self)
        return paginator.get_paginated_response(CourseListOutput(page, many=True).data)


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailOutput)
    def get(self, request, slug: str):
        course = selectors.course_detail(user=request.user, slug=slug)
        return Response(CourseDetailOutput(course).data)


class EnrolmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    course_title = serializers.CharField(source="course.title")
    status = serializers.CharField()
    enrolled_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    modules = ModuleProgressOutput(many=True, source="module_progress.all")


class MyProgressApi(APIView):
    @extend_schema(responses=CourseProgressOutput(many=True))
    def get(self, request):
        from rest_framework.pagination import PageNumberPagination

        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.progress_of(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(CourseProgressOutput(page, many=True).data)
