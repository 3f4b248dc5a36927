"""The Mini App in a real headless browser (Debian's chromium, driven by Playwright) at a small
phone's size (360 × 640): a student signs in with initData signed as Telegram signs it,
registers and practises a whole session in Bengali and in English; hints seen come back after a
reload; a language switch brings the verdict, the "try again" and the hints in the new language;
inside Telegram (a fake `Telegram.WebApp` injected before the page's script) the page takes
Telegram's theme and back button; a student gets a code for their guardian; a staff member tries
it as their demo student. No Content-Security-Policy violation anywhere. Screenshots of every
screen, in both languages, go to `screenshots/miniapp-{bn,en}-<screen>.png` (README)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext

from apps.content.models import Hint, Problem, ProblemOption, Topic
from apps.content.services import problem_feedback_add
from apps.miniapp.strings import STRINGS
from apps.outreach.models import LinkCode
from apps.practice.models import HintView, PracticeSession, Response
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
FEEDBACK = {
    "bn": "তুমি সংখ্যা দুটি যোগ করেছ; প্রশ্নে গুণফল চাওয়া হয়েছে।",
    "en": "You added the numbers; the question asks for the product.",
}
EXPLANATION = {
    "bn": "৪ × ৬ = ২৪, কারণ ৪ কে ৬ বার যোগ করলে ২৪ হয়।",
    "en": "4 × 6 = 24: add 4 six times.",
}
FEEDBACK_BN, EXPLANATION_BN = FEEDBACK["bn"], EXPLANATION["bn"]
HINTS_BN = ["প্রতিটি বাক্সে কতটি আছে, আর কতটি বাক্স?", "গুণ করো।", "প্রায় উত্তর: ১২ × ৩।"]
BENGALI_SCRIPT = re.compile("[\u0980-\u09ff]")


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
            for level, bn in enumerate(HINTS_BN, start=1)
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
        explanation_en=EXPLANATION["en"],
        explanation_bn=EXPLANATION["bn"],
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
        message_en=FEEDBACK["en"],
        message_bn=FEEDBACK["bn"],
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


def _check_and_see_verdict(page: Any) -> None:
    page.click("#check")
    page.wait_for_selector(".verdict")


def _shot(page: Any, name: str | None) -> None:
    """The whole page, scrolled to its end first: the tabs stick to the bottom of the screen,
    and a full-page picture draws them where the screen's bottom is."""
    if name:
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        screenshot(page, name)


def _go(page: Any, press: str, ready: str, shot: str | None = None) -> None:
    """Press `press`, wait until `ready` is on the page, and write the screenshot `shot`."""
    page.click(press)
    page.wait_for_selector(ready)
    _shot(page, shot)


def _tab(page: Any, tab: str, ready: str, shot: str | None = None) -> None:
    _go(page, f'nav [data-tab="{tab}"]', ready, shot)


def _switch_language(page: Any, language: str, ready: str, shot: str | None = None) -> None:
    """The header's language switch; `ready` is something only the screen drawn again in
    `language` shows."""
    _go(page, "#language-switch", ready, None)
    page.wait_for_selector(f"html[lang={language}]", state="attached")
    _shot(page, shot)


def _open(page: Any, live_server: Any, telegram_id: int, first_name: str = "Student") -> None:
    """Open the Mini App as Telegram does: the signed initData in the URL's fragment."""
    init_data = signed_init_data({"id": telegram_id, "first_name": first_name}, BOT_TOKEN)
    page.goto(f"{live_server.url}/app/#tgWebAppData={quote(init_data)}&tgWebAppVersion=7.0")


def _on_screen(page: Any, language: str) -> tuple[Problem, str]:
    """The problem on screen (its question in `language`) and its kind (a key of QUESTIONS)."""
    page.wait_for_selector("h1.question")
    question = page.locator("h1.question").inner_text().strip()
    problem = Problem.objects.get(**{f"question_{language}": question})
    return problem, next(kind for kind, text in QUESTIONS.items() if text == problem.question_bn)


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def _ui(language: str, key: str) -> str:
    with translation.override(language):
        return str(STRINGS[key])


def _other(language: str) -> str:
    return "en" if language == "bn" else "bn"


def _student(telegram_id: int, language: str, **fields: Any) -> Student:
    return Student.objects.create(
        telegram_id=telegram_id, name="Mitu", language=language, **{"grade": 7, **fields}
    )


