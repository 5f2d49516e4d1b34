"""The learner's API: the catalogue, enrolment, lessons read and progress."""

from typing import cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.selectors import catalogue as catalogue_selectors
from courses.selectors import learning as learning_selectors
from courses.services import enrolment as enrolment_services
from lms.errors import NotFound

from .models import Lesson


class LessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    status = serializers.CharField(
        help_text="draft or published. A draft is listed to the course's staff only."
    )
    body_html = serializers.CharField(
        required=False, help_text="The lesson's text: only for callers who are signed in."
    )

    def to_representation(self, instance: Lesson) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("with_lesson_text"):
            data.pop("body_html")
        return data


class QuizSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    pass_mark_percent = serializers.IntegerField()
    status = serializers.CharField(
        help_text="draft or published. A draft is listed to the course's staff only."
    )


class ModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute
    competencies = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField(
        help_text="draft or published. A draft is listed to the course's staff only."
    )
    objectives = serializers.ListField(
        child=serializers.CharField(),
        source="objective_lines",
        help_text="What a learner can do after it.",
    )
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
    about_html = serializers.CharField(
        help_text="The “About this course” page, rendered and sanitised (empty: none)."
    )
    modules = ModuleOutput(many=True, source="modules.all")


class CourseListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CourseListOutput

    def get_queryset(self):
        return catalogue_selectors.courses_visible_to(user=self.request.user).order_by("title")


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailOutput)
    def get(self, request, slug: str):
        course = catalogue_selectors.course_detail(user=request.user, slug=slug)
        with_text = catalogue_selectors.may_read_lesson_text(user=request.user)
        return Response(CourseDetailOutput(course, context={"with_lesson_text": with_text}).data)


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
        course = catalogue_selectors.courses_visible_to(user=request.user).filter(slug=slug).first()
        if course is None:
            raise NotFound("No such course.")
        enrolment, created = enrolment_services.enrolment_create(user=request.user, course=course)
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
        progress = enrolment_services.lesson_complete(user=request.user, lesson=lesson)
        return Response(LessonProgressOutput(progress).data)


class ModuleProgressOutput(serializers.Serializer):
    module_id = serializers.IntegerField()
    module = serializers.CharField(source="module.title")
    required = serializers.BooleanField(source="module.required")  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute
    # "result_hidden": graded, but the quiz's review options do not show the result yet.
    status = serializers.ChoiceField(
        choices=["not_started", "in_progress", "passed", "failed", "result_hidden"]
    )
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
        # IsAuthenticated (the API's default) lets only users in, never AnonymousUser.
        return learning_selectors.progress_of(user=cast(User, self.request.user))
