"""The Content-Security-Policy holds in a real browser: every page Dars serves to a person (the
admin the content team works in, the API docs) runs with no policy violation: no blocked
script, style, image, font or request. Screenshots go to `screenshots/`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from apps.content.models import Problem
from apps.students.models import Student
from tests.browser import needs_chromium, screenshot

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

# Recorded by the page itself, before any of its scripts run.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
));
"""


def _watched_page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(f"{message.text} on {page.url} {message.location}")
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            console.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return page, console


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp"))


def test_admin_and_api_docs_run_without_a_policy_violation(
    browser, live_server, admin_user, library
):
    call_command("seed_demo", students=2, days=5, verbosity=0)
    problem = Problem.objects.filter(answer_type="multiple_choice").order_by("pk").first()
    assert problem is not None
    student = Student.objects.order_by("pk").first()
    assert student is not None
    page, console = _watched_page(browser)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    found = {"login": _violations(page)}
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    screens = {
        "index": "/admin/",
        "problem-list": "/admin/content/problem/?o=1",
        "problem-change": f"/admin/content/problem/{problem.pk}/change/",
        "problem-add": "/admin/content/problem/add/",
        "problem-history": f"/admin/content/problem/{problem.pk}/history/",
        "import": "/admin/content/problem/import/",
        "export": "/admin/content/problem/export/",
        "topics": "/admin/content/topic/",
        "student": f"/admin/students/student/{student.pk}/change/",
        "cost-report": "/admin/billing/costrecord/report/",
        "users": "/admin/auth/user/",
        "api-docs": "/api/docs/",
    }
    for name, url in screens.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, (name, response)
        assert "script-src 'self'" in response.headers["content-security-policy"], name
        if name == "problem-add":
            # The form's own script runs under the policy: the answer type shows its fields.
            assert not page.locator("fieldset.dars-options").is_visible()
            page.check('input[name="answer_type"][value="multiple_choice"]')
            assert page.locator("fieldset.dars-options").is_visible()
        if name == "problem-list":
            page.fill("#searchbar", "ত্রিভুজ")  # the admin's own scripts (search, actions)
            page.press("#searchbar", "Enter")
            page.wait_for_load_state()
        if name == "api-docs":
            page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        screenshot(page, f"csp-{name}")
        found[name] = _violations(page)

    assert found == {name: [] for name in found}
    assert console == []
