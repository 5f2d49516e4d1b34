"""The name certificates print: the bounds every page that sets it applies."""

from lms.errors import ApplicationError

FULL_NAME_MAX = 200  # User.full_name and Certificate.learner_name


def full_name_clean(name: str, *, field: str = "full_name") -> str:
    """The name with its spaces tidied; required, at most FULL_NAME_MAX characters."""
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(
            "Enter your full name as it should appear on certificates.",
            code="name_required",
            details={field: ["Enter your full name as it should appear on certificates."]},
        )
    if len(name) > FULL_NAME_MAX:
        raise ApplicationError(
            f"A name can be at most {FULL_NAME_MAX} characters.",
            code="name_too_long",
            details={field: [f"At most {FULL_NAME_MAX} characters (this one has {len(name)})."]},
        )
    return name
