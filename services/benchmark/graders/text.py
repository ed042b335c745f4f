"""Checks on the text of an answer: keywords, must / must-not contain, exact answer, length,
rubric. Each returns a score in 0..1 and a short detail.

Phrases match case-insensitively at the start of a word and may run on (``recurs`` matches
"recursion"), after curly quotes and dashes are made plain and whitespace is collapsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.benchmark.suite_model import (
    ContainsCheck,
    ExactCheck,
    KeywordsCheck,
    LengthCheck,
    RubricCheck,
)

_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")
_ANSWER_MARK = re.compile(r"(?:final\s+answer|answer)\s*(?:is)?\s*[:=]\s*(.+)", re.IGNORECASE)
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")
_MARKUP = re.compile(r"[*_`$]")


@dataclass(frozen=True)
class CheckScore:
    score: float  # 0..1
    detail: str


def plain(text: str, case_sensitive: bool = False) -> str:
    text = _SPACE.sub(" ", text.translate(_PLAIN)).strip()
    return text if case_sensitive else text.lower()


@lru_cache(maxsize=4096)
def _pattern(phrase: str, case_sensitive: bool) -> re.Pattern[str]:
    body = re.escape(plain(phrase, case_sensitive)).replace(r"\ ", r"\s+")
    return re.compile(r"(?<![\w])" + body)


def has_phrase(text: str, phrase: str, case_sensitive: bool = False) -> bool:
    """``text`` must already be :func:`plain`."""
    return _pattern(phrase, case_sensitive).search(text) is not None


def keywords(check: KeywordsCheck, answer: str) -> CheckScore:
    text = plain(answer)
    groups = check.groups
    missing = [g[0] for g in groups if not any(has_phrase(text, k) for k in g)]
    found = (len(groups) - len(missing)) / len(groups)
    score = min(1.0, found / check.required_fraction)
    detail = f"{len(groups) - len(missing)}/{len(groups)} keywords"
    return CheckScore(score, detail + (f"; missing {missing[:5]}" if missing else ""))


def contains(check: ContainsCheck, answer: str) -> CheckScore:
    text = plain(answer, check.case_sensitive)
    absent = [p for p in check.must_contain if not has_phrase(text, p, check.case_sensitive)]
    present = [p for p in check.must_not_contain if has_phrase(text, p, check.case_sensitive)]
    total = len(check.must_contain) + len(check.must_not_contain)
    score = (total - len(absent) - len(present)) / total
    problems = [f"missing {absent[:5]}"] if absent else []
    problems += [f"forbidden {present[:5]}"] if present else []
    return CheckScore(score, "; ".join(problems) or "all present, none forbidden")


def final_answer(answer: str) -> str:
    """The answer's conclusion: after the last 'Answer:', else a \\boxed{}, else the last line."""
    marks = _ANSWER_MARK.findall(answer)
    if marks:
        return str(marks[-1]).strip()
    boxed = _BOXED.findall(answer)
    if boxed:
        return str(boxed[-1]).strip()
    lines = [line for line in answer.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _normal_answer(text: str) -> str:
    text = plain(_MARKUP.sub("", text))
    return text.strip(" .!\"'()[]")


def exact(check: ExactCheck, answer: str) -> CheckScore:
    given = _normal_answer(final_answer(answer))
    wanted = {_normal_answer(a) for a in (check.answer, *check.alternatives)}
    if given in wanted:
        return CheckScore(1.0, "exact match")
    return CheckScore(0.0, f"final answer {given[:60]!r} is not {check.answer!r}")


def length(check: LengthCheck, answer: str) -> CheckScore:
    words = len(answer.split())
    if check.min_words is not None and words < check.min_words:
        return CheckScore(words / check.min_words, f"{words} words < {check.min_words}")
    if check.max_words is not None and words > check.max_words:
        return CheckScore(check.max_words / words, f"{words} words > {check.max_words}")
    return CheckScore(1.0, f"{words} words")


def rubric(check: RubricCheck, answer: str) -> CheckScore:
    text = plain(answer)
    total = sum(c.weight for c in check.criteria)
    met = 0.0
    unmet = []
    for criterion in check.criteria:
        matches = sum(1 for p in criterion.any if has_phrase(text, p))
        forbidden = [p for p in criterion.none if has_phrase(text, p)]
        if (not criterion.any or matches >= criterion.min_matches) and not forbidden:
            met += criterion.weight
        else:
            unmet.append(criterion.name)
    detail = f"{len(check.criteria) - len(unmet)}/{len(check.criteria)} criteria"
    return CheckScore(met / total, detail + (f"; unmet: {unmet}" if unmet else ""))
