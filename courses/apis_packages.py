"""Course packages in the API: a zip previewed (`confirm` false: the plan, nothing written)
or loaded (`confirm` true: the same checks, then the course created or updated)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.selectors.packages import require_package_importer
from courses.services import package_files
from courses.services.packages import package_load
from lms.errors import ApplicationError


class PackageInput(serializers.Serializer):
    package = serializers.FileField(
        help_text=(
            "A zip of the package folder; at most "
            f"{package_files.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
        )
    )
    confirm = serializers.BooleanField(
        default=False, help_text="false: the plan, nothing written; true: load the package."
    )


class PlanItemOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="course, module, lesson, quiz, question or image")
    key = serializers.CharField()
    action = serializers.CharField(help_text="created, updated, new version or unchanged")


class PackagePlanOutput(serializers.Serializer):
    slug = serializers.CharField()
    summary = serializers.DictField(child=serializers.IntegerField())
    changes = PlanItemOutput(many=True, help_text="Every row created, updated or versioned.")


class CoursePackageApi(APIView):
    """Staff and course instructors load a course package. A package with any problem is
    refused whole: 400 `package_invalid`, every problem as "file:line: reason" in
    `details.problems`; nothing is written."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PackageInput},
        responses={200: PackagePlanOutput, 201: PackagePlanOutput},
    )
    def post(self, request):
        require_package_importer(user=request.user)  # before the body is read
        data = PackageInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["package"]
        if upload.size > package_files.UPLOAD_MAX_BYTES:
            raise ApplicationError(
                f"Upload a zip of at most {package_files.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
                code="package_too_large",
                status=413,
            )
        confirm = data.validated_data["confirm"]
        plan = package_load(
            actor=request.user, files=package_files.read_zip(upload.read()), dry_run=not confirm
        )
        if plan.problems:
            raise ApplicationError(
                f"The package has {len(plan.problems)} problem(s); nothing was written.",
                code="package_invalid",
                details={"problems": [str(p) for p in plan.problems]},
            )
        body = {"slug": plan.slug, "summary": plan.summary(), "changes": plan.changes}
        return Response(
            PackagePlanOutput(body).data,
            status=status.HTTP_201_CREATED if confirm else status.HTTP_200_OK,
        )