def _signed_in(
    browser: Any, live_server: Any, settings: Any, language: str, **fields: Any
) -> tuple[Any, list[str], Student]:
    """The test library, a student (of grade 7 unless `fields` say otherwise) and a phone
    with the Mini App open for them from Telegram."""
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    _library()
    student = _student(616161, language, **fields)
    page, problems = _phone(browser)
    _open(page, live_server, 616161)
    return page, problems, student


def test_a_student_signs_in_registers_and_practises_a_whole_session_in_bengali(
    browser, live_server, settings
):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    _library()
    page, problems = _phone(browser)
    answer_requests: list[str] = []
    page.on(
        "request",
        lambda r: (
            answer_requests.append(r.post_data or "") if r.url.endswith("/answers/") else None
        ),
    )

    # Telegram passes initData in the fragment (no telegram-web-app.js is loaded).
    _open(page, live_server, 424242, "Nusrat")
    page.wait_for_selector("form.profile")
    student = Student.objects.get(telegram_id=424242)
    assert not student.registered and page.locator("#name").input_value() == "Nusrat"
    page.fill("#name", "নুসরাত")
    page.check('input[name="grade"][value="7"]')
    assert page.locator('input[name="language"][value="bn"]').is_checked()
    _shot(page, "miniapp-bn-register")
    _go(page, "form.profile button[type=submit]", "#start", "miniapp-bn-home")
    student.refresh_from_db()
    assert (student.name, student.grade, student.language) == ("নুসরাত", 7, "bn")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert "নুসরাত" in page.locator("main h1").inner_text()
    page.click("#start")

    seen = []
    for position in range(1, 6):
        _problem, kind = _on_screen(page, "bn")
        assert page.locator(".position").inner_text().endswith(f"{position}/5".translate(BENGALI))
        seen.append(kind)
        if kind == "numeric":
            # The keypad shows Bengali digits and types them.
            assert page.locator('.keypad [data-key="3"]').inner_text() == "৩"
            _keys(page, "36")
            assert page.locator("#answer").input_value() == "৩৬"
            _shot(page, "miniapp-bn-numeric")
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
            _shot(page, "miniapp-bn-mcq")
            _check_and_see_verdict(page)
            assert page.locator(".verdict.right").count() == 1
        elif kind == "fraction":
            page.click("#numerator")
            _keys(page, "6")
            page.click("#denominator")
            _keys(page, "8")
            # Not in lowest terms: "try again" with the server's message, the entry kept.
            _go(page, "#check", ".answer .notice", "miniapp-bn-fraction")
            assert page.locator("#numerator").input_value() == "৬"
            assert page.locator("#denominator").input_value() == "৮"
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
            _go(page, "#hint", ".hint", "miniapp-bn-hint")
            assert HINTS_BN[0] in page.locator(".hint").inner_text()
            assert "২" in page.locator("#hint").inner_text()  # two hints left
            _keys(page, "10")
            _check_and_see_verdict(page)
            verdict = page.locator("main").inner_text()
            assert page.locator(".verdict.wrong").count() == 1
            assert "১০" in page.locator(".facts .given").inner_text()
            assert page.locator(".facts .right").inner_text() == "২৪"
            assert FEEDBACK_BN in verdict and EXPLANATION_BN in verdict
            _shot(page, "miniapp-bn-wrong")
        else:
            page.fill("#answer", "ত্রিভুজ")
            _shot(page, "miniapp-bn-text")
            _check_and_see_verdict(page)
            assert page.locator(".verdict.right").count() == 1
        page.click("#next")

    assert sorted(seen) == sorted(QUESTIONS)
    page.wait_for_selector(".score")
    assert "৪" in page.locator(".score").inner_text()  # 4 of 5 right
    assert page.locator(".streak .big").inner_text() == "১"
    _shot(page, "miniapp-bn-summary")
    session = PracticeSession.objects.get(student=student)
    assert session.status == "completed" and session.problems_correct == 4
    assert Response.objects.filter(session=session).count() == 5
    hinted = Response.objects.get(session=session, problem__code="g7-mini-hinted")
    assert (hinted.hints_used, hinted.feedback is not None) == (1, True)

    _tab(page, "progress", ".topics", "miniapp-bn-progress")
    assert page.locator(".topic").count() == 3
    assert "গুণ" in page.locator(".topics").inner_text()

    _tab(page, "history", ".calendar")
    assert page.locator(".calendar .day").count() == 35
    assert page.locator(".calendar .day.practised").count() == 1
    mistakes = page.locator(".mistakes").inner_text()
    assert QUESTIONS["hinted"] in mistakes and FEEDBACK_BN in mistakes
    page.click(".mistakes details summary")
    assert EXPLANATION_BN in page.locator(".mistakes").inner_text()
    _shot(page, "miniapp-bn-history")

    # English, on the student's choice, without a reload: the interface and the content.
    _switch_language(page, "en", "text=What is 4 × 6?", "miniapp-en-history")
    student.refresh_from_db()
    assert student.language == "en"
    assert page.locator(".facts .right").first.inner_text() == "24"
    assert FEEDBACK["en"] in page.locator(".mistakes").inner_text()
    _tab(page, "progress", "text=Multiplication", "miniapp-en-progress")
    _tab(page, "settings", "form.profile", "miniapp-en-settings")

    assert _violations(page) == []
    assert problems == []


