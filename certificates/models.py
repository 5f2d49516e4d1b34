"""Certificate records: a snapshot of what each one states, its PDF and its verification code."""

import secrets

from django.db import models
from django.db.models import Q

from courses.models import Enrolment

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


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed (being retried)"
        REVOKED = "revoked", "Revoked"
        SUPERSEDED = "superseded", "Superseded"

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

    pdf = models.FileField(upload_to=certificate_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One current certificate per enrolment; reissues supersede, keeping history.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~Q(status="superseded"),
                name="one_current_certificate_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "version"], name="certificate_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(sha256__regex=r"^[0-9a-f]{64}$") & ~Q(pdf="")),
                name="ready_certificate_has_pdf",
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
