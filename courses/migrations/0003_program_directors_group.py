"""The "Program directors" group, with the permission to create cohorts, on every install."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROGRAM_DIRECTORS = "Program directors"


def create_group(apps, schema_editor):
    # Django creates permissions after all migrations have run; this one is needed now.
    courses = apps.get_app_config("courses")
    courses.models_module = True
    create_permissions(courses, apps=apps, verbosity=0)
    courses.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PROGRAM_DIRECTORS)
    group.permissions.add(
        Permission.objects.get(codename="add_cohort", content_type__app_label="courses")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0002_cohorts_dashboard_exports"),
    ]

    # Reversing keeps the group: people may have been added to it since.
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
