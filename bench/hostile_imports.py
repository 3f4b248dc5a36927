"""python -m bench hostile_imports [--url http://127.0.0.1:8000 --username U --password P]

How fast hostile spreadsheets are refused: a zip-bomb .xlsx (about 0.5 MB that unpacks to
460 MB of sheet XML) and a 50 MB CSV, each through `import_problems` (in this process) and
through the admin's import page. With `--url` the admin is reached over real HTTP (a running
server, e.g. gunicorn, and a staff login with the import permission); without it, through
Django's test client in this process (the whole view stack, no socket). Nothing is written in
either case; the numbers are wall-clock seconds from sending the file to the refusal.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.content.models import Problem

BOMB_UNPACKED_BYTES = 460_000_000


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<c><v>1</v></c>" * 65_536
            written = 0
            while written < BOMB_UNPACKED_BYTES:
                sheet.write(chunk)
                written += len(chunk)
    return out.getvalue()


def huge_csv() -> bytes:
    header = b"code,grade,topic,question_en\r\n"
    row = b"g6-integers-01,6,g6-integers,What is 2 + 2?\r\n"
    return header + row * (50_000_000 // len(row))


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="", help="a running Dars, e.g. http://127.0.0.1:8000")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        files = {"bomb.xlsx": zip_bomb(), "huge.csv": huge_csv()}
        before = Problem.objects.count()
        for name, data in files.items():
            self.stdout.write(f"{name}: {len(data) / 1e6:.2f} MB on disk")
        with tempfile.TemporaryDirectory() as folder:
            for name, data in files.items():
                path = Path(folder) / name
                path.write_bytes(data)
                started = time.perf_counter()
                try:
                    call_command("import_problems", str(path), verbosity=0)
                except CommandError as refused:
                    message = str(refused).splitlines()[0]
                else:
                    raise CommandError(f"{name} was not refused by import_problems")
                took = time.perf_counter() - started
                self.stdout.write(f"import_problems {name}: refused in {took:.3f} s: {message}")
        admin = self._over_http if options["url"] else self._in_process
        for name, data in files.items():
            took, page = admin(name, data, options)
            found = re.search(r"(too large|unpacks to|at most)[^<]{0,120}", page)
            if found is None or "Traceback" in page:
                raise CommandError(f"the admin did not refuse {name} plainly")
            self.stdout.write(f"admin {name}: refused in {took:.3f} s: …{found.group(0)}")
        if Problem.objects.count() != before:
            raise CommandError("a hostile file changed the library")

    def _in_process(self, name: str, data: bytes, options: dict[str, Any]) -> tuple[float, str]:
        from django.contrib.auth.models import User
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        client = Client()
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("no superuser: run `manage.py bootstrap` first")
        client.force_login(user)
        started = time.perf_counter()
        response = client.post(
            "/admin/content/problem/import/",
            {"import_file": SimpleUploadedFile(name, data), "format": _format(name)},
            HTTP_HOST="127.0.0.1",
        )
        return time.perf_counter() - started, response.content.decode()

    def _over_http(self, name: str, data: bytes, options: dict[str, Any]) -> tuple[float, str]:
        base = options["url"].rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise CommandError("--url must start with http:// or https://")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        login = opener.open(f"{base}/admin/login/").read().decode()
        token = _csrf(login)
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": options["username"],
                "password": options["password"],
                "next": "/admin/",
            }
        ).encode()
        login_request = urllib.request.Request(f"{base}/admin/login/", form, _referer(base))  # noqa: S310 (scheme checked above)
        opener.open(login_request)
        page = opener.open(f"{base}/admin/content/problem/import/").read().decode()
        boundary = "dars-bench-boundary"
        body = _multipart(
            boundary,
            {"csrfmiddlewaretoken": _csrf(page), "format": _format(name)},
            name,
            data,
        )
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            f"{base}/admin/content/problem/import/",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}", **_referer(base)},
        )
        started = time.perf_counter()
        with opener.open(request) as response:
            text = response.read().decode()
        return time.perf_counter() - started, text


def _format(name: str) -> str:
    return "1" if name.endswith(".xlsx") else "0"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise CommandError("no CSRF token on the page: is the login right?")
    return found.group(1)


def _referer(base: str) -> dict[str, str]:
    return {"Referer": f"{base}/admin/"}


def _multipart(boundary: str, fields: dict[str, str], name: str, data: bytes) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="import_file"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
