from django.apps import AppConfig
from django.db.models.signals import post_migrate


def program_directors_group(app_config, using, **kwargs) -> None:
    """The "Program directors" group, holding the permission to create cohorts, on every
    database: made after migrating, and made again after a flush empties the tables. (Django's
    own post_migrate handler, connected first by django.contrib.auth, has made the permission.)"""
    from django.contrib.auth.models import Group, Permission

    from .cohorts.selectors.access import CREATE_COHORT_PERMISSION, PROGRAM_DIRECTORS_GROUP

    app_label, codename = CREATE_COHORT_PERMISSION.split(".")
    group, _ = Group.objects.using(using).get_or_create(name=PROGRAM_DIRECTORS_GROUP)
    group.permissions.add(
        Permission.objects.using(using).get(codename=codename, content_type__app_label=app_label)
    )


def instructors_group(app_config, using, **kwargs) -> None:
    """The "Instructors" group, holding the permission to create courses: staff add people to
    it in the admin. Made after every migrate (and flush), like the directors' group."""
    from django.contrib.auth.models import Group, Permission

    from .selectors.authoring import CREATE_COURSE_PERMISSION, INSTRUCTORS_GROUP

    app_label, codename = CREATE_COURSE_PERMISSION.split(".")
    group, _ = Group.objects.using(using).get_or_create(name=INSTRUCTORS_GROUP)
    group.permissions.add(
        Permission.objects.using(using).get(codename=codename, content_type__app_label=app_label)
    )


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        post_migrate.connect(program_directors_group, sender=self)
        post_migrate.connect(instructors_group, sender=self)
