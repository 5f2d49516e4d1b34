"""The instructors' API under /api/v1/teach/: courses, modules, lessons, their order, lesson
images and files, and quizzes' settings. The serializers parse; the authoring services
(courses.services.authoring, courses.services.lesson_files, quizzes.services.authoring)
decide, so the pages and the API refuse the same things the same way."""

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.lesson_markup import image_markdown, lesson_image_url
from courses.models import (
    IMAGE_ALT_MAX_CHARS,
    LESSON_MINUTES_MAX,
    Competency,
    Course,
    CreditType,
    Lesson,
    LessonAttachment,
    LessonImage,
    Module,
)
from courses.selectors import authoring as authoring_selectors
from courses.selectors import staff as staff_selectors
from courses.services import authoring as authoring_services
from courses.services import lesson_files as files_services
from lms.errors import NotFound
from lms.schema import ErrorOutput
from quizzes.models import Quiz
from quizzes.selectors.access import require_instructor
from quizzes.services import authoring as quiz_authoring_services

PROGRESS_CONFLICT = OpenApiResponse(
    response=ErrorOutput,
    description="Learners have progress in it (`learner_progress`): it stays.",
)


def _valid(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _taught_module(request, module_id: int) -> Module:
    module = get_object_or_404(Module.objects.select_related("course"), pk=module_id)
    authoring_selectors.require_course_instructor(user=request.user, course=module.course)
    return module


def _taught_lesson(request, lesson_id: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
    authoring_selectors.require_course_instructor(user=request.user, course=lesson.module.course)
    return lesson


# --- output ------------------------------------------------------------------------------------


class TeachLessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField(help_text="Markdown, as the instructor wrote it.")
    body_html = serializers.CharField(help_text="Rendered and sanitised, as learners see it.")
    estimated_minutes = serializers.IntegerField()


class TeachQuizOutput(serializers.Serializer):
    id = serializers.IntegerField()
    module_id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    pass_mark_percent = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField(allow_null=True)
    grading_method = serializers.CharField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    delay_minutes = serializers.IntegerField(allow_null=True)
    shuffle_questions = serializers.BooleanField()
    shuffle_choices = serializers.BooleanField()
    review_correctness = serializers.CharField()
    review_score = serializers.CharField()
    review_feedback = serializers.CharField()
    review_right_answers = serializers.CharField()


class TeachModuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    objectives = serializers.ListField(child=serializers.CharField(), source="objective_lines")
    competencies = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute
    lessons = TeachLessonOutput(many=True, source="lessons.all")
    quizzes = TeachQuizOutput(many=True, source="quizzes.all")


class TeachCourseListOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


class TeachCourseOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    pass_mark_percent = serializers.IntegerField()
    accredited_provider = serializers.CharField()
    credit_type = serializers.CharField()
    max_credits = serializers.DecimalField(max_digits=5, decimal_places=2)
    learning_format = serializers.CharField()
    designation_statement = serializers.CharField()
    accreditation_statement = serializers.CharField()
    modules = TeachModuleOutput(many=True, source="modules.all")


def _course_out(course: Course) -> dict:
    fresh = authoring_selectors.course_outline(course_id=course.pk)
    return dict(TeachCourseOutput(fresh).data)


def _module_out(module: Module) -> dict:
    return dict(TeachModuleOutput(Module.objects.get(pk=module.pk)).data)


def _lesson_out(lesson: Lesson) -> dict:
    return dict(TeachLessonOutput(Lesson.objects.get(pk=lesson.pk)).data)


# --- input -------------------------------------------------------------------------------------


class CourseFieldsInput(serializers.Serializer):
    """Types only: bounds, credit and slugs are the authoring service's to check."""

    title = serializers.CharField(required=False, allow_blank=True)
    slug = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    about = serializers.CharField(
        required=False, allow_blank=True, help_text="Markdown: the “About this course” page."
    )
    pass_mark_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)
    accredited_provider = serializers.CharField(required=False, allow_blank=True)
    credit_type = serializers.ChoiceField(
        choices=[("", "None"), *CreditType.choices], required=False, allow_blank=True
    )
    max_credits = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, min_value=0
    )
    learning_format = serializers.CharField(required=False, allow_blank=True)
    designation_statement = serializers.CharField(required=False, allow_blank=True)
    accreditation_statement = serializers.CharField(required=False, allow_blank=True)
    issuer_name = serializers.CharField(
        required=False, allow_blank=True, help_text="Certificate branding."
    )
    signatory_name = serializers.CharField(
        required=False, allow_blank=True, help_text="Certificate branding."
    )
    signatory_title = serializers.CharField(
        required=False, allow_blank=True, help_text="Certificate branding."
    )


