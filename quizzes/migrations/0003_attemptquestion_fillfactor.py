"""Room in each page of attempt questions, so writing a response or a score updates the row
in place (a PostgreSQL HOT update) instead of adding an entry to each of the table's indexes.
Every row is written twice after its insert: the learner's answer, then the worker's score."""

from django.db import migrations

TABLE = "quizzes_attemptquestion"


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0002_question_types_settings_overrides")]

    operations = [migrations.RunPython(leave_room, fill_pages)]
