from typing import cast

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from certificates.selectors.cohorts import (
    batch_for_viewer,
    cohort_for_certificates,
    cohort_ready_certificates,
)
from certificates.selectors.learners import (
    certificate_for_download,
    certificates_of,
    credit_enrolments_of,
)
from certificates.selectors.verification import certificate_verify, earlier_checksums
from certificates.services.batches import certificate_batch_create
from certificates.services.corrections import name_change_request_create
from certificates.services.credit import credit_claim_create
from courses.models import Course
from lms.errors import NotFound

from .archive import certificates_zip
from .models import Certificate, CertificateBatch
from .rendering import verify_url
from .throttles import VerifyThrottle


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    course = serializers.CharField(source="enrolment.course.slug")
    course_title = serializers.CharField()
    learner_name = serializers.CharField()
    completed_on = serializers.DateField()
    credits_claimed = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    credit_type = serializers.CharField()
    version = serializers.IntegerField()
    number = serializers.SerializerMethodField()
    verification_code = serializers.CharField(source="code")
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    sha256 = serializers.CharField()
    revoked_on = serializers.SerializerMethodField()

    def get_number(self, obj) -> str:
        return obj.number

    def get_verify_url(self, obj) -> str:
        return verify_url(obj.code)

    def get_pdf_url(self, obj) -> str | None:
        if obj.status != Certificate.Status.READY:
            return None
        return f"/api/v1/certificates/{obj.id}/pdf/"

    def get_revoked_on(self, obj) -> str | None:
        return obj.revoked_at.date().isoformat() if obj.revoked_at else None


class MyCertificatesApi(ListAPIView):
    serializer_class = CertificateOutput

    def get_queryset(self):
        # IsAuthenticated (the API's default) lets only users in, never AnonymousUser.
        return certificates_of(user=cast(User, self.request.user))


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
        certificate = certificate_for_download(user=request.user, certificate_id=certificate_id)
        return pdf_response(certificate)


# --- credit claims ----------------------------------------------------------------------------


class CreditClaimOutput(serializers.Serializer):
    course = serializers.CharField(source="course.slug")
    course_title = serializers.CharField(source="course.title")
    credit_type = serializers.CharField(source="course.get_credit_type_display")
    max_credits = serializers.DecimalField(
        source="course.max_credits", max_digits=5, decimal_places=2
    )
    claimed_credits = serializers.SerializerMethodField()
    claimed_at = serializers.SerializerMethodField()

    def get_claimed_credits(self, obj) -> str | None:
        claim = getattr(obj, "credit_claim", None)
        return f"{claim.credits:.2f}" if claim else None

    def get_claimed_at(self, obj) -> str | None:
        claim = getattr(obj, "credit_claim", None)
        return claim.claimed_at.isoformat() if claim else None


class CreditClaimInput(serializers.Serializer):
    course = serializers.SlugField()
    # Kept as text: the service parses it, so every wrong value gets the same clear error.
    credits = serializers.CharField(max_length=20)
    attested = serializers.BooleanField(
        help_text="The learner confirms they claim only the credit their participation supports."
    )


class CreditClaimsApi(ListAPIView):
    """The caller's completed courses with credit: claimed, or waiting for a claim."""

    conflict = "The course is not completed (`not_completed`) or claimed (`already_claimed`)."
    not_found = "No such course (`not_found`)."

    serializer_class = CreditClaimOutput

    def get_queryset(self):
        return credit_enrolments_of(user=cast(User, self.request.user))  # as above

    @extend_schema(request=CreditClaimInput, responses={201: CreditClaimOutput})
    def post(self, request):
        data = CreditClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = Course.objects.filter(slug=data.validated_data["course"]).first()
        if course is None:
            raise NotFound("No such course.")
        claim = credit_claim_create(
            user=request.user,
            course=course,
            credits=data.validated_data["credits"],
            attested=data.validated_data["attested"],
        )
        return Response(CreditClaimOutput(claim.enrolment).data, status=status.HTTP_201_CREATED)


# --- name changes -----------------------------------------------------------------------------


