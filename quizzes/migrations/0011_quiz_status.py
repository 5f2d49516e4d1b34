from django.db import migrations, models

STATUS_CHOICES = [("draft", "Draft"), ("published", "Published")]


class Migration(migrations.Migration):
    """Quizzes get a publish state. Those that exist are live today, so they are added as
    published (nothing learners see disappears); a new quiz then starts as a draft."""

    dependencies = [
        ("quizzes", "0010_item_analysis"),
    ]

    operations = [
        migrations.AddField(
            model_name="quiz",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="published", max_length=10),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="draft", max_length=10),
        ),
    ]
