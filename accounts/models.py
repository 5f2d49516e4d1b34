from django.contrib.auth.models import AbstractUser
from django.db import models

from lms.time_zones import validate_time_zone

__all__ = ["User", "validate_time_zone"]  # migrations name the validator here


class User(AbstractUser):
    """A person using the LMS; `full_name` is their name as certificates print it, in any script."""

    full_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The learner's name as it should appear on certificates.",
    )
    # No `choices`: the list comes from the machine's time zone database, which changes with
    # its tzdata; the validator checks against it at save time instead of a migration.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Dates and times on the site are shown in this zone; empty: the site's own.",
    )
    reminder_emails = models.BooleanField(
        default=True,
        help_text="E-mail reminders of due dates and from program directors about unfinished "
        "modules.",
    )
    # The secret in the address of the person's due-date calendar feed; made when first asked
    # for, replaced when they ask for a new address (the old one stops working).
    calendar_token = models.CharField(max_length=43, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_token"],
                condition=~models.Q(calendar_token=""),
                name="calendar_token_unique",
            )
        ]

    def get_full_name(self) -> str:
        return self.full_name.strip() or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()
