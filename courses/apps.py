from django.apps import AppConfig
from django.db.models.signals import post_migrate


def program_directors_group(app_config, using, **kwargs) -> None:
    """The "Program directors" group, holding the permission to create cohorts, on every
    database: made after migrating, and made again after a flush empties the tables."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from .services import PROGRAM_DIRECTORS_GROUP

    create_permissions(app_config, verbosity=0, using=using)  # Django's own handler may come later
    group, _ = Group.objects.using(using).get_or_create(name=PROGRAM_DIRECTORS_GROUP)
    permission = Permission.objects.using(using).get(
        codename="add_cohort", content_type__app_label="courses"
    )
    group.permissions.add(permission)


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        post_migrate.connect(program_directors_group, sender=self)
