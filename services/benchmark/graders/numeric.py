"""The numeric check: the final number of an answer, compared within a tolerance.

The number is the first one after the last 'Answer:' (or in the last ``\\boxed{}``), else the
last number in the text. Thousands separators (``1,234``), decimals, exponents, fractions
(``3/4``, ``\\frac{3}{4}``), a Unicode minus and a trailing ``%`` are understood.
"""

from __future__ import annotations

import re

from services.benchmark.graders.text import CheckScore
from services.benchmark.suite_model import NumericCheck

_FRAC = re.compile(r"\\d?frac\{\s*(-?\d+(?:\.\d+)?)\s*\}\{\s*(-?\d+(?:\.\d+)?)\s*\}")
_NUMBER = re.compile(
    r"(?<![\w.])(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?"
    r"(?:\s*/\s*(\d+(?:\.\d+)?)(?![\d.]))?"
)
_ANSWER_MARK = re.compile(r"(?:final\s+answer|answer)\s*(?:is)?\s*[:=]", re.IGNORECASE)
_BOXED = re.compile(r"\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}")


def _prepare(text: str) -> str:
    text = text.replace("\u2212", "-").replace("\u00a0", " ")
    return _FRAC.sub(lambda m: f"{m.group(1)}/{m.group(2)}", text)


def numbers_in(text: str) -> list[float]:
    found = []
    for sign, whole, decimals, exponent, denominator in _NUMBER.findall(_prepare(text)):
        value = float(whole.replace(",", "") + decimals + exponent)
        if denominator:
            divisor = float(denominator)
            if divisor == 0:
                continue
            value /= divisor
        found.append(-value if sign else value)
    return found


def final_number(answer: str) -> float | None:
    marks = list(_ANSWER_MARK.finditer(answer))
    if marks:
        after = numbers_in(answer[marks[-1].end() :])
        if after:
            return after[0]
    boxed = _BOXED.findall(_prepare(answer))
    if boxed:
        inside = numbers_in(boxed[-1])
        if inside:
            return inside[0]
    every = numbers_in(answer)
    return every[-1] if every else None


def numeric(check: NumericCheck, answer: str) -> CheckScore:
    value = final_number(answer)
    if value is None:
        return CheckScore(0.0, "no number in the answer")
    allowed = max(check.tolerance, check.relative_tolerance * abs(check.answer))
    if abs(value - check.answer) <= allowed:
        return CheckScore(1.0, f"{value:g} matches")
    return CheckScore(0.0, f"final number {value:g} is not {check.answer:g}")
