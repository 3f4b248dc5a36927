"""The Celery app, as Celery's "First steps with Django" lays it out.

Tasks live in each app's `tasks.py` and are found by autodiscovery. With no broker configured
(`CELERY_BROKER_URL` empty: a laptop, the README's run command) every task runs in-process at
the moment it is sent, so nothing more is needed; in production a worker and one beat process
run beside gunicorn against Redis (README, "Production").
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dars.settings")

app = Celery("dars")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