class NameChangeInput(serializers.Serializer):
    name = serializers.CharField(max_length=300, allow_blank=True, trim_whitespace=True)
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class NameChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    certificate = serializers.IntegerField(source="certificate_id")
    requested_name = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class NameChangeRequestApi(APIView):
    """The learner asks staff to reissue a certificate with another name."""

    conflict = "The certificate is not ready (`not_ready`) or a request waits (`request_pending`)."

    @extend_schema(request=NameChangeInput, responses={201: NameChangeOutput})
    def post(self, request, certificate_id: int):
        data = NameChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        name_change = name_change_request_create(
            user=request.user,
            certificate_id=certificate_id,
            requested_name=data.validated_data["name"],
            reason=data.validated_data["reason"],
        )
        return Response(NameChangeOutput(name_change).data, status=status.HTTP_201_CREATED)


# --- verification -----------------------------------------------------------------------------


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
    version = serializers.IntegerField(required=False)
    sha256 = serializers.CharField(required=False)
    earlier_sha256 = serializers.ListField(child=serializers.CharField(), required=False)
    revoked_on = serializers.DateField(required=False, allow_null=True)
    superseded_by = serializers.CharField(required=False, allow_null=True)
    superseded_by_url = serializers.CharField(required=False, allow_null=True)


def verification_result(certificate: Certificate | None) -> str:
    if certificate is None:
        return "unknown"
    results: dict[str, str] = {
        Certificate.Status.READY: "valid",
        Certificate.Status.REVOKED: "revoked",
        Certificate.Status.SUPERSEDED: "superseded",
    }
    return results.get(certificate.status, "pending")


def verification_payload(certificate: Certificate | None) -> dict:
    """What a certificate states and whether it stands; never the private revocation reason."""
    result = verification_result(certificate)
    if certificate is None:
        return {"result": result}
    successor = certificate.superseded_by
    return {
        "result": result,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "completed_on": certificate.completed_on,
        "credits_claimed": certificate.credits_claimed,
        "credit_type": certificate.credit_type,
        "accredited_provider": certificate.accredited_provider,
        "number": certificate.number,
        "version": certificate.version,
        "sha256": certificate.sha256,
        "earlier_sha256": earlier_checksums(certificate=certificate),
        "revoked_on": certificate.revoked_at.date() if certificate.revoked_at else None,
        "superseded_by": successor.code if successor else None,
        "superseded_by_url": verify_url(successor.code) if successor else None,
    }


class CertificateVerifyApi(APIView):
    """Public: what a certificate states and whether it stands. No account needed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses={200: VerificationOutput})
    def get(self, request, code: str):
        certificate = certificate_verify(code=code)
        if certificate is None:
            raise NotFound(
                "No certificate has this verification code. Check it against the certificate.",
                code="unknown_certificate",
                details={"result": "unknown"},
            )
        return Response(VerificationOutput(verification_payload(certificate)).data)


# --- cohorts: batches and the ZIP -------------------------------------------------------------


class BatchInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CertificateBatch.Kind.choices)


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cohort = serializers.IntegerField(source="cohort_id")
    kind = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class CohortCertificateBatchApi(APIView):
    """Staff and the cohort's directors: issue or re-render every certificate, as one job."""

    conflict = "A job for this cohort is running (`batch_running`: `details` has its id)."

    @extend_schema(request=BatchInput, responses={202: BatchOutput})
    def post(self, request, cohort_id: int):
        cohort = cohort_for_certificates(user=request.user, cohort_id=cohort_id)
        data = BatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        batch = certificate_batch_create(
            user=request.user, cohort=cohort, kind=data.validated_data["kind"]
        )
        return Response(BatchOutput(batch).data, status=status.HTTP_202_ACCEPTED)


class CertificateBatchApi(APIView):
    @extend_schema(responses={200: BatchOutput})
    def get(self, request, batch_id: int):
        batch = batch_for_viewer(user=request.user, batch_id=batch_id)
        return Response(BatchOutput(batch).data)


def cohort_zip_response(cohort) -> StreamingHttpResponse:
    stream = certificates_zip(cohort_ready_certificates(cohort=cohort))
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Length"] = str(len(stream))
    name = slugify(cohort.name) or "cohort"
    response["Content-Disposition"] = f'attachment; filename="certificates-{name}.zip"'
    return response


class CohortCertificatesZipApi(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, cohort_id: int):
        cohort = cohort_for_certificates(user=request.user, cohort_id=cohort_id)
        return cohort_zip_response(cohort)
