"""Dars settings: one module, every deploy-time value read from the environment.

Defaults are for a first run on a laptop (embedded SQLite, local-memory cache, no broker,
DEBUG on), so the README's run command needs no environment at all. With DEBUG=false the server
refuses to start until the production values are set (SECRET_KEY, ALLOWED_HOSTS, a PostgreSQL
DATABASE_URL), and gunicorn refuses DEBUG=true (dars/gunicorn.py). `.env.example` documents
every variable.
"""

import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
DEVELOPMENT_SECRET_KEY = "django-insecure-dars-development-key-do-not-use-in-production"  # noqa: S105


def _required_in_production(name: str, example: str) -> None:
    if not DEBUG and not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG=false Dars runs as a production server and needs "
            f"{name} in the environment (or .env), e.g. {name}={example}. See README, Production."
        )


_required_in_production(
    "SECRET_KEY",
    "<50 random characters: python -c 'import secrets; print(secrets.token_urlsafe(50))'>",
)
_required_in_production("ALLOWED_HOSTS", "dars.example.org")
_required_in_production("DATABASE_URL", "postgres://dars:PASSWORD@127.0.0.1:5432/dars")
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# Rotating SECRET_KEY: put the old key here for a while so admin sign-ins survive (SECURITY.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "apps.core",  # first: its admin templates (language switch, Bengali font) win
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.students",
    "apps.content",
    "apps.practice",
    "apps.billing",
    "apps.ai",
    "apps.analytics",
    "apps.notify",
    "apps.outreach",
    "apps.bot",
    "apps.miniapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.health.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
]

ROOT_URLCONF = "dars.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _psycopg_check_connection() -> Any:
    from psycopg_pool import ConnectionPool

    return ConnectionPool.check_connection


WSGI_APPLICATION = "dars.wsgi.application"
ASGI_APPLICATION = "dars.asgi.application"

# sqlite:///… (the default: a file beside manage.py) or postgres://user:pass@host:port/name,
# which Django drives through psycopg 3.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if not DEBUG and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured(
        "DATABASE_URL points at SQLite, which is for a laptop only. With DEBUG=false set "
        "DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME (see README, Production)."
    )
_database = DATABASES["default"]
_database["ATOMIC_REQUESTS"] = False
# Connections (README, Production). By default in production each worker keeps its connection
# open for CONN_MAX_AGE seconds (a new PostgreSQL connection per request costs more than most
# requests), checked before reuse so a restarted database does not break the workers.
# DATABASE_POOL_SIZE=N uses psycopg's connection pool instead (N per process; for threaded
# workers). DATABASE_PGBOUNCER=true: behind PgBouncer in transaction mode (no server-side
# cursors, no prepared statements).
DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", default=0)
_database["CONN_HEALTH_CHECKS"] = True
_database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
if _database["ENGINE"].endswith("postgresql"):
    # Parameters travel apart from the SQL and psycopg prepares a statement the fifth time a
    # connection runs it, so PostgreSQL stops planning Dars's hot queries on every request
    # (planning took longer than running them). Django turns this off by default for poolers.
    _database.setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5),
    )
if DATABASE_POOL_SIZE and _database["ENGINE"].endswith("postgresql"):
    _database["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        "check": _psycopg_check_connection(),
    }
if env.bool("DATABASE_PGBOUNCER", default=False):
    # PgBouncer in transaction mode: no cursors or prepared statements across transactions
    # (PgBouncer >= 1.21 with max_prepared_statements can keep them: then leave this off).
    _database["DISABLE_SERVER_SIDE_CURSORS"] = True
    _database.setdefault("OPTIONS", {})["prepare_threshold"] = None
