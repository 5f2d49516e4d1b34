from django.conf import settings
from django.db import migrations, models

STATUS_CHOICES = [("draft", "Draft"), ("published", "Published")]


def status_field(default: str) -> models.CharField:
    return models.CharField(choices=STATUS_CHOICES, default=default, max_length=10)


class Migration(migrations.Migration):
    """Modules and lessons get a publish state. Those that exist are live today, so they are
    added as published (nothing learners see disappears); new ones then start as drafts."""

    dependencies = [
        ("courses", "0007_due_dates_time_zones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="assistants",
            field=models.ManyToManyField(
                blank=True, related_name="assisted_courses", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(model_name="lesson", name="status", field=status_field("published")),
        migrations.AlterField(model_name="lesson", name="status", field=status_field("draft")),
        migrations.AddField(model_name="module", name="status", field=status_field("published")),
        migrations.AlterField(model_name="module", name="status", field=status_field("draft")),
    ]
