"""Prepare a development install: schema, problem library and an admin login.

Safe to run any number of times: migrations and the library import are idempotent, and the
admin user is created once with a random password that is kept in `.dars-admin` (readable only
by its owner, ignored by git) so later runs can print the same login again.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Migrate, load the problem library and print a working admin login (development)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin", help="Admin username (default admin)")
        parser.add_argument(
            "--credentials-file",
            default=str(Path(settings.BASE_DIR) / ".dars-admin"),
            help="Where the generated admin password is kept between runs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Database schema is up to date.")
        self.load_library(verbosity)
        self.print_admin_login(options["username"], Path(options["credentials_file"]))

    def load_library(self, verbosity: int) -> None:
        call_command("loaddata", str(FIXTURES / "topics.json"), verbosity=0)
        from apps.content.models import Problem, Topic

        problems_csv = FIXTURES / "problems.csv"
        if problems_csv.exists():
            call_command("import_problems", str(problems_csv), verbosity=max(verbosity - 1, 0))
        self.stdout.write(
            f"Library: {Topic.objects.count()} topics, "
            f"{Problem.objects.filter(is_active=True).count()} active problems."
        )

    def print_admin_login(self, username: str, credentials_file: Path) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        saved = credentials_file.read_text().strip() if credentials_file.exists() else ""
        if user is None:
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email="", password=password)
            credentials_file.write_text(password + "\n")
            os.chmod(credentials_file, 0o600)
        elif saved and user.check_password(saved):
            password = saved
        else:
            self.stdout.write(
                f"Admin user {username!r} exists and its password was changed since it was "
                f"created; reset it with: python manage.py changepassword {username}"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: http://127.0.0.1:8000/admin/  "
                f"username: {username}  password: {password}"
            )
        )
