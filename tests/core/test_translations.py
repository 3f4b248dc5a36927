"""The Bengali catalogue is complete, compiled, and covers every string of the code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

LOCALE = Path(settings.BASE_DIR) / "locale" / "bn" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_message_has_a_bengali_translation_and_none_is_fuzzy():
    po = _catalogue()
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(po) > 500


def test_translations_keep_every_placeholder():
    wrong: list[tuple[str, str]] = []
    for entry in _catalogue().translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong.extend(
            (entry.msgid, form) for form in forms if set(PLACEHOLDER.findall(form)) != expected
        )
    assert wrong == []


def test_the_compiled_catalogue_is_the_current_one():
    """django.mo is committed (a fresh install needs no gettext tools); it must match the .po."""
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(LOCALE / "django.mo"))}
    source = {(e.msgctxt, e.msgid): e for e in _catalogue().translated_entries()}
    assert compiled.keys() - {(None, "")} == source.keys()
    stale = [key for key, entry in source.items() if compiled[key].msgstr != entry.msgstr]
    assert stale == []


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed; CI installs it and runs this test",
)
def test_the_catalogue_holds_every_message_of_the_code(tmp_path):
    """makemessages, run on a copy of the code, finds no message the catalogue lacks."""
    base = Path(settings.BASE_DIR)
    for name in ("apps", "dars", "locale"):
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "bn", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        check=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale/bn/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
    assert missing == [], "run makemessages and translate these (README, Translations)"


def test_messages_are_bengali_under_bengali():
    with translation.override("bn"):
        assert gettext("Sign in first.") == "আগে সাইন ইন করো।"
        assert gettext("Type your answer first.") == "আগে তোমার উত্তরটি লেখো।"


ADMIN_JS_SOURCE = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"


def test_the_admin_javascript_catalogue_covers_every_message_of_the_admin_scripts():
    """Django's own Bengali catalogue of the admin's scripts lacks half of them ("0 of 3
    selected", the calendar); ours (locale/bn/LC_MESSAGES/djangojs.po) has every one, compiled."""
    ours = polib.pofile(str(LOCALE / "djangojs.po"))
    keys = {(e.msgctxt, e.msgid) for e in ours.translated_entries()}
    needed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ADMIN_JS_SOURCE))}
    assert needed - keys == set()
    assert ours.untranslated_entries() == [] and ours.fuzzy_entries() == []
    compiled = {(e.msgctxt, e.msgid) for e in polib.mofile(str(LOCALE / "djangojs.mo"))}
    assert compiled - {(None, "")} == keys
    for entry in ours:
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(re.findall("%s", entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) | set(re.findall("%s", form)) == expected


@pytest.mark.django_db
def test_the_admin_scripts_speak_bengali_to_a_bengali_staff_member(admin_client):
    """Through the real admin: /admin/jsi18n/ after the header switch to বাংলা."""
    admin_client.post("/admin/language/", {"language": "bn", "next": "/admin/"})
    script = admin_client.get("/admin/jsi18n/").content.decode()
    found = re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)
    assert found is not None, script[:500]
    catalog = json.loads(found.group(1))
    assert catalog["%(sel)s of %(cnt)s selected"] == [
        "%(cnt)s টির মধ্যে %(sel)s টি নির্বাচিত",
        "%(cnt)s টির মধ্যে %(sel)s টি নির্বাচিত",
    ]
    assert catalog["January"] == "জানুয়ারি"
    assert catalog["abbrev. day Friday\x04Fri"] == "শুক্র"
