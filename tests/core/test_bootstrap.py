"""The README's run command relies on `manage.py bootstrap`: its login works, and running it
again never undoes the content team's work."""

import re

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from apps.content import services
from apps.content.models import Problem, ProblemVersion, Topic

pytestmark = pytest.mark.django_db


def _run_bootstrap(capsys, credentials_file, **options) -> str:
    call_command("bootstrap", credentials_file=str(credentials_file), verbosity=0, **options)
    return capsys.readouterr().out


def test_bootstrap_prints_a_login_that_works_and_repeats_it(client, capsys, tmp_path):
    credentials = tmp_path / "admin-login"

    first = _run_bootstrap(capsys, credentials)
    match = re.search(r"username: (\S+)\s+password: (\S+)", first)
    assert match, first
    username, password = match.groups()

    # django-axes needs the request a real sign-in has
    assert client.login(request=HttpRequest(), username=username, password=password)
    assert client.get("/admin/").status_code == 200
    assert "34 topics and 280 problems added" in first
    assert Topic.objects.count() == 34
    assert Problem.objects.filter(is_active=True).count() == 280
    assert ProblemVersion.objects.filter(route="library", version=1).count() == 280

    second = _run_bootstrap(capsys, credentials)
    assert f"password: {password}" in second
    assert "0 topics and 0 problems added" in second and "Kept as edited" not in second
    assert (Topic.objects.count(), Problem.objects.count()) == (34, 280)


def test_an_edit_survives_bootstrap_and_update_library_replaces_it(capsys, tmp_path):
    credentials = tmp_path / "admin-login"
    _run_bootstrap(capsys, credentials)
    shipped = Problem.objects.get(code="g6-integers-01").question_en
    services.problem_save(
        values={"code": "g6-integers-01", "question_en": "A teacher's better wording?"},
        route="admin",
    )
    Topic.objects.filter(code="g6-integers").update(name_en="Integers (edited)")

    again = _run_bootstrap(capsys, credentials)
    assert Problem.objects.get(code="g6-integers-01").question_en == "A teacher's better wording?"
    assert Topic.objects.get(code="g6-integers").name_en == "Integers (edited)"
    assert "Kept as edited here (1 topics, 1 problems" in again
    assert "g6-integers-01" in again and "--update-library" in again

    replaced = _run_bootstrap(capsys, credentials, update_library=True)
    problem = Problem.objects.get(code="g6-integers-01")
    assert problem.question_en == shipped and problem.version == 3
    assert Topic.objects.get(code="g6-integers").name_en == "Integers"
    assert "Replaced with the shipped version (1 topics, 1 problems): g6-integers" in replaced
    assert ProblemVersion.objects.get(problem=problem, version=3).route == "library"


def test_bootstrap_does_not_print_a_stale_password(capsys, tmp_path, django_user_model):
    credentials = tmp_path / "admin-login"
    _run_bootstrap(capsys, credentials)
    user = django_user_model.objects.get(username="admin")
    user.set_password("changed-by-the-owner-1")
    user.save()

    out = _run_bootstrap(capsys, credentials)
    assert "password:" not in out
    assert "changepassword admin" in out
