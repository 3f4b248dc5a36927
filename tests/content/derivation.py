"""Exact evaluation of the answer derivations kept beside the problem library.

Every shipped problem has a derivation: a small Python-syntax expression that recomputes its
answer from the numbers in the question (``(1200 - 950) * 100 / 950``). The test suite evaluates
each one and checks that the stored answer agrees, so a typo in the library cannot ship.

Only a whitelisted subset of Python is accepted: literals, arithmetic, comparisons, conditional
expressions, tuples/lists/sets and calls to the functions in ``FUNCTIONS``. Integer and decimal
literals become ``Fraction`` so ``1/3 + 1/6`` is exactly ``1/2``.
"""

from __future__ import annotations

import ast
import math
import operator
from fractions import Fraction
from typing import Any


def _isqrt_exact(value: Any) -> Fraction:
    value = Fraction(value)
    num, den = value.numerator, value.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn != num or rd * rd != den:
        raise ValueError(f"sqrt({value}) is not exact")
    return Fraction(rn, rd)


def _gcd(*values: Any) -> Fraction:
    return Fraction(math.gcd(*(int(v) for v in values)))


def _lcm(*values: Any) -> Fraction:
    return Fraction(math.lcm(*(int(v) for v in values)))


def _mean(*values: Any) -> Fraction:
    items = (
        list(values[0])
        if len(values) == 1 and isinstance(values[0], list | tuple)
        else list(values)
    )
    return Fraction(sum(Fraction(v) for v in items), len(items))


def _median(*values: Any) -> Fraction:
    items = (
        list(values[0])
        if len(values) == 1 and isinstance(values[0], list | tuple)
        else list(values)
    )
    ordered = sorted(Fraction(v) for v in items)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _mode(*values: Any) -> Fraction:
    items = (
        list(values[0])
        if len(values) == 1 and isinstance(values[0], list | tuple)
        else list(values)
    )
    counts: dict[Fraction, int] = {}
    for v in items:
        counts[Fraction(v)] = counts.get(Fraction(v), 0) + 1
    best = max(counts.values())
    modes = [v for v, c in counts.items() if c == best]
    if len(modes) != 1:
        raise ValueError(f"no single mode in {items}")
    return modes[0]


FUNCTIONS: dict[str, Any] = {
    "sqrt": _isqrt_exact,
    "gcd": _gcd,
    "lcm": _lcm,
    "mean": _mean,
    "median": _median,
    "mode": _mode,
    "abs": abs,
    "min": min,
    "max": max,
    "sum": lambda items: sum(items, Fraction(0)),
    "len": lambda items: Fraction(len(items)),
    "round": lambda value, places=0: Fraction(round(Fraction(value), int(places))),
    "floor": lambda value: Fraction(math.floor(value)),
    "ceil": lambda value: Fraction(math.ceil(value)),
    "Fraction": Fraction,
    "str": str,
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class DerivationError(ValueError):
    pass


def evaluate(expression: str) -> Any:
    """Evaluate a derivation exactly; raise DerivationError on anything outside the subset."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise DerivationError(f"not an expression: {exc.msg}") from exc
    return _eval(tree.body)


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or node.value is None:
            raise DerivationError(f"constant {node.value!r} not allowed")
        if isinstance(node.value, int | float):
            return Fraction(str(node.value))
        if isinstance(node.value, str):
            return node.value
        raise DerivationError(f"constant {node.value!r} not allowed")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return +_eval(node.operand)
    if isinstance(node, ast.Compare):
        left = _eval(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _COMPARE:
                raise DerivationError("comparison not allowed")
            right = _eval(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        values = [_eval(v) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.IfExp):
        return _eval(node.body) if _eval(node.test) else _eval(node.orelse)
    if isinstance(node, ast.Tuple | ast.List):
        return [_eval(e) for e in node.elts]
    if isinstance(node, ast.Set):
        return frozenset(_eval(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        if node.func.id not in FUNCTIONS:
            raise DerivationError(f"function {node.func.id!r} not allowed")
        return FUNCTIONS[node.func.id](*(_eval(a) for a in node.args))
    raise DerivationError(f"{type(node).__name__} not allowed in a derivation")
