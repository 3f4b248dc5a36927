"""Shared set-up for browser tests: Debian's chromium driven by Playwright, and the screenshot
folder the README names (`screenshots/`, git-ignored), where every page a person uses is
written so a person can look at it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
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
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium browser found (apt-get install chromium)"
)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Visible text a person reads, without what is content rather than the interface: English
# previews and form fields hold the content team's own English text.
VISIBLE_INTERFACE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[lang="en"], textarea, input, select, script, style, code, svg')
      .forEach(e => e.remove());
  return copy.innerText;
}"""

# Words that are the same in both languages or are names, not interface language.
NOT_ENGLISH_UI = {"English", "Dars", "AI", "OK", "A", "B", "C", "D", "csv", "xlsx", "CSV", "XLSX"}


def project_english_labels() -> list[str]:
    """Every English message of Dars's own code (not the libraries'), from the catalogue."""
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale/bn/LC_MESSAGES/django.po"))
    labels = set()
    for entry in po:
        own = [f for f, _ in entry.occurrences if not f.endswith("third_party_messages.py")]
        if not own or entry.msgid == entry.msgstr:
            continue
        text = re.sub(r"%\([a-z_]+\)s|%[sd]|\{[a-z_]+\}", " ", entry.msgid)
        for part in re.split(r"[:;.,!?()“”\"—–]+", text):
            words = part.strip()
            if len(words) >= 4 and words not in NOT_ENGLISH_UI and re.search(r"[a-z]", words):
                labels.add(words)
    return sorted(labels, key=len, reverse=True)


def english_labels_in(text: str, labels: list[str]) -> list[str]:
    """The labels found in `text` as whole words, case-insensitively, each with the text
    around it (so a failure shows where). Bot commands (`/guardian`) are what a person types,
    the same in every language, and are not looked at."""
    text = re.sub(r"(?<![\w/])/[a-z_]+", " ", text)
    found = []
    for label in labels:
        match = re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text, re.IGNORECASE)
        if match:
            found.append(f"{label!r} in …{text[max(0, match.start() - 30) : match.end() + 30]}…")
    return found


def admin_page(
    browser: Any,
    live_server: Any,
    language: str | None = None,
    username: str = "admin",
    password: str = "password",  # noqa: S107 - pytest-django's admin_user
) -> Any:
    """A page signed in to the admin (1280×900), switched to `language` by the header switch
    as a staff member would (None: as the account is)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    if language is not None:
        page.select_option("#dars-language-select", language)
        page.click("#dars-language button")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
    return page
