"""Writes for practice, one module per concern.

Concurrency: every write to a session happens inside a transaction that first locks the
session row (`select_for_update`), so a bot retrying a request, or two devices of the same
student, are served one after the other. Unique constraints back each rule (one open session
per student, one response per problem, one hint view per level), and a lost race is answered
from what the winner stored. Nothing waits on the network while a lock is held: the AI judge
runs between two transactions, hint writing is a task.
"""

from apps.practice.clock import local_date
from apps.practice.services.answers import AnswerOutcome, normalised_answer, session_answer
from apps.practice.services.hints import HintShown, session_hint
from apps.practice.services.sessions import StartedSession, session_start, sessions_expire
from apps.practice.services.streaks import streak_record_practice

__all__ = [
    "AnswerOutcome",
    "HintShown",
    "StartedSession",
    "local_date",
    "normalised_answer",
    "session_answer",
    "session_hint",
    "session_start",
    "sessions_expire",
    "streak_record_practice",
]
