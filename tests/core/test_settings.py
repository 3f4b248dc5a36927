"""Settings come from the environment (django-environ); check the documented variables."""

import json
import os
import socket
import subprocess
import sys

import environ
import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'db': settings.DATABASES['default'], 'cache': settings.CACHES['default'], "
    "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, 'tz': settings.TIME_ZONE, "
    "'use_tz': settings.USE_TZ, 'lang': settings.LANGUAGE_CODE, 'langs': settings.LANGUAGES}))"
)


def _settings_with(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="dars.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(out.stdout)


def test_defaults_are_a_safe_development_setup():
    values = _settings_with()
    assert values["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["db"]["NAME"].endswith("db.sqlite3")
    assert values["cache"]["BACKEND"].endswith("LocMemCache")
    assert values["use_tz"] is True
    assert [code for code, _ in values["langs"]] == ["en", "bn"]


def test_environment_variables_are_read():
    values = _settings_with(
        DATABASE_URL="postgres://dars:pw@db.example:5433/dars_prod",
        CACHE_URL="redis://127.0.0.1:6379/2",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-for-this-test-0123456789",
        ALLOWED_HOSTS="dars.example.org,api.dars.example.org",
        TIME_ZONE="UTC",
        LANGUAGE_CODE="bn",
    )
    assert values["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (values["db"]["HOST"], values["db"]["PORT"], values["db"]["NAME"]) == (
        "db.example",
        5433,
        "dars_prod",
    )
    assert values["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["debug"] is False
    assert values["hosts"] == ["dars.example.org", "api.dars.example.org"]
    assert (values["tz"], values["lang"]) == ("UTC", "bn")


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_listening(), reason="no Redis server on 127.0.0.1:6379")
def test_a_redis_cache_url_gives_a_working_cache():
    config = environ.Env.cache_url_config("redis://127.0.0.1:6379/15")
    with override_settings(CACHES={"default": config}):
        cache = caches.create_connection("default")
        cache.set("dars-settings-test", {"ok": 1}, timeout=5)
        assert cache.get("dars-settings-test") == {"ok": 1}
        cache.delete("dars-settings-test")
