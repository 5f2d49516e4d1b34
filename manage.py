#!/usr/bin/env python
import os
import sys


def main() -> None:
    import lms  # noqa: F401  (reads .env first: it may choose the settings module)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
