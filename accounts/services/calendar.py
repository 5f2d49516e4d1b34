"""The secret address of a person's due-date calendar (courses.feeds serves it)."""

import secrets

from accounts.models import User


def calendar_token_issue(*, user: User) -> str:
    """A new secret for the person's calendar address; the one before stops working at once
    (for an address that was shared or leaked)."""
    user.calendar_token = secrets.token_urlsafe(32)  # 43 characters, 256 bits
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
