from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from lms.errors import NotFound

from . import selectors
from .models import Certificate
from .rendering import verify_url


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    course = serializers.CharField(source="enrolment.course.slug")
    course_title = serializers.CharField()
    learner_name = serializers.CharField()
    completed_on = serializers.DateField()
    number = serializers.SerializerMethodField()
    verification_code = serializers.CharField(source="code")
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    sha256 = serializers.CharField()

    def get_number(self, obj) -> str:
        return obj.number

    def get_verify_url(self, obj) -> str:
        return verify_url(obj.code)

    def get_pdf_url(self, obj) -> str | None:
        if obj.status != Certificate.Status.READY:
            return None
        return f"/api/v1/certificates/{obj.id}/pdf/"


class MyCertificatesApi(ListAPIView):
    serializer_class = CertificateOutput

    def get_queryset(self):
        return selectors.certificates_of(user=self.request.user)


def pdf_response(certificate: Certificate) -> FileResponse:
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=certificate.download_name,
        content_type="application/pdf",
    )


class CertificatePdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, certificate_id: int):
        certificate = selectors.certificate_for_download(
            user=request.user, certificate_id=certificate_id
        )
        return pdf_response(certificate)


class VerificationOutput(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=["valid", "revoked", "superseded", "pending", "unknown"]
    )
    learner_name = serializers.CharField(required=False)
    course_title = serializers.CharField(required=False)
    completed_on = serializers.DateField(required=False)
    credits_claimed = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, required=False
    )
    credit_type = serializers.CharField(required=False)
    accredited_provider = serializers.CharField(required=False)
    number = serializers.CharField(required=False)
    sha256 = serializers.CharField(required=False)
    revoked_on = serializers.DateField(required=False, allow_null=True)


def verification_result(certificate: Certificate | None) -> str:
    if certificate is None:
        return "unknown"
    return {
        Certificate.Status.READY: "valid",
        Certificate.Status.REVOKED: "revoked",
        Certificate.Status.SUPERSEDED: "superseded",
    }.get(certificate.status, "pending")


def verification_payload(certificate: Certificate | None) -> dict:
    result = verification_result(certificate)
    if certificate is None:
        return {"result": result}
    return {
        "result": result,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "completed_on": certificate.completed_on,
        "credits_claimed": certificate.credits_claimed,
        "credit_type": certificate.credit_type,
        "accredited_provider": certificate.accredited_provider,
        "number": certificate.number,
        "sha256": certificate.sha256,
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
    }


class CertificateVerifyApi(APIView):
    """Public: what a certificate states and whether it stands. No account needed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(responses={200: VerificationOutput})
    def get(self, request, code: str):
        certificate = selectors.certificate_verify(code=code)
        if certificate is None:
            raise NotFound(
                "No certificate has this verification code. Check it against the certificate.",
                code="unknown_certificate",
                details={"result": "unknown"},
            )
        return Response(VerificationOutput(verification_payload(certificate)).data)
