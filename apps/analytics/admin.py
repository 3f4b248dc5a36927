"""Item statistics in the content studio: sortable columns and flag filters on the problem and
topic lists, a statistics panel on each problem's page, and the "needs attention" list.

The content app's admin classes are extended here (the statistics live above the content app
in the layers) and registered again in their place. Every page reads the `problem_stats`
rollup, never the responses, so its queries do not grow with the number of answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, NullIf
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.analytics import itemstats, services, tasks
from apps.analytics.models import ProblemStats, StatsRefresh
from apps.content.admin import ProblemAdmin, TopicAdmin, feedback_add_url
from apps.content.domain import seed_rating
from apps.content.models import Problem, Topic
from apps.core.admin_tools import ReadOnlyAdminMixin
from apps.core.errors import Conflict

FLAG_LABELS = {
    "key": _("Key may be wrong"),
    "harder": _("Harder than labelled"),
    "easier": _("Easier than labelled"),
    "language": _("Language gap"),
    "unanswered": _("Never answered"),
    "hints": _("Hints never help"),
}
FLAG_HELP = {
    "key": _(
        "One wrong answer is given in at least %(share)s of the attempts (with %(attempts)s "
        "attempts or more): students may be right and the key wrong."
    ),
    "harder": _(
        "The learned difficulty is at least %(gap)s above what the authored difficulty "
        "suggests (after %(attempts)s rated answers)."
    ),
    "easier": _(
        "The learned difficulty is at least %(gap)s below what the authored difficulty "
        "suggests (after %(attempts)s rated answers)."
    ),
    "language": _(
        "Facility in English and in Bengali differ by %(language_gap)s or more: check the "
        "translation."
    ),
    "unanswered": _("Active, and no student has answered it yet."),
    "hints": _(
        "Answers given after all three hints are right no more often than answers given "
        "with none: the hints do not help."
    ),
}


def flag_help(name: str) -> str:
    limits = services.thresholds()
    return str(FLAG_HELP[name]) % {
        "share": percent(limits.key_share),
        "attempts": limits.min_attempts,
        "gap": number_format(limits.rating_gap, 1),
        "language_gap": percent(limits.language_gap),
    }


def percent(value: float | None) -> str:
    return "—" if value is None else f"{number_format(100 * value, 0)}%"


def decimal(value: float | None, places: int = 2) -> str:
    return "—" if value is None else number_format(value, places)


def flag_names(stats: ProblemStats | None) -> list[str]:
    if stats is None:
        return []
    return [name for name in itemstats.FLAGS if getattr(stats, f"flag_{name}")]


class StatsFlagFilter(admin.SimpleListFilter):
    title = _("statistics")
    parameter_name = "flag"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [("any", _("Needs attention (any flag)")), *FLAG_LABELS.items()]

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        prefix = "stats__" if queryset.model is Problem else ""
        if value == "any":
            return queryset.filter(**{f"{prefix}needs_attention": True})
        if value in FLAG_LABELS:
            return queryset.filter(**{f"{prefix}flag_{value}": True})
        return queryset


class StatsColumns:
    """Columns shared by the problem list and the needs-attention list; `_stats(obj)` gives
    the row's `ProblemStats` (or None before the first refresh)."""

    def _stats(self, obj: Any) -> ProblemStats | None:
        raise NotImplementedError

    @admin.display(description=_("attempts"), ordering="stats__attempts")
    def attempts(self, obj: Any) -> str:
        stats = self._stats(obj)
        return number_format(stats.attempts) if stats else "—"

    @admin.display(description=_("facility"), ordering="stats__facility")
    def facility(self, obj: Any) -> str:
        stats = self._stats(obj)
        return percent(stats.facility if stats else None)

    @admin.display(description=_("discrimination"), ordering="stats__discrimination")
    def discrimination(self, obj: Any) -> str:
        stats = self._stats(obj)
        return decimal(stats.discrimination if stats else None)

    @admin.display(description=_("flags"))
    def flags(self, obj: Any) -> SafeString:
        names = flag_names(self._stats(obj))
        if not names:
            return format_html("{}", "")
        return format_html(
            '<span class="dars-over">{}</span>',
            ", ".join(str(FLAG_LABELS[name]) for name in names),
        )