def test_a_student_registers_and_practises_in_english_with_the_same_screens(
    browser, live_server, settings
):
    page, problems, student = _signed_in(browser, live_server, settings, "en", grade=None)
    page.wait_for_selector("form.profile")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('input[name="language"][value="en"]').is_checked()
    page.check('input[name="grade"][value="7"]')
    _shot(page, "miniapp-en-register")
    _go(page, "form.profile button[type=submit]", "#start", "miniapp-en-home")
    page.click("#start")
    for _ in range(5):
        problem, kind = _on_screen(page, "en")
        if kind == "mcq":
            assert page.locator(".option .letter").all_inner_texts() == ["A", "B", "C", "D"]
            page.click('.option[data-label="A"]')  # wrong, to see the verdict in English
        else:
            if kind == "hinted":
                _go(page, "#hint", ".hint")
                assert "Hint 1." in page.locator(".hint").inner_text()
            _enter_right_answer(page, problem, "en")
        _shot(page, f"miniapp-en-{'hint' if kind == 'hinted' else kind}")
        _check_and_see_verdict(page)
        if kind == "mcq":
            assert "C) 7" in page.locator(".facts .right").inner_text()
            assert _in("en", "Not quite.") in page.locator(".verdict h1").inner_text()
            _shot(page, "miniapp-en-wrong")
        page.click("#next")
    page.wait_for_selector(".score")
    assert page.locator(".score").inner_text() == "4 of 5 right"
    _shot(page, "miniapp-en-summary")
    assert PracticeSession.objects.get(student=student).problems_correct == 4
    assert _violations(page) == []
    assert problems == []


def test_hints_already_seen_come_back_after_a_reload_and_in_the_new_language(
    browser, live_server, settings
):
    page, problems, student = _signed_in(browser, live_server, settings, "bn")
    _go(page, "#start", "h1.question")
    problem, _kind = _on_screen(page, "bn")
    _go(page, "#hint", ".hints li:nth-child(1)")
    _go(page, "#hint", ".hints li:nth-child(2)")

    page.reload()  # the page is gone; the session stays open on the server
    _go(page, "#start", ".hints", "miniapp-bn-resumed")
    assert _on_screen(page, "bn")[0] == problem
    shown = page.locator(".hint").all_inner_texts()
    assert len(shown) == 2 and HINTS_BN[0] in shown[0] and HINTS_BN[1] in shown[1]
    assert "১" in page.locator("#hint").inner_text()  # one hint left
    assert HintView.objects.filter(session__student=student).count() == 2  # none seen again

    _switch_language(page, "en", "text=Hint 2.", "miniapp-en-resumed")
    assert page.locator("h1.question").inner_text() == problem.question_en
    assert ["Hint 1." in h for h in page.locator(".hint").all_inner_texts()] == [True, False]
    _go(page, "#hint", "text=Hint 3.")  # the next one asked for is the third
    assert page.locator(".hint").count() == 3 and page.locator("#hint").count() == 0
    assert HintView.objects.filter(session__student=student).count() == 3
    assert _violations(page) == []
    assert problems == []


