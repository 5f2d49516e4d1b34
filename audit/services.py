"""Writing the audit trail (audit.models)."""

from typing import Any

from accounts.models import User
from audit.context import current_actor
from audit.models import AuditEntry

TARGET_MAX = AuditEntry._meta.get_field("target").max_length or 300


def audit_record(
    *,
    action: str,
    target: object,
    subject: User | None = None,
    actor: User | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """One row; the actor defaults to the person behind the current request (None: the system).
    Written inside the caller's transaction, so a change rolled back leaves no row."""
    return AuditEntry.objects.create(
        action=action,
        target=str(target)[:TARGET_MAX],
        subject=subject,
        actor=actor if actor is not None else current_actor.get(),
        reason=reason,
        details=details or {},
    )
