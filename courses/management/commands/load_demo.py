from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.demo import ACCOUNTS, DEFAULT_DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo course, accounts for each role and a graduate. Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data creates accounts with a known password; these settings "
                "(DEMO_DATA_ALLOWED off, as in production) refuse it."
            )
        password = settings.DEMO_PASSWORD or DEFAULT_DEMO_PASSWORD
        result = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo course ready: {result['course'].title}"))
        self.stdout.write("Open http://127.0.0.1:8000/ and log in as one of:")
        for username, full_name, role in ACCOUNTS:
            self.stdout.write(f"  {username:<11} {role:<11} {full_name}")
        if settings.DEMO_PASSWORD:
            self.stdout.write("Password: the DEMO_PASSWORD you set.")
        else:
            self.stdout.write(f"Password: {password}  (set DEMO_PASSWORD to choose another)")
        self.stdout.write(
            "Admin: http://127.0.0.1:8000/admin/   API docs: http://127.0.0.1:8000/api/docs/"
        )
