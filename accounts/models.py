from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    """A zone of the IANA database as this machine's zoneinfo knows it ("Europe/Paris")."""
    if value and value not in available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Choose one from the list.",
            code="invalid_time_zone",
            params={"value": value},
        )


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
        help_text="Program directors may e-mail reminders about unfinished modules.",
    )

    def get_full_name(self) -> str:
        return self.full_name.strip() or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()
