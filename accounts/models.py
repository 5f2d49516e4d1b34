from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the LMS; `full_name` is their name as certificates print it, in any script."""

    full_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The learner's name as it should appear on certificates.",
    )

    def get_full_name(self) -> str:
        return self.full_name.strip() or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()