# Reports (the admin dashboard, the problem_stats export) may read from a streaming replica:
# only reads made inside `apps.core.routers.reports()` go there (README, Production).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_HEALTH_CHECKS": True,
        "CONN_MAX_AGE": _database["CONN_MAX_AGE"],
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["apps.core.routers.ReportsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# locmemcache:// (the default) or redis://host:port/db.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The admin login is guarded by django-axes: after AXES_FAILURE_LIMIT wrong passwords for one
# username from one client address (apps.core.clients.client_ip, so X-Forwarded-For counts only
# through trusted proxies), that pair is locked out for AXES_COOLOFF_HOURS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "apps.core.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# Lockouts are lifted with `manage.py axes_reset_username NAME` (or they expire); axes' own
# admin pages have no Bengali, and the admin is used in Bengali.
AXES_ENABLE_ADMIN = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Times are stored in UTC; TIME_ZONE is what the admin shows. Students' own days are counted in
# their own timezone (Student.timezone), not in this one.
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Dhaka")
# The default language of the admin and of pages before anyone chooses (each staff member's
# choice sticks to their account; students have their own in their profile).
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("bn", "বাংলা")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be en or bn, not {LANGUAGE_CODE!r}")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.students.auth.StudentTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.students.auth.IsStudent"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.throttling.SettingsScopedThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# The client's address: how many proxies in front of Dars append to X-Forwarded-For (0: none,
# the header is ignored; 1: one nginx or load balancer). Throttles and the admin lockout use it.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
# Largest API request body; Dars's own bodies are a few hundred bytes.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
# Requests per scope: "N/second|minute|hour|day"; empty disables that throttle.
THROTTLE_RATES = {
    "auth": env.str("THROTTLE_AUTH_RATE", default="30/minute"),
    "bot_auth": env.str("THROTTLE_BOT_AUTH_RATE", default="3000/minute"),
    "hints": env.str("THROTTLE_HINTS_RATE", default="60/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dars API",
    "DESCRIPTION": "Daily bilingual maths practice for grades 6-8: sign-in, sessions, answers, "
    'hints, streaks and progress. Every error is `{"error": {"code", "message", '
    '"details"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.close_request_bodies",
        "apps.practice.openapi.add_session_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConfidenceEnum": "apps.practice.models.Response.Confidence",
        "SessionStatusEnum": "apps.practice.models.PracticeSession.Status",
    },
}

# Telegram: the bot token verifies Mini App initData; initData older than this is refused.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_AUTH_MAX_AGE_SECONDS = env.int("TELEGRAM_AUTH_MAX_AGE_SECONDS", default=24 * 3600)
# How long a student token is valid.
STUDENT_TOKEN_TTL_SECONDS = env.int("STUDENT_TOKEN_TTL_SECONDS", default=30 * 24 * 3600)
# The Mini App's demo mode (/app/?demo=1) is for staff signed in to the admin. With this on,
# anybody who opens it practises as the one shared demo student: for development only, so
# production refuses it.
MINIAPP_OPEN_DEMO = env.bool("MINIAPP_OPEN_DEMO", default=DEBUG)
if MINIAPP_OPEN_DEMO and not DEBUG:
    raise ImproperlyConfigured(
        "MINIAPP_OPEN_DEMO=true lets anybody use the Mini App's demo student; it is for "
        "development (DEBUG=true) only. Unset it (README, Settings)."
    )

# Practice: session length, how long a seen problem is held back, target success rate, and
# the spaced review of topics (FSRS): the recall probability a review is timed for, and the
# longest gap between two reviews of a topic.
PRACTICE_SESSION_MINUTES = env.int("PRACTICE_SESSION_MINUTES", default=30)
PRACTICE_RECENT_DAYS = env.int("PRACTICE_RECENT_DAYS", default=14)
# Seconds a process reuses its list of a grade's usable problems when choosing a session's
# (a change made elsewhere is seen within this; 0 reads it for every new session).
PRACTICE_POOL_SECONDS = env.int("PRACTICE_POOL_SECONDS", default=30)
PRACTICE_TARGET_SUCCESS = env.float("PRACTICE_TARGET_SUCCESS", default=0.75)
PRACTICE_DESIRED_RETENTION = env.float("PRACTICE_DESIRED_RETENTION", default=0.9)
PRACTICE_MAX_REVIEW_DAYS = env.int("PRACTICE_MAX_REVIEW_DAYS", default=60)

# Item statistics (apps.analytics; README, "Item statistics"). Flags fire only past these.
STATS_REFRESH_SECONDS = env.int("STATS_REFRESH_SECONDS", default=3600)
STATS_SETTLE_SECONDS = env.int("STATS_SETTLE_SECONDS", default=60)
# Problems recounted per statement: each statement reads the answers table once, so fewer,
# larger batches are faster (README, Benchmarks); the results are small aggregates.
STATS_BATCH_SIZE = env.int("STATS_BATCH_SIZE", default=1000)
STATS_MIN_ATTEMPTS = env.int("STATS_MIN_ATTEMPTS", default=30)
STATS_KEY_SHARE = env.float("STATS_KEY_SHARE", default=0.3)
STATS_RATING_GAP = env.float("STATS_RATING_GAP", default=1.0)
STATS_LANGUAGE_GAP = env.float("STATS_LANGUAGE_GAP", default=0.2)
STATS_MIN_LANGUAGE_STUDENTS = env.int("STATS_MIN_LANGUAGE_STUDENTS", default=15)
STATS_MIN_HINT_ATTEMPTS = env.int("STATS_MIN_HINT_ATTEMPTS", default=10)

# Imports (admin and command): checked before any heavy work.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=10_000)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", default=50_000_000
)
IMPORT_MAX_SECONDS = env.float("IMPORT_MAX_SECONDS", default=20.0)
# The admin's import and export need their own permissions (content.import_problem, …).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# AI (Claude through the anthropic SDK). Off while ANTHROPIC_API_KEY is empty.
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="")
AI_MODEL = env.str("AI_MODEL", default="claude-haiku-4-5")
AI_TIMEOUT_SECONDS = env.float("AI_TIMEOUT_SECONDS", default=15.0)
AI_MAX_RETRIES = env.int("AI_MAX_RETRIES", default=1)
AI_HINT_MAX_TOKENS = env.int("AI_HINT_MAX_TOKENS", default=1200)
AI_JUDGE_MAX_TOKENS = env.int("AI_JUDGE_MAX_TOKENS", default=200)
# Monthly AI spend caps in USD: per student, and for the whole installation.
AI_STUDENT_MONTHLY_BUDGET_USD = Decimal(env.str("AI_STUDENT_MONTHLY_BUDGET_USD", default="0.10"))
AI_GLOBAL_MONTHLY_BUDGET_USD = Decimal(env.str("AI_GLOBAL_MONTHLY_BUDGET_USD", default="100.00"))
# A claim on an AI call (hint writing, a judgement) older than this belongs to a worker that
# died; another may take it over.
AI_CLAIM_LEASE_SECONDS = env.int("AI_CLAIM_LEASE_SECONDS", default=120)
# A problem whose hints failed to be written this many times is left to the content team (the
# admin's "AI hint generations" page can ask for another try).
AI_HINT_MAX_ATTEMPTS = env.int("AI_HINT_MAX_ATTEMPTS", default=3)

