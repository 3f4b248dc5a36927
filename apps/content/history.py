"""Reading a problem's history: its versions, and a readable word-by-word comparison."""

from __future__ import annotations

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from apps.content.models import Problem, ProblemVersion

_WORDS = re.compile(r"\s+|[^\s]+")


def versions_of(problem: Problem, *, limit: int = 20) -> list[ProblemVersion]:
    """The newest versions first, with who saved them (one query)."""
    return list(
        ProblemVersion.objects.filter(problem=problem)
        .select_related("user")
        .order_by("-version")[:limit]
    )


def word_diff(current: str, other: str) -> SafeString:
    """`other` compared with `current`: words only in the current text struck through, words
    only in the other one highlighted (what restoring `other` would bring back)."""
    a, b = _WORDS.findall(current), _WORDS.findall(other)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if tag in ("replace", "insert"):
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
        if tag == "equal":
            parts.append(format_html("{}", "".join(a[i1:i2])))
    return format_html(
        '<span class="dars-diff">{}</span>', format_html_join("", "{}", ((p,) for p in parts))
    )