class ProblemWithStatsAdmin(StatsColumns, ProblemAdmin):
    list_display = [
        *ProblemAdmin.list_display,
        "attempts",
        "facility",
        "discrimination",
        "learned_difficulty",
        "flags",
    ]
    list_filter = [*ProblemAdmin.list_filter, StatsFlagFilter]
    list_select_related = [*ProblemAdmin.list_select_related, "stats"]

    def _stats(self, obj: Any) -> ProblemStats | None:
        return getattr(obj, "stats", None)

    @admin.display(description=_("learned difficulty"), ordering="rating")
    def learned_difficulty(self, obj: Problem) -> str:
        return decimal(obj.rating)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, Any]]:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        titles = [str(title) for title, _options in fieldsets]
        at = titles.index(str(_("Hint status"))) if str(_("Hint status")) in titles else None
        panel = (_("How students answer it"), {"fields": ["statistics_panel"]})
        return [*fieldsets[:at], panel, *fieldsets[at:]] if at is not None else [*fieldsets, panel]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "statistics_panel"]

    @admin.display(description=_("statistics"))
    def statistics_panel(self, obj: Problem) -> SafeString:
        stats = ProblemStats.objects.filter(problem=obj).first()
        return render_to_string(
            "admin/analytics/statistics_panel.html", statistics_context(obj, stats)
        )


def statistics_context(problem: Problem, stats: ProblemStats | None) -> dict[str, Any]:
    """What the statistics panel shows for one problem (rows already formatted)."""
    if stats is None:
        return {"stats": None}
    current = stats.current or {}
    figures = [
        (_("attempts"), number_format(stats.attempts), number_format(current.get("attempts", 0))),
        (_("students"), number_format(stats.students), number_format(current.get("students", 0))),
        (_("facility"), percent(stats.facility), percent(current.get("facility"))),
        (
            _("discrimination"),
            decimal(stats.discrimination),
            decimal(current.get("discrimination")),
        ),
        (_("mean hints"), decimal(stats.mean_hints), decimal(current.get("mean_hints"))),
        (
            _("answered with no hint"),
            percent(stats.no_hint_share),
            percent(current.get("no_hint_share")),
        ),
        (
            _("median time (seconds)"),
            decimal(stats.median_seconds, 0),
            decimal(current.get("median_seconds"), 0),
        ),
    ]
    languages = []
    for code, label in (("bn", _("Bengali")), ("en", _("English"))):
        attempts = getattr(stats, f"attempts_{code}")
        share = attempts / stats.attempts if stats.attempts else None
        facility = getattr(stats, f"facility_{code}")
        languages.append(
            {
                "label": label,
                "attempts": number_format(attempts),
                "share": percent(share),
                "facility": percent(facility),
                "width": round(100 * (facility or 0), 1),
            }
        )
    hints = []
    for level in itemstats.HINT_LEVELS:
        attempts, correct = stats.by_hints.get(str(level), (0, 0))
        facility = correct / attempts if attempts else None
        hints.append(
            {
                "level": level,
                "attempts": number_format(attempts),
                "facility": percent(facility),
                "width": round(100 * (facility or 0), 1),
            }
        )
    authored = {item["form"]: item for item in stats.feedback}
    wrong = [
        {
            "answer": item["answer"],
            "example": item["example"],
            "count": number_format(item["count"]),
            "share": percent(item["share"]),
            "has_feedback": item["answer"] in authored,
            "feedback_url": feedback_add_url(problem.pk, item["example"]),
        }
        for item in stats.top_wrong
    ]
    feedback = [
        {
            "answer": item["answer"],
            "fired": number_format(item["fired"]),
            "next_attempts": number_format(item["next_attempts"]),
            "next_facility": percent(item["next_facility"]),
        }
        for item in stats.feedback
    ]
    return {
        "stats": stats,
        "figures": figures,
        "version": stats.version,
        "rating": decimal(problem.rating),
        "seed_rating": decimal(seed_rating(problem.difficulty)),
        "rated_answers": number_format(problem.rated_answers),
        "difficulty": problem.get_difficulty_display(),
        "languages": languages,
        "hints": hints,
        "wrong": wrong,
        "feedback": feedback,
        "flags": [(FLAG_LABELS[name], flag_help(name)) for name in flag_names(stats)],
        "refreshed_at": stats.refreshed_at,
    }