# --- Messages out (apps.notify): Telegram Bot API and Twilio SMS, through the task queue --------
# Every message Dars sends is a row (outgoing_messages) sent by the `notify.deliver` task
# (README, "Messages out"). Telegram is off while TELEGRAM_BOT_TOKEN is empty, SMS while the
# Twilio account is not set: such messages stay queued, and are sent once it is.
# The Bot API server's root (no /bot<token>): Telegram's, a local Bot API server, or a fake.
TELEGRAM_API_BASE_URL = env.str("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# The sender: a Twilio number (E.164), or a messaging service (MG…), which wins when both are set.
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
# Tries per message (a 429, a 5xx, no connection) before it is marked failed; the wait after the
# n-th try is base·2^(n-1) seconds, at most the cap (or what Telegram's 429 asks for).
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=10.0)
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=900.0)
# Seconds to wait for Telegram or Twilio (connect, read).
NOTIFY_TIMEOUT_SECONDS = env.float("NOTIFY_TIMEOUT_SECONDS", default=10.0)
# Telegram's flood limits, shared by all workers through the cache (0 turns one off).
NOTIFY_TELEGRAM_GLOBAL_PER_SECOND = env.int("NOTIFY_TELEGRAM_GLOBAL_PER_SECOND", default=30)
NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND = env.float("NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND", default=1.0)
# How often beat sends what is due again and closes claims left by a worker that died: a
# message still "sending" after NOTIFY_SENDING_LEASE_SECONDS is marked failed, not resent.
NOTIFY_SWEEP_SECONDS = env.int("NOTIFY_SWEEP_SECONDS", default=60)
NOTIFY_SENDING_LEASE_SECONDS = env.int("NOTIFY_SENDING_LEASE_SECONDS", default=300)
# SMS spend per calendar month (all SMS together); an SMS that would pass it is skipped.
NOTIFY_SMS_MONTHLY_BUDGET_USD = Decimal(env.str("NOTIFY_SMS_MONTHLY_BUDGET_USD", default="20.00"))

