"""Messages a student reads, in English and Bengali, keyed by error or result code."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "invalid": ("Some fields are not valid.", "কিছু তথ্য সঠিক নয়।"),
    "not_authenticated": ("Sign in first.", "আগে সাইন ইন করো।"),
    "authentication_failed": (
        "Your sign-in is not valid or has expired. Sign in again.",
        "তোমার সাইন-ইন সঠিক নয় বা মেয়াদ শেষ। আবার সাইন ইন করো।",
    ),
    "permission_denied": ("You cannot do that.", "তুমি এটি করতে পারবে না।"),
    "not_found": ("Not found.", "খুঁজে পাওয়া যায়নি।"),
    "throttled": (
        "Too many requests. Please wait a little and try again.",
        "অনেক বেশি অনুরোধ। একটু অপেক্ষা করে আবার চেষ্টা করো।",
    ),
    "registration_required": (
        "Choose your grade first (6, 7 or 8).",
        "আগে তোমার শ্রেণি বেছে নাও (৬, ৭ বা ৮)।",
    ),
    "no_problems_available": (
        "There are not enough problems for your grade yet. Please try again later.",
        "তোমার শ্রেণির জন্য এখনো যথেষ্ট প্রশ্ন নেই। পরে আবার চেষ্টা করো।",
    ),
    "session_expired": (
        "This session has expired (30 minutes). Start a new one.",
        "এই সেশনের সময় (৩০ মিনিট) শেষ। নতুন সেশন শুরু করো।",
    ),
    "session_closed": (
        "This session is already finished.",
        "এই সেশনটি ইতিমধ্যে শেষ হয়েছে।",
    ),
    "problem_not_in_session": (
        "That problem is not part of this session.",
        "এই প্রশ্নটি এই সেশনের অংশ নয়।",
    ),
    "already_answered": (
        "You have already answered this problem.",
        "তুমি এই প্রশ্নের উত্তর আগেই দিয়েছ।",
    ),
    "no_more_hints": (
        "There are no more hints for this problem.",
        "এই প্রশ্নের আর কোনো ইঙ্গিত নেই।",
    ),
    "correct": ("Correct! Well done.", "সঠিক! খুব ভালো।"),
    "incorrect": ("Not quite.", "হয়নি।"),
}


def message(code: str, language: str, *, default: str = "", **_: Any) -> str:
    pair = MESSAGES.get(code)
    if pair is None:
        return default or code
    return pair[1] if language == "bn" else pair[0]
