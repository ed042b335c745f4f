"""The parent's side of a code test's verdict: the sandbox reports values, the parent judges.

Nothing the sandboxed process writes is trusted as a verdict: the code under test shares that
process and can print, or ``os.write``, any line it likes. So before a run each test snippet
is rewritten here (:func:`prepare`): every top-level ``assert`` becomes one or more
``__observe__(value)`` calls, and what the assert compared the value with, a literal
(``assert add(1, 2) == 3``: ``3``, with ``==``) or the expected truth (``assert not
is_palindrome('ab')``: false), stays in the parent. The sandbox runs the rewritten snippet and
reports the values it observed, encoded as plain data (:mod:`sandbox_runner`'s
``encode``); :func:`judge` decodes them and applies each comparison itself. Forging a pass
would take knowing the expected values, which never enter the sandbox.

A test passes when the sandbox reports it ran to its end without an exception and every
comparison holds, with exactly as many observations as the parent expects. An assert with no
literal side (``assert f(x) == g(y)``) is observed as a truth value that must hold; an assert
nested in a block (a loop, ``try``) still runs as a plain ``assert`` in the sandbox, and a
snippet with no top-level assert passes on the sandbox's report that it completed.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OBSERVE = "__observe__"
MAX_DECODE_DEPTH = 64

_OPERATORS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


@dataclass(frozen=True)
class Expectation:
    """What one observed value must satisfy: ``compare(value)`` (or its truth) == ``holds``."""

    op: Callable[[Any, Any], Any] | None  # None: the value's truth itself
    literal: Any = None
    literal_on_left: bool = False
    holds: bool = True

    def met_by(self, value: Any) -> bool:
        try:
            if self.op is None:
                result = bool(value)
            elif self.literal_on_left:
                result = bool(self.op(self.literal, value))
            else:
                result = bool(self.op(value, self.literal))
        except Exception:  # incomparable plain values (a str < an int): not met
            return False
        return result is self.holds


@dataclass(frozen=True)
class PreparedTest:
    source: str  # what the sandbox runs: the expected values taken out
    expectations: tuple[Expectation, ...]
    title: str  # the original snippet's first line, for failure details
    broken: str | None = None  # the snippet itself does not parse


def prepare(test: str) -> PreparedTest:
    lines = test.strip().splitlines()
    title = lines[0][:120] if lines else "(empty)"
    try:
        module = ast.parse(test)
    except (SyntaxError, ValueError) as error:
        return PreparedTest("pass", (), title, f"the test does not parse: {error}")
    body: list[ast.stmt] = []
    expectations: list[Expectation] = []
    for statement in module.body:
        if not isinstance(statement, ast.Assert):
            body.append(statement)
            continue
        for value, expectation in _split(statement.test, holds=True):
            call = ast.Call(ast.Name(OBSERVE, ast.Load()), [value], [])
            body.append(ast.Expr(call))
            expectations.append(expectation)
    source = ast.unparse(ast.fix_missing_locations(ast.Module(body, type_ignores=[])))
    return PreparedTest(source or "pass", tuple(expectations), title)


def _split(node: ast.expr, holds: bool) -> list[tuple[ast.expr, Expectation]]:
    """The values to observe for ``assert node`` (or ``assert not node`` when not holds)."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And) and holds:
        return [part for value in node.values for part in _split(value, True)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _split(node.operand, not holds)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = _OPERATORS.get(type(node.ops[0]))
        left, right = node.left, node.comparators[0]
        if op is not None:
            for literal, other, on_left in ((right, left, False), (left, right, True)):
                found, value = _literal(literal)
                if found and not _literal(other)[0]:
                    return [(other, Expectation(op, value, on_left, holds))]
    return [(node, Expectation(None, holds=holds))]


def _literal(node: ast.expr) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


# ---- the sandbox's report ----


class _Opaque:
    """A value the sandbox could not express as plain data: equal to nothing."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def decode(encoded: Any, depth: int = 0) -> Any:
    """Plain data from the sandbox's tagged encoding; raises ValueError when malformed."""
    if depth > MAX_DECODE_DEPTH or not isinstance(encoded, list) or not encoded:
        raise ValueError("malformed observation")
    tag, payload = encoded[0], encoded[1:]
    scalars: dict[str, type] = {"bool": bool, "int": int, "str": str}
    if tag == "none" and not payload:
        return None
    if tag in scalars and len(payload) == 1 and type(payload[0]) is scalars[tag]:
        return payload[0]
    if tag == "float" and len(payload) == 1 and isinstance(payload[0], int | float | str):
        return float(payload[0])  # "nan", "inf", "-inf" arrive as strings
    if tag == "bigint" and len(payload) == 1 and isinstance(payload[0], str):
        return int(payload[0], 16)
    if tag == "bytes" and len(payload) == 1 and isinstance(payload[0], str):
        return bytes.fromhex(payload[0])
    if tag == "opaque" and len(payload) == 1 and isinstance(payload[0], str):
        return _Opaque(payload[0][:80])
    if tag in ("list", "tuple", "set", "frozenset") and len(payload) == 1:
        items = [decode(item, depth + 1) for item in _items(payload[0])]
        kinds: dict[str, Callable[[list[Any]], Any]] = {
            "list": list,
            "tuple": tuple,
            "set": set,
            "frozenset": frozenset,
        }
        return kinds[tag](items)
    if tag == "dict" and len(payload) == 1:
        pairs = [_items(pair) for pair in _items(payload[0])]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("malformed dict observation")
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in pairs}
    raise ValueError(f"unknown observation tag {str(tag)[:20]!r}")


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("malformed observation")
    return value


@dataclass(frozen=True)
class TestVerdict:
    passed: bool
    detail: str  # why it failed; "" when it passed


def judge(prepared: PreparedTest, reported: Any) -> TestVerdict:
    """One test's verdict from the sandbox's report of it (any JSON value, untrusted)."""
    if prepared.broken:
        return TestVerdict(False, f"{prepared.title} -> {prepared.broken}")
    if not isinstance(reported, dict):
        return TestVerdict(False, f"{prepared.title} -> no report")
    error = reported.get("error")
    if error is not None:
        return TestVerdict(False, f"{prepared.title} -> {str(error)[:160]}")
    observed = reported.get("observed")
    if not isinstance(observed, list) or len(observed) != len(prepared.expectations):
        return TestVerdict(False, f"{prepared.title} -> not every assertion was reached")
    for encoded, expectation in zip(observed, prepared.expectations, strict=True):
        try:
            value = decode(encoded)
        except (ValueError, TypeError, RecursionError, OverflowError):
            return TestVerdict(False, f"{prepared.title} -> an unreadable value")
        if not expectation.met_by(value):
            return TestVerdict(False, f"{prepared.title} -> AssertionError")
    return TestVerdict(True, "")


def parse_report(line: bytes) -> dict[str, Any] | None:
    try:
        report = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return report if isinstance(report, dict) else None
