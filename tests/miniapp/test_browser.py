"""The Mini App in a real headless browser (Debian's chromium, driven by Playwright) at a small
phone's size (360 × 640): a student signs in with initData signed as Telegram signs it,
registers and practises a whole session in Bengali; a staff member tries it as their demo
student. No Content-Security-Policy violation anywhere. Screenshots of every screen go to
`screenshots/miniapp-*.png` (README)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User

from apps.content.models import Hint, Problem, ProblemOption, Topic
from apps.content.services import problem_feedback_add
from apps.practice.models import PracticeSession, Response
from apps.students.models import Student
from tests.browser import needs_chromium, screenshot
from tests.telegram_signing import signed_init_data

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

BOT_TOKEN = "123456:TEST-miniapp-token"
PHONE = {"width": 360, "height": 640}
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")

# Recorded by the page itself, before any of its scripts run (as tests/core/test_csp_browser.py).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
));
"""

DOUBLE_CLICK_CHECK = "() => { const b = document.querySelector('#check'); b.click(); b.click(); }"
QUESTIONS = {
    "numeric": "একটি বাক্সে ১২টি কলম আছে। এমন ৩টি বাক্সে মোট কতটি কলম?",
    "mcq": "কোন সংখ্যাটি মৌলিক?",
    "fraction": "একটি কেকের ৮ ভাগের ৬ ভাগ খাওয়া হয়েছে। লঘিষ্ঠ আকারে কত অংশ খাওয়া হয়েছে?",
    "hinted": "৪ × ৬ কত?",
    "text": "তিনটি বাহু দিয়ে ঘেরা আকৃতির নাম কী?",
}
FEEDBACK_BN = "তুমি সংখ্যা দুটি যোগ করেছ; প্রশ্নে গুণফল চাওয়া হয়েছে।"
EXPLANATION_BN = "৪ × ৬ = ২৪, কারণ ৪ কে ৬ বার যোগ করলে ২৪ হয়।"


def _library() -> None:
    """Exactly five grade-7 problems, one of each kind the test answers, so the session (five
    problems) must hold all of them, in whatever order it chooses."""
    topics = [
        Topic.objects.create(
            grade=7, code=f"g7-mini-{n}", name_en=en, name_bn=bn, order=n, outcome_code=""
        )
        for n, (en, bn) in enumerate(
            [("Multiplication", "গুণ"), ("Fractions", "ভগ্নাংশ"), ("Shapes", "আকৃতি")]
        )
    ]

    def problem(code: str, topic: Topic, **fields: Any) -> Problem:
        made = Problem.objects.create(code=code, topic=topic, difficulty=1, **fields)
        Hint.objects.bulk_create(
            Hint(problem=made, level=level, text_en=f"Hint {level}.", text_bn=bn)
            for level, bn in (
                (1, "প্রতিটি বাক্সে কতটি আছে, আর কতটি বাক্স?"),
                (2, "গুণ করো।"),
                (3, "প্রায় উত্তর: ১২ × ৩।"),
            )
        )
        return made

    problem(
        "g7-mini-numeric",
        topics[0],
        answer_type="numeric",
        answer="36",
        question_en="A box holds 12 pens. How many pens are in 3 such boxes?",
        question_bn=QUESTIONS["numeric"],
        explanation_en="12 × 3 = 36.",
        explanation_bn="১২ × ৩ = ৩৬।",
    )
    hinted = problem(
        "g7-mini-hinted",
        topics[0],
        answer_type="numeric",
        answer="24",
        question_en="What is 4 × 6?",
        question_bn=QUESTIONS["hinted"],
        explanation_en="4 × 6 = 24: add 4 six times.",
        explanation_bn=EXPLANATION_BN,
    )
    mcq = problem(
        "g7-mini-mcq",
        topics[1],
        answer_type="multiple_choice",
        answer="C",
        question_en="Which number is prime?",
        question_bn=QUESTIONS["mcq"],
        explanation_en="7 has no divisor but 1 and itself.",
        explanation_bn="৭ এর ১ ও ৭ ছাড়া কোনো গুণনীয়ক নেই।",
    )
    ProblemOption.objects.bulk_create(
        ProblemOption(problem=mcq, label=label, text_en=en, text_bn=bn)
        for label, en, bn in (
            ("A", "9", "৯"),
            ("B", "15", "১৫"),
            ("C", "7", "৭"),
            ("D", "21", "২১"),
        )
    )
    problem(
        "g7-mini-fraction",
        topics[1],
        answer_type="fraction",
        answer="3/4",
        simplest_form=True,
        question_en="6 of a cake's 8 parts were eaten. What part was eaten, in lowest terms?",
        question_bn=QUESTIONS["fraction"],
        explanation_en="6/8 = 3/4 (divide both by 2).",
        explanation_bn="৬/৮ = ৩/৪ (দুটিকেই ২ দিয়ে ভাগ করো)।",
    )
    problem(
        "g7-mini-text",
        topics[2],
        answer_type="text",
        answer="triangle",
        answer_bn="ত্রিভুজ",
        question_en="What is a shape with three sides called?",
        question_bn=QUESTIONS["text"],
        explanation_en="Three sides make a triangle.",
        explanation_bn="তিন বাহুর আকৃতি ত্রিভুজ।",
    )
    problem_feedback_add(
        problem_id=hinted.pk,
        answer="10",
        message_en="You added the numbers; the question asks for the product.",
        message_bn=FEEDBACK_BN,
    )


