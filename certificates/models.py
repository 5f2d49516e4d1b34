"""Certificate records: a snapshot of what each one states, its PDF and its verification code.

Beside them: the learner's credit claim, the course's branding, name-change requests, the
history of every certificate, and cohort-wide batch jobs.
"""

import secrets
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q

from courses.models import Cohort, Course, Enrolment

# Crockford's base32 alphabet: no I, L, O or U, so codes read aloud and typed by hand survive.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 symbols x 5 bits = 100 random bits


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def normalise_code(code: str) -> str | None:
    """A typed code in canonical form, or None if it cannot be one of ours."""
    cleaned = code.upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return "-".join(cleaned[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.code}.pdf"


class CertificateStatus(models.TextChoices):
    """Where a certificate stands: its PDF, its validity."""

    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed (being retried)"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"


class Certificate(models.Model):
    Status = CertificateStatus

    # States in which a certificate may still be rendered; ready ones are only re-rendered.
    RENDERABLE = (Status.PENDING, Status.FAILED)

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="certificates")
    version = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(max_length=32, unique=True, default=new_verification_code)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)

    # What the certificate states, frozen when it is issued.
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    completed_on = models.DateField()
    credits_claimed = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credit_type = models.CharField(max_length=100, blank=True)
    accredited_provider = models.CharField(max_length=200, blank=True)
    designation_statement = models.TextField(blank=True)
    accreditation_statement = models.TextField(blank=True)
    learning_format = models.CharField(max_length=100, blank=True)

    pdf = models.FileField(upload_to=certificate_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True, help_text="Private to staff; never shown.")
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The learner's "certificate ready" e-mail: when the mail server took it; until then, how
    # often sending failed, when it last did and why (the mail server's answer), for staff.
    notified_at = models.DateTimeField(null=True, blank=True)
    notice_failures = models.PositiveSmallIntegerField(default=0)
    notice_failed_at = models.DateTimeField(null=True, blank=True)
    notice_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One current certificate per enrolment; reissues supersede, keeping history.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~Q(status=CertificateStatus.SUPERSEDED),
                name="one_current_certificate_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "version"], name="certificate_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.READY)
                | (Q(sha256__regex=r"^[0-9a-f]{64}$") & ~Q(pdf="")),
                name="ready_certificate_has_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.REVOKED)
                | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="revoked_certificate_has_date_and_reason",
            ),
            # The successor is linked in the same transaction, just after it is created:
            # the unique constraint above lets it exist only once this one is superseded.
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.SUPERSEDED) | Q(superseded_at__isnull=False),
                name="superseded_certificate_has_date",
            ),
            models.CheckConstraint(
                condition=Q(credits_claimed__isnull=True) | Q(credits_claimed__gt=0),
                name="certificate_credits_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.course_title}: {self.learner_name} ({self.code})"

    @property
    def number(self) -> str:
        """Human-readable certificate number, printed on the PDF beside the code."""
        return f"LIM-{self.completed_on:%Y}-{self.pk:06d}-{self.version}"

    @property
    def download_name(self) -> str:
        safe = "".join(c if c.isalnum() else "-" for c in self.course_title).strip("-")
        return f"certificate-{safe.lower()[:60]}-{self.code}.pdf"


# --- the learner's credit claim -------------------------------------------------------------

CREDIT_STEP = Decimal("0.25")
ATTESTATION = (
    "I claim only the credit commensurate with the extent of my participation in the activity."
)


class CreditClaim(models.Model):
    """What the learner claimed for a completed course, and that they attested to it.

    Made once, before the certificate is issued; the certificate prints it.
    """

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="credit_claim"
    )
    credits = models.DecimalField(max_digits=5, decimal_places=2)
    attestation = models.TextField(default=ATTESTATION)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="credit_claim_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.credits} credits claimed in enrolment {self.enrolment_id}"


# --- per-course branding --------------------------------------------------------------------

BRANDING_IMAGE_MAX_BYTES = 1_000_000


def branding_upload_to(instance: "CertificateBranding", filename: str) -> str:
    # A fresh name per upload: the renderer caches images by name, so a name never changes
    # what it holds.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"branding/{uuid.uuid4().hex}{suffix}"


def validate_image_size(file) -> None:
    if file.size > BRANDING_IMAGE_MAX_BYTES:
        raise ValidationError(
            f"Images must be at most {BRANDING_IMAGE_MAX_BYTES // 1000} kB; "
            f"this one is {file.size // 1000} kB."
        )


IMAGE_VALIDATORS = [FileExtensionValidator(["png", "jpg", "jpeg"]), validate_image_size]


class CertificateBranding(models.Model):
    """How a course's certificates look: set by staff in the admin."""

    course = models.OneToOneField(
        Course, on_delete=models.CASCADE, related_name="certificate_branding"
    )
    issuer_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Printed in capitals above the title, under the logo (optional).",
    )
    logo = models.ImageField(
        upload_to=branding_upload_to,
        blank=True,
        validators=IMAGE_VALIDATORS,
        help_text="PNG or JPEG, at most 1 MB; shown up to 22 mm high.",
    )
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    signature = models.ImageField(
        upload_to=branding_upload_to,
        blank=True,
        validators=IMAGE_VALIDATORS,
        help_text="PNG (transparent background) or JPEG, at most 1 MB; shown 14 mm high.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "certificate branding"

    def __str__(self) -> str:
        return f"Certificate branding of {self.course}"


# --- name changes, history, batches ---------------------------------------------------------


class NameChangeStatus(models.TextChoices):
    """Where a request for another name on a certificate stands."""

    PENDING = "pending", "Waiting for staff"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class NameChangeRequest(models.Model):
    """A learner asks for their certificate to carry another name; staff decide."""

    Status = NameChangeStatus

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="name_change_requests"
    )
    requested_name = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    reissued_as = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(status=NameChangeStatus.PENDING),
                name="one_open_name_change_per_certificate",
            ),
            models.CheckConstraint(
                condition=Q(status=NameChangeStatus.PENDING) | Q(decided_at__isnull=False),
                name="decided_name_change_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate.code}: {self.requested_name} ({self.status})"


class CertificateEvent(models.Model):
    """One line of a certificate's history: auditors read it, nothing ever rewrites it."""

    class Kind(models.TextChoices):
        ISSUED = "issued", "Issued"
        RENDERED = "rendered", "PDF rendered"
        EMAILED = "emailed", "Learner e-mailed"
        REVOKED = "revoked", "Revoked"
        SUPERSEDED = "superseded", "Superseded"
        NAME_CHANGE_REQUESTED = "name_change_requested", "Name change requested"
        NAME_CHANGE_REJECTED = "name_change_rejected", "Name change rejected"

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate.code}: {self.get_kind_display()}"


class CertificateBatchStatus(models.TextChoices):
    """Where a cohort-wide certificate job stands."""

    PENDING = "pending", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CertificateBatch(models.Model):
    """A cohort-wide job (issue or re-render every certificate) and its progress."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issue missing certificates"
        RERENDER = "rerender", "Re-render ready certificates"

    Status = CertificateBatchStatus

    OPEN = (Status.PENDING, Status.RUNNING)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="certificate_batches")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "certificate batches"
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(
                    status__in=[CertificateBatchStatus.PENDING, CertificateBatchStatus.RUNNING]
                ),
                name="one_open_certificate_batch_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.cohort} ({self.status})"

    @property
    def processed(self) -> int:
        return self.succeeded + self.failed

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE or not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * self.processed / self.total)
