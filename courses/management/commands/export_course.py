"""Write a course as a package: `manage.py export_course SLUG PATH` (a folder, or a .zip)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import Course
from courses.selectors.packages import course_package
from courses.services.package_files import safe_path, write_zip


class Command(BaseCommand):
    help = "Export a course as a package folder (or a .zip when PATH ends in .zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["slug"]).first()
        if course is None:
            raise CommandError(f"No course “{options['slug']}”.")
        files = course_package(course=course)
        target: Path = options["path"]
        if target.suffix == ".zip":
            target.write_bytes(write_zip(files))
        else:
            for name, data in files.items():
                path = target / safe_path(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        self.stdout.write(f"{course.slug}: {len(files)} files written to {target}")