class TopicWithStatsAdmin(TopicAdmin):
    list_display = [
        *TopicAdmin.list_display,
        "attempts",
        "facility",
        "discrimination",
        "needing_attention",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                topic_attempts=Sum("problems__stats__attempts"),
                topic_students=Sum("problems__stats__students"),
                topic_first_correct=Sum("problems__stats__first_correct"),
                topic_facility=Cast(F("topic_first_correct"), FloatField())
                / NullIf(F("topic_students"), 0),
                # Mean over the topic's problems, weighted by their students.
                topic_discrimination=Sum(
                    F("problems__stats__discrimination") * F("problems__stats__students"),
                    filter=Q(problems__stats__discrimination__isnull=False),
                )
                / NullIf(
                    Sum(
                        "problems__stats__students",
                        filter=Q(problems__stats__discrimination__isnull=False),
                    ),
                    0,
                ),
                topic_attention=Count("problems", filter=Q(problems__stats__needs_attention=True)),
            )
        )

    @admin.display(description=_("attempts"), ordering="topic_attempts")
    def attempts(self, obj: Topic) -> str:
        return number_format(getattr(obj, "topic_attempts", None) or 0)

    @admin.display(description=_("facility"), ordering="topic_facility")
    def facility(self, obj: Topic) -> str:
        return percent(getattr(obj, "topic_facility", None))

    @admin.display(
        description=_("discrimination (mean, weighted by students)"),
        ordering="topic_discrimination",
    )
    def discrimination(self, obj: Topic) -> str:
        return decimal(getattr(obj, "topic_discrimination", None))

    @admin.display(description=_("needing attention"), ordering="topic_attention")
    def needing_attention(self, obj: Topic) -> SafeString:
        count = int(getattr(obj, "topic_attention", 0) or 0)
        if not count:
            return format_html("{}", "0")
        url = reverse("admin:content_problem_changelist")
        query = urlencode({"topic": obj.code, "flag": "any"})
        return format_html('<a href="{}?{}">{}</a>', url, query, number_format(count))


@admin.register(ProblemStats)
class ProblemStatsAdmin(ReadOnlyAdminMixin, StatsColumns, admin.ModelAdmin):
    """The "needs attention" page: problems by what their answers suggest is wrong."""

    list_display = [
        "problem_link",
        "flags",
        "attempts",
        "facility",
        "discrimination",
        "learned_vs_authored",
        "facility_en_bn",
        "refreshed_at",
    ]
    list_filter = [StatsFlagFilter]
    list_select_related = ["problem"]
    ordering = ["-needs_attention", "-attempts"]
    search_fields = ["problem__code", "problem__question_en", "problem__question_bn"]
    change_list_template = "admin/analytics/problemstats/change_list.html"

    def _stats(self, obj: Any) -> ProblemStats | None:
        return obj

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("content.view_problem") or super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("problem"), ordering="problem__code")
    def problem_link(self, obj: ProblemStats) -> SafeString:
        url = reverse("admin:content_problem_change", args=[obj.problem_id])
        return format_html('<a href="{}">{}</a>', url, obj.problem.code)

    @admin.display(description=_("learned / authored difficulty"), ordering="problem__rating")
    def learned_vs_authored(self, obj: ProblemStats) -> str:
        return f"{decimal(obj.problem.rating)} / {decimal(seed_rating(obj.problem.difficulty))}"

    @admin.display(description=_("facility (বাংলা / English)"))
    def facility_en_bn(self, obj: ProblemStats) -> str:
        return f"{percent(obj.facility_bn)} / {percent(obj.facility_en)}"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {
            "flag_help": [(FLAG_LABELS[name], flag_help(name)) for name in itemstats.FLAGS],
            "last_refresh": StatsRefresh.objects.order_by("-id").first(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def get_urls(self) -> list[URLPattern]:
        refresh = path(
            "refresh/",
            self.admin_site.admin_view(self.refresh_view),
            name="analytics_problemstats_refresh",
        )
        return [refresh, *super().get_urls()]

    def refresh_view(self, request: HttpRequest) -> HttpResponse:
        """Refresh now (POST): on a server the worker does it (and beat every few minutes);
        without a broker (a laptop) it runs here, at once."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        if settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                result = services.stats_refresh()
            except Conflict:
                messages.warning(
                    request,
                    gettext("A refresh is already running; its figures appear when it ends."),
                )
            else:
                messages.success(
                    request,
                    gettext("Statistics refreshed: %(count)s problems recounted.")
                    % {"count": result.problems_touched},
                )
        else:
            tasks.refresh_stats.delay()
            messages.info(request, gettext("The refresh was sent to the worker."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:analytics_problemstats_changelist")
        return HttpResponseRedirect(target)


admin.site.unregister(Problem)
admin.site.register(Problem, ProblemWithStatsAdmin)
admin.site.unregister(Topic)
admin.site.register(Topic, TopicWithStatsAdmin)
# The admin index opens with the dashboard (templatetags/dashboard.py).
admin.site.index_template = "admin/analytics/index.html"
