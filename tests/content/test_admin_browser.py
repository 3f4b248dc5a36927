"""The admin import flow once in a real headless browser (Debian's chromium, driven by Playwright).

`.ci/run` installs chromium (apt) when it is missing; elsewhere the test is skipped with the
reason, e.g. on a laptop without a system chromium (set CHROMIUM_PATH to use another build).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from apps.content.models import Problem
from tests.content.sheets import csv_bytes, mcq_row, problem_row

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium browser found (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get their own (context-local)
            # connections; close them here, or the test database cannot be dropped.
            connections.close_all()


def test_content_team_imports_a_spreadsheet_through_the_admin(
    browser_page, live_server, admin_user, tmp_path: Path, topics
):
    page = browser_page
    sheet = tmp_path / "batch.csv"
    sheet.write_bytes(
        csv_bytes([problem_row("g6-integers-90"), mcq_row("g6-integers-91")], bom=True, crlf=True)
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/content/problem/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.click("text=Import")

    page.set_input_files("input[name=import_file]", str(sheet))
    page.select_option("select[name=format]", label="csv")
    page.click("input[type=submit]")

    summary = page.locator("#import-summary")
    assert "2 new" in summary.inner_text()
    assert Problem.objects.count() == 0  # the preview writes nothing
    page.screenshot(path=str(tmp_path / "preview.png"))

    page.click("input[type=submit][value='Confirm import']")
    page.wait_for_url(f"{live_server.url}/admin/content/problem/")
    assert "Import finished" in page.locator("ul.messagelist").inner_text()
    assert set(Problem.objects.values_list("code", flat=True)) == {
        "g6-integers-90",
        "g6-integers-91",
    }