def _phone(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/answers/" not in r.url
            else None
        ),
    )
    return page, problems


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp"))


def _keys(page: Any, text: str) -> None:
    for key in text:
        page.click(f'.keypad [data-key="{key}"]')


def _enter_right_answer(page: Any, problem: Problem, language: str) -> None:
    """Enter the right answer to the problem on screen as a student would: the option's
    letter, the fraction's two parts, the number on the keypad, the word typed."""
    if problem.answer_type == "multiple_choice":
        letter = "ABCD".index(problem.answer)
        page.click(f'.option[data-label="{("ABCD" if language == "en" else "কখগঘ")[letter]}"]')
    elif problem.answer_type == "fraction":
        numerator, denominator = problem.answer.split("/")
        page.click("#numerator")
        _keys(page, numerator)
        page.click("#denominator")
        _keys(page, denominator)
    elif problem.answer_type == "text":
        page.fill("#answer", problem.answer_bn if language == "bn" else problem.answer)
    else:
        _keys(page, problem.answer)
        shown = problem.answer.translate(BENGALI) if language == "bn" else problem.answer
        assert page.locator("#answer").input_value() == shown


def _register_and_answer_the_first_problem(page: Any) -> None:
    """From the registration form (a class chosen), on to today's first problem, answered
    right in Bengali."""
    page.click("form.profile button[type=submit]")
    page.click("#start")
    page.wait_for_selector("h1.question")
    question = page.locator("h1.question").inner_text()
    _enter_right_answer(page, Problem.objects.get(question_bn=question), "bn")
    _check_and_see_verdict(page)


def _which(page: Any) -> str:
    question = page.locator("h1.question").inner_text().strip()
    return next(kind for kind, text in QUESTIONS.items() if text == question)


def _check_and_see_verdict(page: Any) -> None:
    page.click("#check")
    page.wait_for_selector(".verdict")


