"""The README's run command relies on `manage.py bootstrap`: prove its login really works."""

import re

import pytest
from django.core.management import call_command

from apps.content.models import Problem, Topic

pytestmark = pytest.mark.django_db


def _run_bootstrap(capsys, credentials_file) -> str:
    call_command("bootstrap", credentials_file=str(credentials_file), verbosity=0)
    return capsys.readouterr().out


def test_bootstrap_prints_a_login_that_works_and_repeats_it(client, capsys, tmp_path):
    credentials = tmp_path / "admin-login"

    first = _run_bootstrap(capsys, credentials)
    match = re.search(r"username: (\S+)\s+password: (\S+)", first)
    assert match, first
    username, password = match.groups()

    assert client.login(username=username, password=password)
    assert client.get("/admin/").status_code == 200
    assert Topic.objects.count() == 29
    assert Problem.objects.filter(is_active=True).count() == 280

    second = _run_bootstrap(capsys, credentials)
    assert f"password: {password}" in second
    assert "0 created, 0 updated, 280 unchanged" in second
    assert (Topic.objects.count(), Problem.objects.count()) == (29, 280)


def test_bootstrap_does_not_print_a_stale_password(capsys, tmp_path, django_user_model):
    credentials = tmp_path / "admin-login"
    _run_bootstrap(capsys, credentials)
    user = django_user_model.objects.get(username="admin")
    user.set_password("changed-by-the-owner-1")
    user.save()

    out = _run_bootstrap(capsys, credentials)
    assert "password:" not in out
    assert "changepassword admin" in out