class CourseCreateInput(CourseFieldsInput):
    title = serializers.CharField()


class ModuleInput(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    slug = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.ListField(child=serializers.CharField(), required=False)
    competencies = serializers.ListField(
        child=serializers.ChoiceField(choices=Competency.choices), required=False
    )
    required = serializers.BooleanField(required=False)  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute


class ModuleCreateInput(ModuleInput):
    title = serializers.CharField()


class LessonInput(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    slug = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    estimated_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=LESSON_MINUTES_MAX
    )


class LessonCreateInput(LessonInput):
    title = serializers.CharField()
    body = serializers.CharField(help_text="Markdown.")


class OrderInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every id, once, in the new order."
    )


# --- courses -----------------------------------------------------------------------------------


def _split_branding(data: dict) -> tuple[dict, dict]:
    branding = {k: data.pop(k) for k in authoring_services.BRANDING_FIELDS if k in data}
    return data, branding


class TeachCourseListApi(APIView):
    """The courses the caller teaches; POST creates a course (as a draft) that the caller
    teaches: staff and members of the Instructors group may."""

    @extend_schema(responses=TeachCourseListOutput(many=True))
    def get(self, request):
        courses = staff_selectors.courses_instructed_by(user=request.user).order_by("title")
        return Response(TeachCourseListOutput(courses, many=True).data)

    @extend_schema(request=CourseCreateInput, responses={201: TeachCourseOutput})
    def post(self, request):
        authoring_selectors.require_course_creator(user=request.user)
        data, branding = _split_branding(_valid(CourseCreateInput, request.data))
        with transaction.atomic():
            course = authoring_services.course_create(actor=request.user, **data)
            if branding:
                authoring_services.course_branding_update(
                    actor=request.user, course=course, **branding
                )
        return Response(_course_out(course), status=status.HTTP_201_CREATED)


class TeachCourseDetailApi(APIView):
    """A course as its instructors edit it: settings, modules, lessons (Markdown and HTML)
    and quizzes; PATCH changes any of its settings and its certificate branding's text."""

    @extend_schema(responses=TeachCourseOutput)
    def get(self, request, slug: str):
        course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
        return Response(TeachCourseOutput(course).data)

    @extend_schema(request=CourseFieldsInput, responses=TeachCourseOutput)
    def patch(self, request, slug: str):
        course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
        data, branding = _split_branding(_valid(CourseFieldsInput, request.data))
        with transaction.atomic():
            course = authoring_services.course_update(actor=request.user, course=course, **data)
            if branding:
                authoring_services.course_branding_update(
                    actor=request.user, course=course, **branding
                )
        return Response(_course_out(course))


# --- modules -----------------------------------------------------------------------------------


class TeachModuleCreateApi(APIView):
    conflict = "The course has as many modules as it may (`conflict`)."

    @extend_schema(request=ModuleCreateInput, responses={201: TeachModuleOutput})
    def post(self, request, slug: str):
        course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
        data = _valid(ModuleCreateInput, request.data)
        module = authoring_services.module_add(actor=request.user, course=course, **data)
        return Response(_module_out(module), status=status.HTTP_201_CREATED)


