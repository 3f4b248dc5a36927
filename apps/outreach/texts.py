"""What reminders and weekly reports say, in the active language (callers wrap these in
`translation.override(recipient's language)`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext

from apps.core.api import LocalizedText, localized_digits
from apps.outreach.domain import REPORT_DAYS
from apps.outreach.selectors import StudentWeek


def _n(number: int) -> str:
    return localized_digits(number)


def _topic(topic: object | None, language: str) -> str:
    return LocalizedText.pick(topic, "name", language) if topic is not None else ""


def reminder_text(*, name: str, streak: int) -> str:
    """A streak at risk, or an invitation back after a break (or to a first session)."""
    if streak > 0:
        return ngettext(
            "%(name)s, your %(days)s-day streak ends at midnight! Five problems keep it going.",
            "%(name)s, your %(days)s-day streak ends at midnight! Five problems keep it going.",
            streak,
        ) % {"name": name, "days": _n(streak)}
    return gettext(
        "%(name)s, today's five maths problems are waiting for you. Ten minutes is enough to "
        "start a new streak!"
    ) % {"name": name}


def reminder_markup() -> dict[str, Any] | None:
    """A button that opens the Mini App (MINIAPP_URL, the bot's setting), or None without one."""
    url = getattr(settings, "MINIAPP_URL", "")
    if not url:
        return None
    return {"inline_keyboard": [[{"text": gettext("Practise now"), "web_app": {"url": url}}]]}


def _day(day: dt.date) -> str:
    return f"{_n(day.day)} {MONTHS[day.month]}"


def _student_lines(week: StudentWeek, language: str) -> list[str]:
    name = week.student.name
    if week.answered == 0:
        lines = [gettext("%(name)s did not practise this week.") % {"name": name}]
    else:
        lines = [
            name,
            gettext("Days practised: %(days)s of %(total)s")
            % {"days": _n(week.days_practised), "total": _n(REPORT_DAYS)},
            gettext("Problems answered: %(count)s") % {"count": _n(week.answered)},
            gettext("Right: %(percent)s%%") % {"percent": _n(week.accuracy or 0)},
        ]
    lines.append(
        ngettext(
            "Current streak: %(days)s day",
            "Current streak: %(days)s days",
            week.streak,
        )
        % {"days": _n(week.streak)}
    )
    if week.strongest is not None:
        lines.append(
            gettext("Strongest topic: %(topic)s") % {"topic": _topic(week.strongest, language)}
        )
    if week.weakest is not None:
        lines.append(
            gettext("Needs practice: %(topic)s") % {"topic": _topic(week.weakest, language)}
        )
    return lines


def report_text(
    *, weeks: list[StudentWeek], start: dt.date, end: dt.date, language: str, test: bool = False
) -> str:
    """The weekly report for Telegram: one block per student."""
    title = gettext("Dars weekly report, %(start)s – %(end)s") % {
        "start": _day(start),
        "end": _day(end),
    }
    blocks = ["\n".join(_student_lines(week, language)) for week in weeks]
    footer = gettext("To stop these weekly reports, send /stop.")
    if test:
        title = gettext("Test report") + "\n" + title
    return "\n\n".join([title, *blocks, footer])


def report_sms(*, weeks: list[StudentWeek], language: str, test: bool = False) -> str:
    """The weekly report as a short SMS (segments cost money; a Bengali SMS is UCS-2, 70
    characters in one segment): per student the days, problems, share right, streak and the
    topic to practise."""
    parts = []
    for week in weeks:
        part = gettext(
            "%(name)s: %(days)s/%(total)s days, %(count)s problems, %(percent)s%% right, "
            "streak %(streak)s"
        ) % {
            "name": week.student.name,
            "days": _n(week.days_practised),
            "total": _n(REPORT_DAYS),
            "count": _n(week.answered),
            "percent": _n(week.accuracy or 0),
            "streak": _n(week.streak),
        }
        if week.weakest is not None:
            part += ". " + gettext("Practise: %(topic)s") % {
                "topic": _topic(week.weakest, language)
            }
        parts.append(part)
    prefix = gettext("Dars test") if test else gettext("Dars")
    return f"{prefix}: " + "; ".join(parts) + ". " + gettext("STOP to end")
