"""Prepare a development install: schema, the problem library and an admin login.

Safe to run any number of times. The shipped library (`fixtures/topics.json`,
`fixtures/problems.csv`) is loaded only where it is absent: a topic or problem the content team
has edited is kept as it is, and the command says how many differ from the shipped version.
`--update-library` replaces them with the shipped version (each a new version in its history)
and lists them. The admin user is created once with a random password kept in `.dars-admin`
(readable only by its owner, ignored by git), so later runs print the same login.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.content.models import Problem, Topic
from apps.content.services import library_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Migrate, load the shipped problem library where it is absent, and print a working "
        "admin login (development)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin", help="Admin username (default admin)")
        parser.add_argument(
            "--credentials-file",
            default=str(Path(settings.BASE_DIR) / ".dars-admin"),
            help="Where the generated admin password is kept between runs",
        )
        parser.add_argument(
            "--update-library",
            action="store_true",
            help="replace topics and problems that differ from the shipped library with the "
            "shipped version (edits made here are overwritten; each keeps its history)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Database schema is up to date.")
        self.load_library(update=options["update_library"])
        self.print_admin_login(options["username"], Path(options["credentials_file"]))

    def load_library(self, *, update: bool) -> None:
        topics = [
            {"code": item["fields"]["code"], **item["fields"]}
            for item in json.loads((FIXTURES / "topics.json").read_text(encoding="utf-8"))
        ]
        report = library_load(
            topics=topics, problems=(FIXTURES / "problems.csv").read_bytes(), update=update
        )
        if report.errors:
            for error in report.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError("The shipped library could not be loaded; nothing was changed.")
        out = self.stdout.write
        out(
            f"Shipped library: {len(report.topics.created)} topics and {len(report.created)} "
            "problems added."
        )
        if update and (report.updated or report.topics.updated):
            out(
                f"Replaced with the shipped version ({len(report.topics.updated)} topics, "
                f"{len(report.updated)} problems): "
                + ", ".join([*report.topics.updated, *report.updated])
            )
        kept = [*report.topics.kept, *report.kept]
        if kept:
            out(
                f"Kept as edited here ({len(report.topics.kept)} topics, {len(report.kept)} "
                "problems differ from the shipped library): "
                + ", ".join(kept[:20])
                + (" …" if len(kept) > 20 else "")
                + ". Run `python manage.py bootstrap --update-library` to replace them."
            )
        out(
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