class TeachModuleOrderApi(APIView):
    """Put the course's modules in a new order: every module's id, once."""

    @extend_schema(request=OrderInput, responses=TeachCourseOutput)
    def put(self, request, slug: str):
        course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
        data = _valid(OrderInput, request.data)
        authoring_services.modules_reorder(
            actor=request.user, course=course, module_ids=data["ids"]
        )
        return Response(_course_out(course))


class TeachModuleDetailApi(APIView):
    @extend_schema(responses=TeachModuleOutput)
    def get(self, request, module_id: int):
        return Response(_module_out(_taught_module(request, module_id)))

    @extend_schema(request=ModuleInput, responses=TeachModuleOutput)
    def patch(self, request, module_id: int):
        module = _taught_module(request, module_id)
        data = _valid(ModuleInput, request.data)
        module = authoring_services.module_update(actor=request.user, module=module, **data)
        return Response(_module_out(module))

    @extend_schema(responses={204: None, 409: PROGRESS_CONFLICT})
    def delete(self, request, module_id: int):
        module = _taught_module(request, module_id)
        authoring_services.module_remove(actor=request.user, module=module)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- lessons -----------------------------------------------------------------------------------


class TeachLessonCreateApi(APIView):
    conflict = "The module has as many lessons as it may (`conflict`)."

    @extend_schema(request=LessonCreateInput, responses={201: TeachLessonOutput})
    def post(self, request, module_id: int):
        module = _taught_module(request, module_id)
        data = _valid(LessonCreateInput, request.data)
        lesson = authoring_services.lesson_add(actor=request.user, module=module, **data)
        return Response(_lesson_out(lesson), status=status.HTTP_201_CREATED)


class TeachLessonOrderApi(APIView):
    """Put the module's lessons in a new order: every lesson's id, once."""

    @extend_schema(request=OrderInput, responses=TeachModuleOutput)
    def put(self, request, module_id: int):
        module = _taught_module(request, module_id)
        data = _valid(OrderInput, request.data)
        authoring_services.lessons_reorder(
            actor=request.user, module=module, lesson_ids=data["ids"]
        )
        return Response(_module_out(module))


