"""Code cannot forge its own verdict (issue 20, point 2).

The sandboxed code shares its process with the runner, so it can write any line to the pipe:
the verdict line the parent used to trust, with any ``passed`` count. Now the parent judges:
the expected values never enter the sandbox, ``passed`` is at most the number of tests, and
quality stays within 0-100 at grading and at scoring."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from masterx.domain import Category
from services.benchmark.answer_record import AnswerRecord
from services.benchmark.graders import Grader
from services.benchmark.sandbox import Sandbox, SandboxOutcome, SandboxResult
from services.benchmark.suite_model import BenchTest

WRONG_ADD = "def add(a, b):\n    return a - b\n"
OLD_VERDICT = {"outcome": "passed", "passed": 200000, "total": 1, "detail": ""}
NEW_REPORT = {
    "stage": "done",
    "detail": "",
    "tests": [{"error": None, "observed": [["int", 3]]}] * 1000,
}


def forge(*reports: Mapping[str, object]) -> str:
    """Code that writes forged report lines straight to the pipe, then exits quietly."""
    lines = "".join(f"@@MASTERX_SANDBOX@@ {json.dumps(r)}\n" for r in reports)
    return f"import os\nos.write(1, {lines.encode()!r})\nos._exit(0)\n"


def add_test(*tests: str) -> BenchTest:
    return BenchTest.model_validate(
        {
            "id": "forged",
            "prompt": "Write add(a, b).",
            "checks": [{"kind": "unit_tests", "entry_point": "add", "tests": list(tests)}],
            "reference_answer": "def add(a, b): return a + b",
        }
    )


def fenced(code: str) -> str:
    return f"```python\n{code}```"


async def test_a_printed_verdict_line_with_a_huge_count_scores_nothing(sandbox: Sandbox) -> None:
    test = add_test("assert add(1, 2) == 3", "assert add(2, 2) == 4")
    answer = fenced(WRONG_ADD + forge(NEW_REPORT, OLD_VERDICT))
    grade = await Grader(sandbox).grade(test, answer)
    result = await sandbox.run(WRONG_ADD + forge(NEW_REPORT, OLD_VERDICT), snippets_of(test))
    print(f"quality={grade.quality} outcome={result.outcome.value} passed={result.passed}")
    assert 0 <= grade.quality <= 100
    assert grade.quality == 0
    assert result.outcome != SandboxOutcome.PASSED
    assert result.passed == 0 <= result.passed <= result.total


async def test_a_forged_report_with_guessed_values_is_judged_by_the_parent(
    sandbox: Sandbox,
) -> None:
    tests = ["assert add(1, 2) == 7", "assert add(5, 5) == 11"]
    result = await sandbox.run(WRONG_ADD + forge(OLD_VERDICT, NEW_REPORT), tests)
    print(f"outcome={result.outcome.value} passed={result.passed} detail={result.detail!r}")
    assert (result.outcome, result.passed, result.total) == (SandboxOutcome.FAILED, 0, 2)


async def test_the_expected_values_never_enter_the_sandbox(sandbox: Sandbox) -> None:
    spy = (
        "import gc\n"
        "seen = [o['tests'] for o in gc.get_objects()\n"
        "        if isinstance(o, dict) and 'tests' in o and 'solution' in o]\n"
        "raise Exception(repr(seen))\n"
    )
    result = await sandbox.run(spy, ["assert add(1, 2) == 424242", "assert not is_odd(3)"])
    print(f"detail={result.detail!r}")
    assert "add(1, 2)" in result.detail  # the spy did find the tests it was given
    assert "424242" not in result.detail and "not" not in result.detail


async def test_an_object_equal_to_everything_does_not_pass(sandbox: Sandbox) -> None:
    code = (
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __bool__(self):\n        return True\n"
        "def add(a, b):\n    return Anything()\n"
    )
    result = await sandbox.run(code, ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
    print(f"outcome={result.outcome.value} passed={result.passed}")
    assert (result.outcome, result.passed) == (SandboxOutcome.FAILED, 0)


def test_passed_is_never_more_than_the_tests() -> None:
    claimed = SandboxResult(SandboxOutcome.PASSED, 200000, 1, "", 0.1)
    print(f"score={claimed.score}")
    assert claimed.score == 1.0


@pytest.mark.parametrize(("quality", "expected"), [(200000.0, 100.0), (-50.0, 0.0)])
def test_quality_is_clamped_to_0_100_at_scoring(quality: float, expected: float) -> None:
    from services.benchmark.run_scores import run_scores  # the benchmark's scoring path

    records = [
        AnswerRecord("forger", "m", Category.CODING, "t1", quality, 100.0, 0.001),
        AnswerRecord("honest", "m", Category.CODING, "t1", 50.0, 100.0, 0.001),
    ]
    scores = {s.provider: s for s in run_scores("run", [Category.CODING], records, {}, 0.0)}
    forger = scores["forger"]
    print(f"forger quality_score={forger.quality_score} final={forger.final_score}")
    assert scores["forger"].quality_score == pytest.approx(expected)
    assert 0 <= scores["forger"].final_score <= 100


def snippets_of(test: BenchTest) -> list[str]:
    check = test.checks[0]
    assert check.kind == "unit_tests"
    return list(check.tests)
