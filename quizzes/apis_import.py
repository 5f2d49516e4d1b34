"""The question bank's import in the API: a file previewed (`confirm` false) or imported."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from lms.errors import NotFound, PermissionDenied
from quizzes.formats.base import category_path
from quizzes.formats.files import FILE_FORMATS
from quizzes.models import QuestionCategory
from quizzes.selectors import access as access_selectors
from quizzes.selectors import bank_export as bank_export_selectors
from quizzes.services import bank_import as bank_import_services


class BankImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "GIFT, Aiken or Moodle XML, UTF-8; at most "
            f"{bank_import_services.IMPORT_MAX_BYTES // 1024} KB."
        )
    )
    file_format = serializers.ChoiceField(
        choices=sorted(FILE_FORMATS),
        required=False,
        help_text="Default: told by the file's extension (.gift/.txt GIFT, .xml Moodle XML).",
    )
    category = serializers.IntegerField(
        required=False,
        help_text="Id of the bank category for questions the file files nowhere "
        f"(default: “{bank_import_services.DEFAULT_CATEGORY}”).",
    )
    confirm = serializers.BooleanField(
        default=False, help_text="false: preview, write nothing; true: import all or nothing."
    )


class ProblemOutput(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class PreviewQuestionOutput(serializers.Serializer):
    """A question as the file states it (the shape `import_gift --json` prints), with where
    it starts, the category it goes to and the problems the question editor finds in it."""

    line = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    format = serializers.CharField()
    category = serializers.CharField(help_text="The category it goes to, as a path A/B.")
    general_feedback = serializers.CharField(allow_null=True)
    answers = serializers.ListField(child=serializers.DictField())
    problems = serializers.ListField(child=serializers.CharField())


class BankImportPreviewOutput(serializers.Serializer):
    valid = serializers.BooleanField(help_text="true: confirming imports every question.")
    file_format = serializers.CharField()
    questions = PreviewQuestionOutput(many=True)
    problems = ProblemOutput(many=True, help_text="Every problem of the file, by line.")
    new_categories = serializers.ListField(
        child=serializers.CharField(), help_text="Categories the import makes, as paths A/B."
    )


class CreatedQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    name = serializers.CharField()
    category_id = serializers.IntegerField()


class BankImportResultOutput(serializers.Serializer):
    questions = CreatedQuestionOutput(many=True)
    new_categories = serializers.ListField(child=serializers.CharField())


class BankImportApi(APIView):
    """An instructor of the course (or staff) imports a question file into its bank: first a
    preview (`confirm` false: every question and every problem by line, nothing written),
    then the import (`confirm` true: every question or, with any problem, none: 400
    `import_invalid` with the problems in `details.problems`). Over the size limit: 413
    `import_too_large`."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": BankImportInput},
        responses={200: BankImportPreviewOutput, 201: BankImportResultOutput},
    )
    def post(self, request, slug: str):
        course = get_object_or_404(Course, slug=slug)
        # Asked before the body is read: what a caller may do does not depend on what they sent.
        if not access_selectors.is_course_instructor(user=request.user, course=course):
            raise PermissionDenied(
                "Only the course's instructors can import into its question bank.",
                code="not_instructor",
            )
        data = BankImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        bank_import_services.import_size_check(upload.size)
        category = None
        if "category" in data.validated_data:
            category = QuestionCategory.objects.filter(
                pk=data.validated_data["category"], course=course
            ).first()
            if category is None:
                raise NotFound("No such category in this course's bank.")
        options = {
            "actor": request.user,
            "course": course,
            "data": upload.read(),
            "file_format": data.validated_data.get("file_format"),
            "filename": upload.name or "",
            "category": category,
        }
        if data.validated_data["confirm"]:
            result = bank_import_services.bank_import_confirm(**options)
            paths = bank_export_selectors.category_paths(course=course)
            body = {
                "questions": result.questions,
                "new_categories": [category_path(paths[c.pk]) for c in result.categories],
            }
            return Response(BankImportResultOutput(body).data, status=status.HTTP_201_CREATED)
        plan = bank_import_services.bank_import_preview(**options)
        body = {
            "valid": plan.is_valid,
            "file_format": plan.file_format,
            "questions": [
                {
                    **q.parsed.as_json(),
                    "line": q.line,
                    "category": category_path(q.category),
                    "problems": q.problems,
                }
                for q in plan.questions
            ],
            "problems": plan.problems,
            "new_categories": [category_path(path) for path in plan.new_categories],
        }
        return Response(BankImportPreviewOutput(body).data)