class TeachLessonDetailApi(APIView):
    @extend_schema(responses=TeachLessonOutput)
    def get(self, request, lesson_id: int):
        return Response(_lesson_out(_taught_lesson(request, lesson_id)))

    @extend_schema(request=LessonInput, responses=TeachLessonOutput)
    def patch(self, request, lesson_id: int):
        lesson = _taught_lesson(request, lesson_id)
        data = _valid(LessonInput, request.data)
        lesson = authoring_services.lesson_update(actor=request.user, lesson=lesson, **data)
        return Response(_lesson_out(lesson))

    @extend_schema(responses={204: None, 409: PROGRESS_CONFLICT})
    def delete(self, request, lesson_id: int):
        lesson = _taught_lesson(request, lesson_id)
        authoring_services.lesson_remove(actor=request.user, lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- images and files --------------------------------------------------------------------------


class LessonImageInput(serializers.Serializer):
    image = serializers.FileField(help_text="PNG, JPEG, WebP or GIF; checked by its content.")
    alt_text = serializers.CharField(max_length=IMAGE_ALT_MAX_CHARS, allow_blank=True)
    lesson_id = serializers.IntegerField(
        required=False, help_text="Add the image to the end of this lesson's text."
    )


class LessonImageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    markdown = serializers.SerializerMethodField(help_text="Paste it into a lesson's text.")
    alt_text = serializers.CharField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    lesson_id = serializers.IntegerField(allow_null=True)

    def get_url(self, image: LessonImage) -> str:
        return lesson_image_url(image.pk)

    def get_markdown(self, image: LessonImage) -> str:
        return image_markdown(alt_text=image.alt_text, image_id=image.pk)


class TeachLessonImageApi(APIView):
    """Upload an image for the course's lessons (re-encoded, its metadata removed)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LessonImageInput}, responses={201: LessonImageOutput}
    )
    def post(self, request, slug: str):
        course = authoring_selectors.course_for_authoring(user=request.user, slug=slug)
        data = _valid(LessonImageInput, request.data)
        lesson = None
        if "lesson_id" in data:
            lesson = Lesson.objects.filter(pk=data["lesson_id"], module__course=course).first()
            if lesson is None:
                raise NotFound("No such lesson in this course.")
        image = files_services.lesson_image_add(
            actor=request.user,
            course=course,
            lesson=lesson,
            upload=data["image"],
            alt_text=data["alt_text"],
        )
        return Response(LessonImageOutput(image).data, status=status.HTTP_201_CREATED)


class LessonAttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, Word, PowerPoint or Excel.")


class LessonAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class TeachLessonAttachmentApi(APIView):
    """Offer a file for download with the lesson."""

    conflict = "The lesson offers as many files as it may (`conflict`)."
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": LessonAttachmentInput},
        responses={201: LessonAttachmentOutput},
    )
    def post(self, request, lesson_id: int):
        lesson = _taught_lesson(request, lesson_id)
        upload = _valid(LessonAttachmentInput, request.data)["file"]
        attachment: LessonAttachment = files_services.lesson_attachment_add(
            actor=request.user, lesson=lesson, upload=upload, filename=upload.name
        )
        return Response(LessonAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


# --- quizzes -----------------------------------------------------------------------------------


class QuizSettingsInput(serializers.Serializer):
    """Types only: the quiz authoring service and the quiz's model validation decide."""

    title = serializers.CharField(required=False)
    intro = serializers.CharField(required=False, allow_blank=True)
    pass_mark_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)
    attempts_allowed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    grading_method = serializers.ChoiceField(choices=Quiz.GradingMethod.choices, required=False)
    time_limit_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    delay_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    shuffle_questions = serializers.BooleanField(required=False)
    shuffle_choices = serializers.BooleanField(required=False)
    review_correctness = serializers.ChoiceField(choices=Quiz.ReviewWhen.choices, required=False)
    review_score = serializers.ChoiceField(choices=Quiz.ReviewWhen.choices, required=False)
    review_feedback = serializers.ChoiceField(choices=Quiz.ReviewWhen.choices, required=False)
    review_right_answers = serializers.ChoiceField(choices=Quiz.ReviewWhen.choices, required=False)


class QuizCreateInput(QuizSettingsInput):
    title = serializers.CharField()


class TeachQuizCreateApi(APIView):
    """A new quiz in the module, with any of its settings; questions are added in the quiz
    builder."""

    @extend_schema(request=QuizCreateInput, responses={201: TeachQuizOutput})
    def post(self, request, module_id: int):
        module = _taught_module(request, module_id)
        data = _valid(QuizCreateInput, request.data)
        with transaction.atomic():
            quiz = quiz_authoring_services.quiz_create(
                actor=request.user, module=module, title=data.pop("title")
            )
            if data:
                quiz = quiz_authoring_services.quiz_settings_update(
                    actor=request.user, quiz=quiz, **data
                )
        return Response(TeachQuizOutput(quiz).data, status=status.HTTP_201_CREATED)


class TeachQuizDetailApi(APIView):
    """A quiz's settings, as its course's instructors change them."""

    def _quiz(self, request, quiz_id: int) -> Quiz:
        quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
        require_instructor(user=request.user, quiz=quiz)
        return quiz

    @extend_schema(responses=TeachQuizOutput)
    def get(self, request, quiz_id: int):
        return Response(TeachQuizOutput(self._quiz(request, quiz_id)).data)

    @extend_schema(request=QuizSettingsInput, responses=TeachQuizOutput)
    def patch(self, request, quiz_id: int):
        quiz = self._quiz(request, quiz_id)
        data = _valid(QuizSettingsInput, request.data)
        quiz = quiz_authoring_services.quiz_settings_update(actor=request.user, quiz=quiz, **data)
        return Response(TeachQuizOutput(quiz).data)
