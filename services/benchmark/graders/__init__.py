"""Grade one answer to one test: each check scores 0..1, quality is their weighted mean x 100."""

from __future__ import annotations

from dataclasses import dataclass

from services.benchmark.graders import text
from services.benchmark.graders.code import unit_tests
from services.benchmark.graders.judge import Judge
from services.benchmark.graders.numeric import numeric
from services.benchmark.sandbox import Sandbox, SandboxOutcome
from services.benchmark.suite_model import (
    BenchTest,
    Check,
    ContainsCheck,
    ExactCheck,
    JudgeCheck,
    KeywordsCheck,
    LengthCheck,
    NumericCheck,
    RubricCheck,
    UnitTestsCheck,
)


@dataclass(frozen=True)
class CheckResult:
    kind: str
    score: float | None  # 0..1; None: left out (a judge check with no judge)
    weight: float
    detail: str
    outcome: str | None = None  # the sandbox outcome of a unit_tests check


@dataclass(frozen=True)
class Grade:
    quality: float  # 0..100
    checks: tuple[CheckResult, ...]

    @property
    def sandbox_outcome(self) -> str | None:
        return next((c.outcome for c in self.checks if c.outcome is not None), None)

    @property
    def gradable(self) -> bool:
        """False when a unit-tests check could not run (no sandbox): the test's quality is
        then unknown, and scoring leaves it out (``services/benchmark/run_scores.py``)."""
        return all(c.outcome != SandboxOutcome.NOT_GRADABLE for c in self.checks)


class Grader:
    def __init__(self, sandbox: Sandbox, judge: Judge | None = None) -> None:
        self._sandbox = sandbox
        self._judge = judge

    async def grade(self, test: BenchTest, answer: str) -> Grade:
        results = [await self._check(test, check, answer) for check in test.checks]
        counted = [r for r in results if r.score is not None]
        total = sum(r.weight for r in counted)
        quality = sum(r.weight * (r.score or 0.0) for r in counted) / total if total else 0.0
        return Grade(round(100 * max(0.0, min(1.0, quality)), 4), tuple(results))

    async def _check(self, test: BenchTest, check: Check, answer: str) -> CheckResult:
        if isinstance(check, UnitTestsCheck):
            run = await unit_tests(check, answer, self._sandbox)
            detail = f"{run.passed}/{run.total} tests" + (f"; {run.detail}" if run.detail else "")
            return CheckResult(check.kind, run.score, check.weight, detail, run.outcome.value)
        if isinstance(check, JudgeCheck):
            if self._judge is None:
                return CheckResult(check.kind, None, check.weight, "no judge configured")
            judged = await self._judge.grade(test.prompt, answer, check.criteria)
            if judged is None:
                return CheckResult(check.kind, None, check.weight, "judge gave no score")
            return CheckResult(check.kind, judged.score, check.weight, judged.detail)
        scored = text_check(check, answer)
        return CheckResult(check.kind, scored.score, check.weight, scored.detail)


def text_check(check: Check, answer: str) -> text.CheckScore:
    """A check that needs neither the sandbox nor the judge, graded on ``answer`` (runs, and
    the suites' load-time check of each reference answer, ``services/benchmark/suites.py``)."""
    if isinstance(check, KeywordsCheck):
        return text.keywords(check, answer)
    if isinstance(check, ContainsCheck):
        return text.contains(check, answer)
    if isinstance(check, ExactCheck):
        return text.exact(check, answer)
    if isinstance(check, NumericCheck):
        return numeric(check, answer)
    if isinstance(check, LengthCheck):
        return text.length(check, answer)
    if isinstance(check, RubricCheck):
        return text.rubric(check, answer)
    raise TypeError(f"no grader for check kind {check.kind!r}")