def test_after_a_language_switch_verdicts_and_try_again_come_in_the_new_language(
    browser, live_server, settings
):
    """Every screen of a session, switched to the other language while it is on screen: the
    verdict (its message, the feedback, the explanation, the right answer), the checker's "try
    again" and the summary come again in the new language, and no answer is stored twice."""
    page, problems, student = _signed_in(browser, live_server, settings, "bn")
    _go(page, "#start", "h1.question")

    language = "bn"
    for _ in range(5):
        problem, kind = _on_screen(page, language)
        if kind == "fraction":
            page.click("#numerator")
            _keys(page, "6")
            page.click("#denominator")
            _keys(page, "8")
            _go(page, "#check", ".answer .notice")
            before = page.locator(".answer .notice").inner_text()
            assert bool(BENGALI_SCRIPT.search(before)) == (language == "bn")
            language = _other(language)
            _switch_language(page, language, f"text={getattr(problem, f'question_{language}')}")
            page.wait_for_selector(f".answer .notice >> text={_ui(language, 'try_again')}")
            after = page.locator(".answer .notice").inner_text()
            assert after != before and bool(BENGALI_SCRIPT.search(after)) == (language == "bn")
        if kind == "hinted":
            _keys(page, "10")
            _check_and_see_verdict(page)
            language = _other(language)
            _switch_language(page, language, f"text={FEEDBACK[language]}")
            verdict = page.locator("main").inner_text()
            assert EXPLANATION[language] in verdict
            assert _in(language, "Not quite.") in page.locator(".verdict h1").inner_text()
            right = "24" if language == "en" else "২৪"
            assert page.locator(".facts .right").inner_text() == right
            assert page.locator(".question").inner_text() == getattr(
                problem, f"question_{language}"
            )
        else:
            if kind == "fraction":
                for field, digit in (("#numerator", "3"), ("#denominator", "4")):
                    page.click(field)
                    page.click('.keypad [data-key="back"]')
                    _keys(page, digit)
            else:
                _enter_right_answer(page, problem, language)
            _check_and_see_verdict(page)
            assert _in(language, "Correct! Well done.") in page.locator(".verdict h1").inner_text()
            language = _other(language)
            _switch_language(page, language, f"text={_in(language, 'Correct! Well done.')}")
            explanation = getattr(problem, f"explanation_{language}")
            assert explanation in page.locator(".explanation").inner_text()
        page.click("#next")

    page.wait_for_selector(".score")
    language = _other(language)
    digits = str.maketrans("0123456789", "0123456789" if language == "en" else "০১২৩৪৫৬৭৮৯")
    score = _ui(language, "score") % {
        "correct": "4".translate(digits),
        "total": "5".translate(digits),
    }
    _switch_language(page, language, f".score >> text={score}")
    assert page.locator("h1").inner_text() == _ui(language, "summary")
    responses = Response.objects.filter(session__student=student)
    assert responses.count() == 5  # the answers sent again were not stored again
    assert responses.get(problem__code="g7-mini-hinted").student_answer in ("10", "১০")
    assert _violations(page) == []
    assert problems == []


# A stand-in for telegram-web-app.js, put in place before the page's script runs: what the
# page calls is recorded, and the test can change the theme as Telegram would.
FAKE_TELEGRAM = """
window.__telegram = {calls: [], handlers: {}, back: null};
window.Telegram = {WebApp: {
  initData: %(init_data)s,
  colorScheme: "dark",
  themeParams: %(theme)s,
  ready() { window.__telegram.calls.push("ready"); },
  expand() { window.__telegram.calls.push("expand"); },
  onEvent(name, handler) { window.__telegram.handlers[name] = handler; },
  BackButton: {
    isVisible: false,
    show() { this.isVisible = true; },
    hide() { this.isVisible = false; },
    onClick(handler) { window.__telegram.back = handler; },
  },
}};
"""
DARK_THEME = {
    "bg_color": "#1c242e",
    "text_color": "#f0f0f0",
    "hint_color": "#2b3541",  # barely visible on that background: Dars keeps its own
    "link_color": "#6ab2f2",
    "button_color": "#5eb5f7",
    "button_text_color": "#ffffff",  # 2.3:1 on that button: Dars keeps its own
    "secondary_bg_color": "#232e3c",
}
STYLE = """([element, property]) => getComputedStyle(document.querySelector(element))[property]"""
VARIABLE = """name => getComputedStyle(document.documentElement).getPropertyValue(name).trim()"""


