"""gunicorn configuration: `gunicorn -c dars/gunicorn.py dars.wsgi` (values from the env).

gunicorn is the production server, so it refuses to start with DEBUG on (a forgotten
environment would otherwise serve tracebacks to the world); dars/settings.py then refuses to
start without SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL.
"""

import multiprocessing
import os
import sys
from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)
if environ.Env().bool("DEBUG", default=True):
    sys.exit(
        "gunicorn is the production server: set DEBUG=false (and SECRET_KEY, ALLOWED_HOSTS, "
        "DATABASE_URL; see README, Production). For development use `manage.py runserver`."
    )

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One worker per core by default: requests here are CPU-bound (Python and a local
# PostgreSQL), so more workers than cores only take turns on the same cores.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# gthread workers, one thread each by default (a worker still runs one request at a time), keep
# the client's connection open between requests (`keepalive`). Sync workers close it after each
# request: at a few thousand requests a second from one proxy, the proxy's ports come round
# again while the server still holds them in TIME_WAIT, and now and then a request waited 1-3 s
# before gunicorn saw it (most likely such a collision; not proven). The throughput benchmark
# showed it as writes with a p99 of 1.8-3.7 s on sync workers, 46-78 ms on gthread (README,
# Benchmarks). The cost: a worker accepts connections while its thread is busy, so a few
# long-lived connections can all land on one worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The app is loaded once in the master and forked. Recycling a worker (a guard against slow
# leaks) leaves one worker fewer until the master notices, up to a second later, and the new
# one starts with cold caches and connection: so it is rare, about once per million requests.
preload_app = True
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server: object, worker: object) -> None:
    """Before forking a worker from the preloaded master: move what the app allocated at start
    into the permanent generation, so the workers' garbage collections never walk (and copy,
    page by page, out of the memory they share with the master) the whole app."""
    import gc

    gc.collect()
    gc.freeze()


def post_worker_init(worker: object) -> None:
    """In each new worker, before its first request: load the library's problem content
    (`apps.content.cache.warm`), which its first sessions would otherwise each wait for in
    part. A database that cannot be reached now only leaves the content to load on demand."""
    import logging

    from django.db import DatabaseError, connections

    from apps.content.cache import warm

    log = logging.getLogger("dars.gunicorn")
    try:
        log.info("Worker %s loaded the content of %d problems", os.getpid(), warm())
    except DatabaseError as error:
        log.warning("Worker %s could not load problem content now: %s", os.getpid(), error)
    finally:
        # This thread serves no requests (gthread's pool does): keep no connection open here.
        connections.close_all()
