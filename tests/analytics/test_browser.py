"""The dashboard and a problem's statistics panel in a real headless browser (Debian's
chromium through Playwright), in English and in Bengali: charts present and drawn (their bars
have a size on the page), screenshots in `screenshots/` (README)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.billing.models import CostRecord
from tests.browser import admin_page, needs_chromium, screenshot

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def _drawn_bars(page, selector: str) -> int:
    """Bars of the chart at `selector` that the browser actually laid out with a size."""
    return page.eval_on_selector_all(
        f"{selector} rect",
        "rects => rects.filter(r => { const b = r.getBoundingClientRect();"
        " return b.width > 0 && b.height > 0; }).length",
    )


@pytest.mark.parametrize("language", ["en", "bn"])
def test_dashboard_and_statistics_panel_are_drawn(
    browser, live_server, admin_user, library, wrong_key_problem, settings, language
):
    settings.STATS_SETTLE_SECONDS = 0
    call_command("seed_demo", students=25, days=30, active_rate=0.7, seed=4, verbosity=0)
    for days_ago in range(0, 30, 3):
        CostRecord.objects.create(
            provider="claude",
            operation="hint_generation",
            model="claude-haiku-4-5",
            cost_usd=Decimal("0.002") * (days_ago + 1),
            recorded_at=timezone.now() - dt.timedelta(days=days_ago),
        )
    call_command("refresh_stats", stdout=io.StringIO())

    page = admin_page(browser, live_server, None if language == "en" else language)
    assert page.locator("html").get_attribute("lang") == language

    page.goto(f"{live_server.url}/admin/")
    for chart in ("active", "sessions", "accuracy", "spend"):
        assert _drawn_bars(page, f"#chart-{chart}") == 30, chart
    assert _drawn_bars(page, "#chart-streaks") == 5
    assert page.locator("#dars-attention tbody tr").count() >= 1
    screenshot(page, f"analytics-{language}-dashboard")

    page.goto(f"{live_server.url}/admin/content/problem/{wrong_key_problem.pk}/change/")
    panel = page.locator("#dars-statistics")
    panel.scroll_into_view_if_needed()
    assert panel.is_visible()
    assert _drawn_bars(page, "#dars-statistics") >= 4  # per language and per hint level
    assert page.locator("#dars-wrong-answers tbody tr").count() >= 1
    panel.screenshot(path=str(screenshot(page, f"analytics-{language}-problem-page")))
    page.goto(f"{live_server.url}/admin/analytics/problemstats/?flag=any")
    screenshot(page, f"analytics-{language}-needs-attention")
    page.goto(f"{live_server.url}/admin/content/problem/?flag=any")
    screenshot(page, f"analytics-{language}-problem-list")
