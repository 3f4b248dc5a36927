"""The content studio in a real headless browser (Debian's chromium, driven by Playwright): the
import flow, and every page the content team uses, in Bengali, with screenshots in
`screenshots/` (README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from apps.content.models import Problem
from apps.students.models import Student
from tests.browser import (
    VISIBLE_INTERFACE_TEXT,
    admin_page,
    english_labels_in,
    needs_chromium,
    project_english_labels,
    screenshot,
)
from tests.content.sheets import csv_bytes, mcq_row, problem_row

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_content_team_imports_a_spreadsheet_through_the_admin(
    browser,
    live_server,
    admin_user,
    tmp_path: Path,
    topics,
):
    page = admin_page(browser, live_server)
    page.goto(f"{live_server.url}/admin/content/problem/")
    sheet = tmp_path / "batch.csv"
    sheet.write_bytes(
        csv_bytes([problem_row("g6-integers-90"), mcq_row("g6-integers-91")], bom=True, crlf=True)
    )
    page.click("text=Import")
    page.set_input_files("input[name=import_file]", str(sheet))
    page.select_option("select[name=format]", label="csv")
    page.click("input[type=submit][value='Check the file']")

    summary = page.locator("#import-summary")
    assert "2 new, 0 changed, 0 unchanged" in summary.inner_text()
    assert Problem.objects.count() == 0  # the preview writes nothing
    screenshot(page, "admin-en-import-preview")

    page.click("input[type=submit][value='Confirm import']")
    page.wait_for_url(f"{live_server.url}/admin/content/problem/")
    assert set(Problem.objects.values_list("code", flat=True)) == {
        "g6-integers-90",
        "g6-integers-91",
    }


def test_the_admin_in_bengali_has_no_english_words_of_its_own(
    browser,
    live_server,
    admin_user,
    library,
    tmp_path: Path,
):
    call_command("seed_demo", students=3, days=20, verbosity=0)
    student = Student.objects.order_by("pk")[0]
    problem = Problem.objects.get(code="g7-triangles-01")
    page = admin_page(browser, live_server, "bn")

    sheet = tmp_path / "bn.csv"
    sheet.write_bytes(
        csv_bytes([problem_row("g6-integers-90"), mcq_row("g6-integers-91")], bom=True)
    )
    labels = project_english_labels()
    screens = {
        "index": "/admin/",
        "problem-list": "/admin/content/problem/",
        "problem-change": f"/admin/content/problem/{problem.pk}/change/",
        "student": f"/admin/students/student/{student.pk}/change/",
    }
    found = {}
    for name, url in screens.items():
        page.goto(f"{live_server.url}{url}")
        screenshot(page, f"admin-bn-{name}")
        found[name] = english_labels_in(page.evaluate(VISIBLE_INTERFACE_TEXT), labels)

    page.goto(f"{live_server.url}/admin/content/problem/import/")
    page.set_input_files("input[name=import_file]", str(sheet))
    page.select_option("select[name=format]", label="csv")
    page.click("form[enctype='multipart/form-data'] input[type=submit]")
    page.wait_for_selector("#import-summary")
    screenshot(page, "admin-bn-import-preview")
    found["import-preview"] = english_labels_in(page.evaluate(VISIBLE_INTERFACE_TEXT), labels)

    assert found == {name: [] for name in found}
    assert User.objects.get(username="admin").dars_preference.language == "bn"
