"""Load a course package (a folder or a zip): `manage.py load_course PATH [--dry-run]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from courses.services.package_files import read_package
from courses.services.packages import PackagePlan, package_load
from lms.errors import ApplicationError


def print_plan(command: BaseCommand, plan: PackagePlan) -> None:
    for item in plan.changes:
        command.stdout.write(f"{item.action:>12}  {item.kind:<8}  {item.key}")
    counts = ", ".join(f"{n} {action}" for action, n in plan.summary().items())
    command.stdout.write(f"{plan.slug}: {counts}")


class Command(BaseCommand):
    help = "Create or update a course from a package folder or zip (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing."
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="The account that loads it (default: the first superuser); it must be "
            "staff or one of the course's instructors.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        if actor is None:
            raise CommandError("No such account: give --as USERNAME (staff or an instructor).")
        try:
            plan = package_load(
                actor=actor, files=read_package(options["path"]), dry_run=options["dry_run"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was loaded: {len(plan.problems)} problem(s).")
        print_plan(self, plan)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
