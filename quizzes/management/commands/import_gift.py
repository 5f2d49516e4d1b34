"""`manage.py import_gift PATH --dry-run --json`: a question file read for scripts.

With --dry-run nothing is written: each question is read and checked by the question editor's
rules, and --json prints one JSON array (an object per question, in file order). A file with
problems exits non-zero with each problem as PATH:LINE: reason on standard error. Without
--dry-run the questions go into --course's bank, imported as --user (an instructor of the
course, or staff), all of them or none.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import Course
from lms.errors import ApplicationError
from quizzes.formats.base import FormatError, Problem
from quizzes.formats.files import FILE_FORMATS, GIFT, parse_file
from quizzes.services import bank_import


class Command(BaseCommand):
    help = "Read a GIFT (or Aiken, Moodle XML) file; check it, print it as JSON, or import it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The question file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check the file; write nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the questions as one JSON array."
        )
        parser.add_argument("--course", help="Slug of the course whose bank receives them.")
        parser.add_argument("--user", help="Username importing them (an instructor or staff).")
        parser.add_argument(
            "--format", default=GIFT, choices=sorted(FILE_FORMATS), help="Default: gift."
        )

    def _refuse(self, path: str, problems: list[Problem]) -> CommandError:
        for problem in problems:
            self.stderr.write(f"{path}:{problem.line}: {problem.reason}")
        count = len(problems)
        return CommandError(
            f"{count} problem{'s' if count != 1 else ''} in {path}; nothing was imported."
        )

    def handle(self, *args, **options) -> None:
        path = options["path"]
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            bank_import.import_size_check(len(data))
            questions = parse_file(data, options["format"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        except FormatError as error:
            raise self._refuse(path, error.problems) from None
        checked = bank_import.questions_check(questions)
        problems = sorted(Problem(q.line, reason) for q in checked for reason in q.problems)
        if problems:
            raise self._refuse(path, problems)
        if not options["dry_run"]:
            self._import(path, data, options)
        if options["json"]:
            self.stdout.write(json.dumps([q.as_json() for q in questions], ensure_ascii=False))
        elif options["dry_run"]:
            self.stdout.write(f"{len(questions)} questions read from {path}; nothing written.")

    def _import(self, path: str, data: bytes, options: dict) -> None:
        if not options["course"] or not options["user"]:
            raise CommandError("To import, give --course SLUG and --user USERNAME (or --dry-run).")
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"No course has the slug “{options['course']}”.")
        actor = get_user_model().objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"No user is called “{options['user']}”.")
        try:
            result = bank_import.bank_import_confirm(
                actor=actor, course=course, data=data, file_format=options["format"]
            )
        except ApplicationError as error:
            listed = (error.details or {}).get("problems")
            if isinstance(listed, list):
                raise self._refuse(
                    path, [Problem(p["line"], p["reason"]) for p in listed]
                ) from None
            raise CommandError(error.message) from None
        if not options["json"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(result.questions)} questions imported into {course.title}'s bank"
                    f" ({len(result.categories)} new categories)."
                )
            )