# --- Telegram bot (apps.bot): the webhook at /telegram/webhook/ ------------------------------
# Telegram posts every update to /telegram/webhook/ with this secret in the
# X-Telegram-Bot-Api-Secret-Token header (1-256 of A-Z a-z 0-9 _ -). Empty: the webhook is off
# (404). `manage.py telegram_setup` registers the webhook with it.
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
# The public https address of this Dars (e.g. https://dars.example.org): telegram_setup
# registers <it>/telegram/webhook/ as the webhook.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")
# The Mini App's public https URL (the bot's "Open Dars" button and menu button). Default:
# PUBLIC_BASE_URL + /app/; empty when neither is set (the bot then offers practice in the
# chat only).
MINIAPP_URL = env.str("MINIAPP_URL", default=f"{PUBLIC_BASE_URL}/app/" if PUBLIC_BASE_URL else "")
# Updates one chat may send (N/second|minute|hour|day); past that the chat is told to slow
# down and its updates are dropped until the period ends. Empty: no limit.
BOT_CHAT_RATE = env.str("BOT_CHAT_RATE", default="30/minute")
# Handled update ids are kept this long to recognise a redelivery (Telegram gives up within
# a day); the bot.prune_updates task forgets older ones.
BOT_PROCESSED_UPDATES_KEEP_DAYS = env.int("BOT_PROCESSED_UPDATES_KEEP_DAYS", default=7)

# --- Streak reminders and weekly guardian reports (apps.outreach) ---------------------------
# A student who has not practised by this local time (their Student.timezone) gets one
# reminder that day, unless they chose another time or turned reminders off (HH:MM, 24-hour).
REMINDER_DEFAULT_TIME = env.str("REMINDER_DEFAULT_TIME", default="19:00")
# How often beat looks for students due a reminder, and how many are handled per transaction.
REMINDER_CHECK_SECONDS = env.int("REMINDER_CHECK_SECONDS", default=300)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=200)
# The weekly guardian report is due from Friday at this local time (the guardian's timezone).
GUARDIAN_REPORT_LOCAL_TIME = env.str("GUARDIAN_REPORT_LOCAL_TIME", default="18:00")
GUARDIAN_REPORT_CHECK_SECONDS = env.int("GUARDIAN_REPORT_CHECK_SECONDS", default=3600)
GUARDIAN_REPORT_BATCH_SIZE = env.int("GUARDIAN_REPORT_BATCH_SIZE", default=100)
# A topic needs this many answers in the week to be named strongest or weakest.
GUARDIAN_REPORT_MIN_TOPIC_ANSWERS = env.int("GUARDIAN_REPORT_MIN_TOPIC_ANSWERS", default=3)
# A guardian link code (bot /guardian, the Mini App) is valid this long, and once.
GUARDIAN_CODE_TTL_HOURS = env.int("GUARDIAN_CODE_TTL_HOURS", default=72)

# --- Task queue (Celery) ---------------------------------------------------------------------
# Empty broker (the default): every task runs in-process when it is sent, so a laptop needs no
# broker and no worker. Production: redis://… plus `celery -A dars worker` and `celery -A dars
# beat` beside gunicorn (README, Production).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task dies with its worker -> it runs again (tasks are idempotent)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "expire-abandoned-sessions": {"task": "practice.expire_sessions", "schedule": 300.0},
    "prune-bot-updates": {"task": "bot.prune_updates", "schedule": 86400.0},
    "write-missing-hints": {"task": "ai.fill_missing_hints", "schedule": 600.0},
    "refresh-item-statistics": {
        "task": "analytics.refresh_stats",
        "schedule": float(STATS_REFRESH_SECONDS),
    },
    "send-due-messages": {"task": "notify.send_due", "schedule": float(NOTIFY_SWEEP_SECONDS)},
    "send-reminders": {
        "task": "outreach.send_reminders",
        "schedule": float(REMINDER_CHECK_SECONDS),
    },
    "send-guardian-reports": {
        "task": "outreach.send_guardian_reports",
        "schedule": float(GUARDIAN_REPORT_CHECK_SECONDS),
    },
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# whitenoise serves the admin's and the API docs' static files (run collectstatic in production).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Before `collectstatic` has run (development, tests) STATIC_ROOT does not exist yet; that is
# expected, so whitenoise's warning about it is silenced (and only that warning).
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# --- Security (production turns these on by DEBUG=false; each can be set explicitly) ---------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP

# Content-Security-Policy (django-csp) for every page Dars serves: the admin, the API docs
# (Swagger UI from the sidecar, its set-up script served as a file), JSON. No inline script
# anywhere; inline style attributes are allowed (Django's admin templates use a few).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "apps.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # LOG_FORMAT=json writes one JSON object per line (production).
            "formatter": env.str("LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes logs every successful sign-in at INFO; its lockouts (WARNING) are what matter.
    # httpx (python-telegram-bot's client) logs every request's URL, which holds the bot token.
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
