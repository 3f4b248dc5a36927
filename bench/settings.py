"""Settings for the throughput benchmark's server: production settings plus the benchmark-only
baseline routes of bench/urls.py (production's URLconf never includes them)."""

from dars.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
