"""Faults and production readiness: health, a database lost mid-request, deploy checks,
static files, logs, gunicorn."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings

from apps.core.logging import JsonFormatter
from apps.practice.models import PracticeSession, Response, TopicMastery
from tests.practice.helpers import client_for, make_library, new_student, right_answer

REPO = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"]
    assert body["database"]["latency_ms"] >= 0


@pytest.mark.django_db
def test_healthz_is_degraded_without_a_cache(client):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=broken):
        from django.core.cache import caches

        caches._settings = None  # type: ignore[attr-defined]  # re-read CACHES
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"]["ok"] and not body["cache"]["ok"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and "Connection refused" in body["database"]["error"]


def _drop_connection_on_insert_into_responses(execute, sql, params, many, context):
    """The database goes away exactly when the answer is being stored (a real disconnect on
    PostgreSQL: the server terminates this session)."""
    if "INSERT INTO RESPONSES" in sql.upper().replace('"', ""):
        if connection.vendor == "postgresql":
            context["cursor"].execute("SELECT pg_terminate_backend(pg_backend_pid())")
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_database_lost_mid_request_gives_503_and_writes_nothing():
    make_library()
    student = new_student()
    client = client_for(student)
    session = client.post("/api/v1/sessions/").json()
    problem_id = session["problems"][0]["problem_id"]
    body = {"problem_id": problem_id, "answer": right_answer(problem_id), "time_spent_seconds": 20}

    with connection.execute_wrapper(_drop_connection_on_insert_into_responses):
        response = client.post(f"/api/v1/sessions/{session['id']}/answers/", body, format="json")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"
    connection.close()
    assert Response.objects.count() == 0
    stored = PracticeSession.objects.get(pk=session["id"])
    assert (stored.problems_correct, stored.total_time_seconds) == (0, 0)
    assert not TopicMastery.objects.exists()
    student.refresh_from_db()
    assert student.rated_answers == 0
    # The service recovers: the same answer goes through on the next request.
    retry = client.post(f"/api/v1/sessions/{session['id']}/answers/", body, format="json")
    assert retry.status_code == 200 and retry.json()["result"] == "correct"


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x8#k2!p9-real-production-key-with-plenty-of-entropy-0192837465qwerty",
    "ALLOWED_HOSTS": "dars.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://dars.example.org",
    "DATABASE_URL": "postgres://dars:pw@127.0.0.1:5432/dars_deploy_check",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_with_production_values_gives_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_an_insecure_production_setup():
    insecure = {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0", "SESSION_COOKIE_SECURE": "false"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=insecure)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


@pytest.mark.django_db
def test_whitenoise_serves_the_admin_static_files(tmp_path, client):
    with override_settings(STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = client.get("/static/admin/css/base.css")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"/*")
        response.close()
        docs_asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
        assert docs_asset.status_code == 200
        docs_asset.close()


def test_json_logs_are_one_object_per_line():
    record = logging.LogRecord(
        "dars.test", logging.WARNING, __file__, 1, "hello %s", ("রহিম",), None
    )
    record.student_id = 7
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "hello রহিম" and data["level"] == "WARNING"
    assert data["logger"] == "dars.test" and data["student_id"] == 7
    assert "\n" not in line


@pytest.mark.parametrize(
    ("missing", "example"),
    [
        ("SECRET_KEY", "token_urlsafe"),
        ("ALLOWED_HOSTS", "dars.example.org"),
        ("DATABASE_URL", "postgres://"),
    ],
)
def test_a_production_server_refuses_to_start_without_its_settings(missing, example):
    env = {**PRODUCTION_ENV, missing: ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr and example in result.stderr


def test_a_production_server_refuses_sqlite():
    result = _manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert result.returncode != 0 and "SQLite, which is for a laptop only" in result.stderr


def test_gunicorn_refuses_to_serve_with_debug_on():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "dars/gunicorn.py", "dars.wsgi"],
        cwd=REPO,
        env={**os.environ, **PRODUCTION_ENV, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_gunicorn_configuration_is_valid():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "dars/gunicorn.py", "dars.wsgi"],
        cwd=REPO,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _gunicorn_log(database_url: str, seconds: float = 60.0) -> str:
    """Start gunicorn (the production configuration, one worker) on `database_url`, wait for
    its worker to report on the problem content (logger dars.gunicorn), stop it; what it
    logged."""
    import select
    import signal
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "dars/gunicorn.py", "dars.wsgi"],
        cwd=REPO,
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            "LOG_FORMAT": "plain",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "1",
        },
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    ) as server:
        assert server.stderr is not None
        log = b""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline and b"dars.gunicorn" not in log:
                ready, _, _ = select.select([server.stderr], [], [], 1.0)
                if ready:
                    chunk = os.read(server.stderr.fileno(), 65536)
                    if not chunk:
                        break
                    log += chunk
        finally:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            server.wait(timeout=30)
    return log.decode()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="production runs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_each_gunicorn_worker_loads_the_problem_content_before_its_first_request():
    from apps.content.models import Problem
    from bench.throughput import _database_url

    make_library()
    log = _gunicorn_log(_database_url())
    assert f"loaded the content of {Problem.objects.usable().count()} problems" in log, log


def test_a_gunicorn_worker_starts_without_the_database_and_loads_content_later():
    log = _gunicorn_log("postgres://nobody@127.0.0.1:1/nothing")
    assert "could not load problem content now" in log, log
