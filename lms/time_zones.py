"""Time zones: a person's (User.time_zone), a cohort's (Cohort.time_zone), the site's (TIME_ZONE).

Each is an IANA name, empty for "the site's". Times are stored in UTC and shown in the viewer's
zone; a cohort's due dates end at midnight in the cohort's zone, whoever looks at them.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError


def validate_time_zone(value: str) -> None:
    """A zone of the IANA database as this machine's zoneinfo knows it ("Europe/Paris")."""
    if value and value not in available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Choose one from the list.",
            code="invalid_time_zone",
            params={"value": value},
        )


def zone_or_site(name: str) -> ZoneInfo:
    """The zone named, or the site's when it is empty or this machine's tzdata no longer
    knows it."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(settings.TIME_ZONE)


def time_zone_choices() -> list[tuple[str, str]]:
    """Every zone this machine knows, by name ("America/Toronto"), the site's default first."""
    zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
    site = f"The site's time zone ({settings.TIME_ZONE.replace('_', ' ')})"
    return [("", site)] + [(z, z.replace("_", " ")) for z in zones]
