"""The audit trail: who changed a grade, a certificate, a cohort's membership or someone's role,
when, and why. Rows are only ever added; staff read them in the admin.

Our own rows rather than a change-log library: what an auditor asks is "who moved this resident
out of the cohort, and why", which a field diff does not say. Services write the rows that carry
a reason (revocation, reissue, grade changes); signals write those any path can cause (an admin
edit, a service), so none is missed."""

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    GRADE_CHANGED = "grade_changed", "Grade changed by hand"
    REGRADED = "regraded", "Quiz regraded"
    CERTIFICATE_REVOKED = "certificate_revoked", "Certificate revoked"
    CERTIFICATE_REISSUED = "certificate_reissued", "Certificate reissued"
    COHORT_JOINED = "cohort_joined", "Joined a cohort"
    COHORT_LEFT = "cohort_left", "Left a cohort"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REMOVED = "role_removed", "Role removed"


class AuditEntry(models.Model):
    Action = AuditAction

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Who did it: empty for the system (a worker, beat, a command without a user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    # Whose record it touched (the resident whose grade or membership changed).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    # What it touched, as it read then ("Certificate 7K2M-...", "Cohort PGY-1 residents 2026").
    target = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["action", "at"]), models.Index(fields=["subject", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"
