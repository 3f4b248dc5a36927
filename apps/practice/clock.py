"""Students' own calendar days."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from apps.students.models import Student

FALLBACK_ZONE = zoneinfo.ZoneInfo("Asia/Dhaka")


def local_date(student: Student, at: dt.datetime) -> dt.date:
    """The student's calendar date at `at` (their timezone; Asia/Dhaka if it is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(student.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = FALLBACK_ZONE
    return at.astimezone(zone).date()