def test_a_student_signs_in_registers_and_practises_a_whole_session_in_bengali(
    browser, live_server, settings
):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    _library()
    init_data = signed_init_data(
        {"id": 424242, "first_name": "Nusrat", "language_code": "bn"}, BOT_TOKEN
    )
    page, problems = _phone(browser)
    answer_requests: list[str] = []
    page.on(
        "request",
        lambda r: (
            answer_requests.append(r.post_data or "") if r.url.endswith("/answers/") else None
        ),
    )

    # Telegram passes initData in the fragment (no telegram-web-app.js is loaded).
    page.goto(f"{live_server.url}/app/#tgWebAppData={quote(init_data)}&tgWebAppVersion=7.0")
    page.wait_for_selector("form.profile")
    student = Student.objects.get(telegram_id=424242)
    assert not student.registered and page.locator("#name").input_value() == "Nusrat"
    page.fill("#name", "নুসরাত")
    page.check('input[name="grade"][value="7"]')
    assert page.locator('input[name="language"][value="bn"]').is_checked()
    screenshot(page, "miniapp-bn-register")
    page.click("form.profile button[type=submit]")

    page.wait_for_selector("#start")
    student.refresh_from_db()
    assert (student.name, student.grade, student.language) == ("নুসরাত", 7, "bn")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert "নুসরাত" in page.locator("main h1").inner_text()
    screenshot(page, "miniapp-bn-home")
    page.click("#start")

    seen = []
    for position in range(1, 6):
        page.wait_for_selector("h1.question")
        assert page.locator(".position").inner_text().endswith(f"{position}/5".translate(BENGALI))
        kind = _which(page)
        seen.append(kind)
        if kind == "numeric":
            # The keypad shows Bengali digits and types them.
            assert page.locator('.keypad [data-key="3"]').inner_text() == "৩"
            _keys(page, "36")
            assert page.locator("#answer").input_value() == "৩৬"
            screenshot(page, "miniapp-bn-numeric")
            # Two clicks at once send one answer: the button is disabled while it is on its way.
            sent = len(answer_requests)
            page.evaluate(DOUBLE_CLICK_CHECK)
            page.wait_for_selector(".verdict.right")
            assert len(answer_requests) == sent + 1
            assert page.locator(".facts .right").inner_text() == "৩৬"
        elif kind == "mcq":
            letters = page.locator(".option .letter").all_inner_texts()
            assert letters == ["ক", "খ", "গ", "ঘ"]
            page.click('.option[data-label="গ"]')
            assert page.locator('.option[data-label="গ"]').get_attribute("aria-pressed") == "true"
            screenshot(page, "miniapp-bn-mcq")
            _check_and_see_verdict(page)
            assert page.locator(".verdict.right").count() == 1
        elif kind == "fraction":
            page.click("#numerator")
            _keys(page, "6")
            page.click("#denominator")
            _keys(page, "8")
            page.click("#check")
            # Not in lowest terms: "try again" with the server's message, the entry kept.
            page.wait_for_selector(".answer .notice")
            assert page.locator("#numerator").input_value() == "৬"
            assert page.locator("#denominator").input_value() == "৮"
            screenshot(page, "miniapp-bn-fraction")
            page.click("#numerator")
            _keys(page, "-")  # the sign key toggles a minus, and again takes it off
            assert page.locator("#numerator").input_value() == "-৬"
            _keys(page, "-")
            page.click('.keypad [data-key="back"]')
            _keys(page, "3")
            page.click("#denominator")
            page.click('.keypad [data-key="back"]')
            _keys(page, "4")
            _check_and_see_verdict(page)
            assert page.locator(".verdict.right").count() == 1
        elif kind == "hinted":
            page.click("#hint")
            page.wait_for_selector(".hint")
            assert "প্রতিটি বাক্সে" in page.locator(".hint").inner_text()
            assert "২" in page.locator("#hint").inner_text()  # two hints left
            screenshot(page, "miniapp-bn-hint")
            _keys(page, "10")
            _check_and_see_verdict(page)
            verdict = page.locator("main").inner_text()
            assert page.locator(".verdict.wrong").count() == 1
            assert "১০" in page.locator(".facts .given").inner_text()
            assert page.locator(".facts .right").inner_text() == "২৪"
            assert FEEDBACK_BN in verdict and EXPLANATION_BN in verdict
            screenshot(page, "miniapp-bn-wrong")
        else:
            page.fill("#answer", "ত্রিভুজ")
            screenshot(page, "miniapp-bn-text")
            _check_and_see_verdict(page)
            assert page.locator(".verdict.right").count() == 1
        page.click("#next")

    assert sorted(seen) == sorted(QUESTIONS)
    page.wait_for_selector(".score")
    summary = page.locator("main").inner_text()
    assert "৪" in page.locator(".score").inner_text()  # 4 of 5 right
    assert page.locator(".streak .big").inner_text() == "১"
    screenshot(page, "miniapp-bn-summary")
    session = PracticeSession.objects.get(student=student)
    assert session.status == "completed" and session.problems_correct == 4
    assert Response.objects.filter(session=session).count() == 5
    hinted = Response.objects.get(session=session, problem__code="g7-mini-hinted")
    assert (hinted.hints_used, hinted.feedback is not None) == (1, True)
    assert summary

    page.click('nav [data-tab="progress"]')
    page.wait_for_selector(".topics")
    assert page.locator(".topic").count() == 3
    assert "গুণ" in page.locator(".topics").inner_text()
    screenshot(page, "miniapp-bn-progress")

    page.click('nav [data-tab="history"]')
    page.wait_for_selector(".calendar")
    assert page.locator(".calendar .day").count() == 35
    assert page.locator(".calendar .day.practised").count() == 1
    mistakes = page.locator(".mistakes").inner_text()
    assert QUESTIONS["hinted"] in mistakes and FEEDBACK_BN in mistakes
    page.click(".mistakes details summary")
    assert EXPLANATION_BN in page.locator(".mistakes").inner_text()
    screenshot(page, "miniapp-bn-history")

    # English, on the student's choice, without a reload: the interface and the content.
    page.click("#language-switch")
    page.wait_for_selector("html[lang=en]", state="attached")
    page.wait_for_selector("text=What is 4 × 6?")
    student.refresh_from_db()
    assert student.language == "en"
    assert page.locator(".facts .right").first.inner_text() == "24"
    screenshot(page, "miniapp-en-history")
    page.click('nav [data-tab="progress"]')
    page.wait_for_selector("text=Multiplication")
    screenshot(page, "miniapp-en-progress")
    page.click('nav [data-tab="settings"]')
    page.wait_for_selector("form.profile")
    screenshot(page, "miniapp-en-settings")

    assert _violations(page) == []
    assert problems == []


