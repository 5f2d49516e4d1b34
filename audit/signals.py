"""Audit rows for changes any path can make (a service, the admin, a shell): cohort membership
and roles. The person behind the request is the actor (audit.context)."""

from collections.abc import Callable
from typing import Any

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from courses.models import Cohort, Course, Enrolment

# --- cohort membership -------------------------------------------------------------------------


@receiver(pre_save, sender=Enrolment)
def _enrolment_cohort_before(sender: type, instance: Enrolment, **kwargs: Any) -> None:
    instance._audit_cohort_before = (  # type: ignore[attr-defined]
        Enrolment.objects.filter(pk=instance.pk).values_list("cohort_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Enrolment)
def _enrolment_cohort_after(sender: type, instance: Enrolment, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_cohort_before", None)
    if before == instance.cohort_id:
        return
    if before is not None:
        audit_record(
            action=AuditAction.COHORT_LEFT,
            target=_cohort_label(Cohort.objects.select_related("course").filter(pk=before).first()),
            subject=instance.user,
            details={"cohort_id": before, "enrolment_id": instance.pk},
        )
    if instance.cohort_id is not None:
        audit_record(
            action=AuditAction.COHORT_JOINED,
            target=_cohort_label(instance.cohort),
            subject=instance.user,
            details={"cohort_id": instance.cohort_id, "enrolment_id": instance.pk},
        )


def _cohort_label(cohort: Cohort | None) -> str:
    return f"{cohort.name} ({cohort.course.title})" if cohort else "A cohort since deleted"


# --- roles -------------------------------------------------------------------------------------


def _role_receiver(role_of: Callable[[Any], str]) -> Callable[..., None]:
    """A receiver for a many-to-many that grants a role (a group, teaching a course, directing
    a cohort), whichever side it is changed from: `instance` is the side whose manager was
    used, `model` the other side's class."""

    def receiver(sender: type, instance: Any, action: str, model: type, pk_set, **kw) -> None:
        if action == "pre_clear":  # clear() names nobody afterwards: see whom it removes now
            pk_set, action = _related_pks(sender, instance, model), "post_remove"
        if action not in ("post_add", "post_remove") or not pk_set:
            return
        others = model._default_manager.filter(pk__in=pk_set)  # type: ignore[attr-defined]
        if isinstance(instance, User):
            pairs = [(instance, role_of(other)) for other in others]
        else:
            pairs = [(user, role_of(instance)) for user in others]
        change = AuditAction.ROLE_GRANTED if action == "post_add" else AuditAction.ROLE_REMOVED
        for user, role in pairs:
            audit_record(action=change, target=role, subject=user)

    return receiver


def _related_pks(through: Any, instance: Any, model: type) -> set[int]:
    relations = [f for f in through._meta.fields if f.is_relation]
    mine = next(f.name for f in relations if f.related_model is type(instance))
    theirs = next(f.attname for f in relations if f.related_model is model)
    return set(through.objects.filter(**{mine: instance}).values_list(theirs, flat=True))


_ROLES: list[tuple[type, Callable[[Any], str]]] = [
    (User.groups.through, lambda group: f"Group: {group.name}"),
    (Course.instructors.through, lambda course: f"Instructor of {course.title}"),
    (Course.assistants.through, lambda course: f"Teaching assistant of {course.title}"),
    (Cohort.directors.through, lambda cohort: f"Director of {_cohort_label(cohort)}"),
]
for _through, _role_of in _ROLES:
    m2m_changed.connect(_role_receiver(_role_of), sender=_through, weak=False)


STAFF_FLAGS = {"is_staff": "Staff (the admin)", "is_superuser": "Superuser"}


@receiver(pre_save, sender=User)
def _staff_flags_before(sender: type, instance: User, **kwargs: Any) -> None:
    instance._audit_flags_before = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values(*STAFF_FLAGS).first() if instance.pk else None
    )


@receiver(post_save, sender=User)
def _staff_flags_after(sender: type, instance: User, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_flags_before", None) or dict.fromkeys(STAFF_FLAGS, False)
    for flag, role in STAFF_FLAGS.items():
        if getattr(instance, flag) != before[flag]:
            audit_record(
                action=AuditAction.ROLE_GRANTED
                if getattr(instance, flag)
                else AuditAction.ROLE_REMOVED,
                target=role,
                subject=instance,
            )
