"""Outreach reads: who is due a reminder or a weekly report, and a student's week in figures."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from apps.content.models import Topic
from apps.outreach import domain
from apps.outreach.errors import LinkCodeError
from apps.outreach.models import GuardianReport, LinkCode, Reminder
from apps.practice import streaks as streak_rules
from apps.practice.clock import FALLBACK_ZONE
from apps.practice.models import Response, Streak
from apps.students.models import Guardian, GuardianStudent, Student


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called `name`, or Asia/Dhaka when the name is not one."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return FALLBACK_ZONE


def local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant `day` begins in `zone` (UTC)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _time_zones_in_use(model: type[Student] | type[Guardian]) -> list[str]:
    return sorted(model.objects.order_by().values_list("timezone", flat=True).distinct())


# --- Reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    student: Student
    local_date: dt.date
    streak: int  # the streak that ends unless the student practises today (0: none)


def students_due_reminder(*, now: dt.datetime, after_pk: int = 0, limit: int) -> list[DueReminder]:
    """Real, registered students whose reminder time (theirs, or REMINDER_DEFAULT_TIME) has
    passed today in their own time zone, who have not practised today, did not turn reminders
    off and got no reminder for today: at most `limit`, by id after `after_pk`."""
    default_time = domain.parse_local_time(settings.REMINDER_DEFAULT_TIME)
    real = Student.objects.filter(telegram_id__gt=0, grade__isnull=False)
    due: list[DueReminder] = []
    for name in _time_zones_in_use(Student):
        zone = zone_of(name)
        local_now = now.astimezone(zone)
        today, time_now = local_now.date(), local_now.time()
        chosen = Q(reminder_setting__enabled=True, reminder_setting__remind_at__lte=time_now)
        if default_time <= time_now:
            chosen |= Q(reminder_setting__isnull=True)
        answered_today = Response.objects.filter(
            session__student=OuterRef("pk"), evaluated_at__gte=local_midnight(today, zone)
        )
        rows = (
            real.filter(chosen, timezone=name, pk__gt=after_pk)
            .exclude(Exists(Reminder.objects.filter(student=OuterRef("pk"), local_date=today)))
            .exclude(
                Exists(Streak.objects.filter(student=OuterRef("pk"), last_practice_date__gte=today))
            )
            .exclude(Exists(answered_today))
            .select_related("streak")
            .order_by("pk")[:limit]
        )
        for student in rows:
            streak = getattr(student, "streak", None)
            days = streak_rules.current_streak(streak.as_state(), today) if streak else 0
            due.append(DueReminder(student=student, local_date=today, streak=days))
    due.sort(key=lambda d: d.student.pk)
    return due[:limit]


# --- Weekly guardian reports ---------------------------------------------------------------


@dataclass(frozen=True)
class DueReport:
    guardian: Guardian
    friday: dt.date


def guardians_due_report(*, now: dt.datetime, after_pk: int = 0, limit: int) -> list[DueReport]:
    """Guardians with a linked student who did not stop the reports, for whom it is past
    Friday's report time this week (their time zone) and this week's report is not recorded."""
    report_time = domain.parse_local_time(settings.GUARDIAN_REPORT_LOCAL_TIME)
    due: list[DueReport] = []
    for name in _time_zones_in_use(Guardian):
        friday = domain.report_friday(now.astimezone(zone_of(name)), report_time)
        if friday is None:
            continue
        rows = (
            Guardian.objects.filter(timezone=name, reports_stopped_at__isnull=True, pk__gt=after_pk)
            .filter(Exists(GuardianStudent.objects.filter(guardian=OuterRef("pk"))))
            .exclude(
                Exists(
                    GuardianReport.objects.filter(
                        guardian=OuterRef("pk"), week=domain.iso_week(friday)
                    )
                )
            )
            .order_by("pk")[:limit]
        )
        due.extend(DueReport(guardian=guardian, friday=friday) for guardian in rows)
    due.sort(key=lambda d: d.guardian.pk)
    return due[:limit]


@dataclass(frozen=True)
class StudentWeek:
    """One student's figures over a report's 7 days (their own calendar days)."""

    student: Student
    days_practised: int
    answered: int
    correct: int
    streak: int
    strongest: Topic | None
    weakest: Topic | None  # None when no second topic has enough answers

    @property
    def accuracy(self) -> int | None:
        return domain.accuracy_percent(self.correct, self.answered)


def student_week(
    *, student: Student, start: dt.date, end: dt.date, now: dt.datetime
) -> StudentWeek:
    """Days with an answer, answers, right answers, the streak as it stands at `now`, and the
    topics with the best and the worst share right (at least GUARDIAN_REPORT_MIN_TOPIC_ANSWERS
    answers; ties go to the topic answered more, then to the earlier topic)."""
    zone = zone_of(student.timezone)
    rows = Response.objects.filter(
        session__student=student,
        evaluated_at__gte=local_midnight(start, zone),
        evaluated_at__lt=local_midnight(end + dt.timedelta(days=1), zone),
    ).values_list("evaluated_at", "is_correct", "problem__topic_id")
    days: set[dt.date] = set()
    per_topic: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # topic -> [answers, right]
    for evaluated_at, is_correct, topic_id in rows:
        days.add(evaluated_at.astimezone(zone).date())
        per_topic[topic_id][0] += 1
        per_topic[topic_id][1] += int(is_correct)
    streak = Streak.objects.filter(student=student).first()
    today = now.astimezone(zone).date()
    current = streak_rules.current_streak(streak.as_state(), today) if streak else 0
    minimum = settings.GUARDIAN_REPORT_MIN_TOPIC_ANSWERS
    ranked = [(tid, a, r) for tid, (a, r) in per_topic.items() if a >= minimum]
    topics = Topic.objects.in_bulk([tid for tid, _, _ in ranked])
    # Best first: higher share right, then more answers, then the earlier topic.
    ranked.sort(key=lambda t: (-t[2] / t[1], -t[1], topics[t[0]].order, t[0]))
    strongest = topics[ranked[0][0]] if ranked else None
    worst = sorted(ranked, key=lambda t: (t[2] / t[1], -t[1], topics[t[0]].order, t[0]))
    weakest = topics[worst[0][0]] if len(ranked) > 1 else None
    return StudentWeek(
        student=student,
        days_practised=len(days),
        answered=sum(a for a, _ in per_topic.values()),
        correct=sum(r for _, r in per_topic.values()),
        streak=current,
        strongest=strongest,
        weakest=weakest,
    )


def guardian_students(*, guardian: Guardian) -> list[Student]:
    return list(guardian.students.order_by("pk"))


def link_code_usable(*, code: str, now: dt.datetime, for_update: bool = False) -> LinkCode:
    """The code row (locked with `for_update`), or LinkCodeError in the active language: the
    code is unknown, already used or expired."""
    normalised = domain.link_code_normalise(code)
    rows = LinkCode.objects.select_related("student").filter(code=normalised or "")
    found = (rows.select_for_update() if for_update else rows).first() if normalised else None
    if found is None:
        raise LinkCodeError(
            gettext("This code is not known. Check it, or ask the student for a new one."),
            code="link_code_unknown",
        )
    if found.used_at is not None:
        raise LinkCodeError(
            gettext("This code has already been used. Ask the student for a new one."),
            code="link_code_used",
        )
    if found.expires_at <= now:
        raise LinkCodeError(
            gettext("This code has expired. Ask the student for a new one."),
            code="link_code_expired",
        )
    return found