def test_a_student_practises_in_english_with_the_same_screens(browser, live_server, settings):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    _library()
    Student.objects.create(telegram_id=515151, name="Rafiq", grade=7, language="en")
    init_data = signed_init_data({"id": 515151, "first_name": "Rafiq"}, BOT_TOKEN)
    page, problems = _phone(browser)

    page.goto(f"{live_server.url}/app/#tgWebAppData={quote(init_data)}")
    page.wait_for_selector("#start")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "miniapp-en-home")
    page.click("#start")
    shots = {"numeric": "keypad", "mcq": "mcq", "fraction": "fraction", "hinted": "hint"}
    for _ in range(5):
        page.wait_for_selector("h1.question")
        question = page.locator("h1.question").inner_text()
        problem = Problem.objects.get(question_en=question)
        kind = next(k for k, v in QUESTIONS.items() if v == problem.question_bn)
        if kind == "mcq":
            assert page.locator(".option .letter").all_inner_texts() == ["A", "B", "C", "D"]
            page.click('.option[data-label="A"]')  # wrong, to see the verdict in English
        else:
            if kind == "hinted":
                page.click("#hint")
                page.wait_for_selector(".hint")
            _enter_right_answer(page, problem, "en")
        if kind in shots:
            screenshot(page, f"miniapp-en-{shots[kind]}")
        _check_and_see_verdict(page)
        if kind == "mcq":
            assert "C) 7" in page.locator(".facts .right").inner_text()
            screenshot(page, "miniapp-en-wrong")
        page.click("#next")
    page.wait_for_selector(".score")
    screenshot(page, "miniapp-en-summary")
    assert _violations(page) == []
    assert problems == []


def test_a_staff_member_tries_the_mini_app_as_their_demo_student(browser, live_server, settings):
    settings.MINIAPP_OPEN_DEMO = False
    _library()
    staff = User.objects.create_user("nasrin", password="pw-for-tests", is_staff=True)
    page, problems = _phone(browser)
    api_cookies: list[str] = []
    page.on(
        "request",
        lambda r: api_cookies.append(r.url) if "/api/" in r.url and "cookie" in r.headers else None,
    )

    # Anonymous: the demo mode sends to the admin's sign-in first.
    page.goto(f"{live_server.url}/app/?demo=1")
    page.wait_for_url("**/admin/login/**")
    assert Student.objects.count() == 0
    page.fill("#id_username", "nasrin")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/app/?demo=1")

    page.wait_for_selector("form.profile")
    assert page.locator("#demo-banner").is_visible()
    demo = Student.objects.get(demo_of=staff)
    assert demo.telegram_id == -staff.pk and demo.is_demo
    page.check('input[name="grade"][value="7"]')
    screenshot(page, "miniapp-bn-demo")
    _register_and_answer_the_first_problem(page)

    answer = Response.objects.get()
    assert answer.session.student == demo and answer.is_correct
    assert api_cookies == []  # the token alone: the admin's session cookie never goes along
    assert _violations(page) == []
    assert problems == []

    # From the admin, the link in the user tools opens the same demo student.
    page.goto(f"{live_server.url}/admin/")
    page.click("#dars-try-miniapp")
    page.wait_for_selector("#start")
    assert Student.objects.filter(telegram_id__lt=0).count() == 1


def test_an_answer_whose_reply_is_lost_is_sent_again_and_counted_once(
    browser, live_server, settings
):
    """A slow or broken connection: the first answer reaches Dars but its reply is lost, and
    the next request fails outright. The page sends the identical answer again by itself, gets
    the stored result, and the answer is stored once."""
    settings.MINIAPP_OPEN_DEMO = True
    _library()
    page, problems = _phone(browser)
    sent: list[str] = []

    def flaky(route: Any) -> None:
        sent.append(route.request.post_data or "")
        if len(sent) == 1:
            route.fetch()  # Dars judges and stores the answer ...
            route.abort("connectionreset")  # ... and the reply never arrives
        elif len(sent) == 2:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/answers/", flaky)
    page.goto(f"{live_server.url}/app/?demo=1")
    page.check('input[name="grade"][value="7"]')
    _register_and_answer_the_first_problem(page)

    assert len(sent) == 3 and len(set(sent)) == 1  # the same answer, three times
    assert page.locator(".verdict.right").count() == 1
    assert Response.objects.count() == 1
    lost = [p for p in problems if "Failed to load resource: net::ERR_" in p]
    assert len(lost) == 2 and [p for p in problems if p not in lost] == []