def test_inside_telegram_the_page_follows_its_theme_and_back_button(browser, live_server, settings):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    _library()
    _student(919191, "bn")
    init_data = signed_init_data({"id": 919191, "first_name": "Mitu"}, BOT_TOKEN)
    page, problems = _phone(browser)
    page.add_init_script(
        FAKE_TELEGRAM % {"init_data": json.dumps(init_data), "theme": json.dumps(DARK_THEME)}
    )

    page.goto(f"{live_server.url}/app/")  # initData from Telegram.WebApp, not the fragment
    page.wait_for_selector("#start")
    assert page.evaluate("window.__telegram.calls") == ["ready", "expand"]
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    assert page.evaluate(STYLE, ["body", "backgroundColor"]) == "rgb(28, 36, 46)"
    assert page.evaluate(STYLE, ["body", "color"]) == "rgb(240, 240, 240)"
    assert page.evaluate(STYLE, ["#start", "backgroundColor"]) == "rgb(94, 181, 247)"
    assert page.evaluate(STYLE, ["#start", "color"]) == "rgb(11, 22, 32)"  # Dars's dark ink
    assert page.evaluate(VARIABLE, "--muted") == "#c9d1d9"  # not the unreadable hint colour
    assert page.evaluate(VARIABLE, "--soft") == "#232e3c"
    assert page.evaluate(STYLE, [".streak", "backgroundColor"]) == "rgb(35, 46, 60)"
    _shot(page, "miniapp-bn-dark-home")
    assert page.evaluate("Telegram.WebApp.BackButton.isVisible") is False

    # Telegram's back button goes home from any other screen.
    _tab(page, "progress", ".topics", "miniapp-bn-dark-progress")
    assert page.evaluate("Telegram.WebApp.BackButton.isVisible") is True
    _go(page, 'nav [data-tab="home"]', "#start")
    _go(page, "#start", "h1.question", "miniapp-bn-dark-problem")
    assert page.evaluate("Telegram.WebApp.BackButton.isVisible") is True
    page.evaluate("window.__telegram.back()")
    page.wait_for_selector("#start")
    assert page.evaluate("Telegram.WebApp.BackButton.isVisible") is False

    # Telegram switches to a light theme whose text would be too pale in bright light.
    page.evaluate(
        """() => {
          Object.assign(Telegram.WebApp, {colorScheme: "light", themeParams: {
            bg_color: "#ffffff", text_color: "#aaaaaa", button_color: "#fafafa"}});
          window.__telegram.handlers.themeChanged();
        }"""
    )
    assert page.evaluate("document.documentElement.dataset.scheme") == "light"
    assert page.evaluate(STYLE, ["body", "color"]) == "rgb(17, 17, 17)"  # Dars's own ink
    assert page.evaluate(STYLE, ["#start", "backgroundColor"]) == "rgb(11, 79, 156)"
    _shot(page, "miniapp-bn-light-home")
    assert _violations(page) == []
    assert problems == []


def test_a_student_gets_a_code_for_their_guardian_in_both_languages(browser, live_server, settings):
    page, problems, student = _signed_in(browser, live_server, settings, "bn")
    page.wait_for_selector("#start")
    _tab(page, "settings", "#guardian-code", "miniapp-bn-settings")

    _go(page, "#guardian-code", ".guardian-code .code", "miniapp-bn-guardian")
    code = LinkCode.objects.get(student=student).code
    box = page.locator(".guardian-code").inner_text()
    assert page.locator(".guardian-code .code").inner_text() == code
    assert f"/start {code}" in box and _ui("bn", "guardian_send") in box
    assert BENGALI_SCRIPT.search(page.locator(".guardian-code .expires").inner_text())

    _switch_language(page, "en", f"text={_ui('en', 'guardian_send')}", "miniapp-en-guardian")
    assert page.locator(".guardian-code .code").inner_text() == code
    expires = page.locator(".guardian-code .expires").inner_text()
    assert "works once" in expires and not BENGALI_SCRIPT.search(expires)

    # A new code replaces the old one.
    page.click("#guardian-code")
    page.wait_for_function(
        "code => document.querySelector('.guardian-code .code').textContent !== code", arg=code
    )
    renewed = LinkCode.objects.get(student=student).code
    assert renewed != code and page.locator(".guardian-code .code").inner_text() == renewed
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
    _shot(page, "miniapp-bn-demo")
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

    # A demo student has no guardian: asking for a code says so (409) and issues none.
    _tab(page, "settings", "#guardian-code")
    _go(page, "#guardian-code", ".guardian-code .notice")
    assert page.locator(".guardian-code .notice").inner_text() == _in(
        "bn", "A demo student has no guardian."
    )
    assert [p for p in problems if "409" in p and "guardian-code" in p]
    assert LinkCode.objects.count() == 0


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
