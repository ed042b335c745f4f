"""Where the kernel refuses the sandbox, code tests are not run unsandboxed: they are reported
``not_gradable``, and scoring leaves them out of quality (issue 20, point 1).

The refusal is simulated with a stand-in for ``bwrap`` that fails the way bubblewrap does when
user namespaces are not allowed (a container runtime's default seccomp or AppArmor profile)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from services.benchmark.answer_record import AnswerRecord
from services.benchmark.graders import Grader
from services.benchmark.isolation import Isolation
from services.benchmark.result_store import RESULTS
from services.benchmark.run_scores import run_scores
from services.benchmark.run_store import TEST_RESULTS
from services.benchmark.sandbox import Sandbox, SandboxLimits, SandboxOutcome
from services.benchmark.suite_model import BenchTest
from services.benchmark.suites import load_suites
from tests.benchmark.conftest import small_suites
from tests.benchmark.engine_support import build_bench

REFUSAL = (
    "bwrap: No permissions to creating new namespace, likely because the kernel does not "
    "allow non-privileged user namespaces."
)
REFUSING_BWRAP = f"""#!/bin/sh
echo "{REFUSAL}" >&2
exit 1
"""
# Passes the start-up probe (an empty program, ``-c pass``), refuses every real run.
REFUSING_AT_RUN_TIME = f"""#!/bin/sh
for arg in "$@"; do
  if [ "$arg" = "-c" ]; then exec {{real}} "$@"; fi
done
echo "{REFUSAL}" >&2
exit 1
"""


def stand_in(directory: Path, script: str) -> str:
    path = directory / "bwrap"
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def planting(target: Path) -> str:
    return (
        f"open({str(target)!r}, 'w').write('ran unsandboxed')\ndef add(a, b):\n    return a + b\n"
    )


async def test_refused_namespaces_at_the_probe_leave_code_tests_not_gradable(
    tmp_path: Path,
) -> None:
    sandbox = Sandbox(
        SandboxLimits(), isolation=Isolation(bwrap=stand_in(tmp_path, REFUSING_BWRAP))
    )
    assert await sandbox.check() == REFUSAL
    target = tmp_path / "planted.txt"
    result = await sandbox.run(planting(target), ["assert add(1, 2) == 3"])
    print(f"outcome={result.outcome.value} score={result.score} detail={result.detail!r}")
    assert not target.exists(), "the code ran without the sandbox"
    assert (result.outcome, result.passed, result.score) == (SandboxOutcome.NOT_GRADABLE, 0, None)
    assert "the code sandbox is unavailable" in result.detail and "namespace" in result.detail


async def test_a_refusal_at_run_time_is_not_gradable_either(tmp_path: Path) -> None:
    real = Isolation().bwrap
    script = REFUSING_AT_RUN_TIME.replace("{real}", real)
    sandbox = Sandbox(SandboxLimits(), isolation=Isolation(bwrap=stand_in(tmp_path, script)))
    assert await sandbox.check() is None  # the probe passed
    target = tmp_path / "planted.txt"
    result = await sandbox.run(planting(target), ["assert add(1, 2) == 3"])
    print(f"outcome={result.outcome.value} detail={result.detail!r}")
    assert not target.exists(), "the code ran without the sandbox"
    assert result.outcome == SandboxOutcome.NOT_GRADABLE
    assert "the kernel refused the sandbox" in result.detail


async def test_a_not_gradable_code_test_is_left_out_of_the_grade(tmp_path: Path) -> None:
    sandbox = Sandbox(
        SandboxLimits(), isolation=Isolation(bwrap=stand_in(tmp_path, REFUSING_BWRAP))
    )
    test = BenchTest.model_validate(
        {
            "id": "t",
            "prompt": "Write add(a, b).",
            "checks": [
                {"kind": "unit_tests", "entry_point": "add", "tests": ["assert add(1, 2) == 3"]}
            ],
            "reference_answer": "def add(a, b): return a + b",
        }
    )
    grade = await Grader(sandbox).grade(test, "```python\ndef add(a, b):\n    return a + b\n```")
    print(
        f"gradable={grade.gradable} outcome={grade.sandbox_outcome} score={grade.checks[0].score}"
    )
    assert grade.gradable is False and grade.sandbox_outcome == SandboxOutcome.NOT_GRADABLE
    assert grade.checks[0].score is None


def record(
    provider: str, category: Category, quality: float, gradable: bool = True
) -> AnswerRecord:
    return AnswerRecord(
        provider,
        "m",
        category,
        f"{category.value}-{quality}-{gradable}",
        quality,
        100.0,
        0.001,
        gradable=gradable,
    )


def test_scoring_leaves_not_gradable_tests_out_and_keeps_the_other_categories() -> None:
    records = [
        record("a", Category.CODING, 100.0),
        record("a", Category.CODING, 0.0, gradable=False),
        record("b", Category.CODING, 0.0, gradable=False),  # nothing gradable: no coding score
        record("a", Category.MATH, 80.0),
        record("b", Category.MATH, 60.0),
    ]
    scores = run_scores("run", [Category.CODING, Category.MATH], records, {}, 0.0)
    found = {(s.provider, s.category): s for s in scores}
    print({k: (v.quality_score, v.tests) for k, v in found.items()})
    assert found[("a", Category.CODING)].quality_score == pytest.approx(100.0)
    assert found[("a", Category.CODING)].tests == 2  # its latency and cost still count
    assert ("b", Category.CODING) not in found
    assert found[("a", Category.MATH)].quality_score == pytest.approx(80.0)
    assert found[("b", Category.MATH)].quality_score == pytest.approx(60.0)
    assert record("a", Category.CODING, 0.0, gradable=False).outcome == "not_gradable"


async def test_a_run_without_a_sandbox_completes_and_scores_the_other_categories(
    tmp_path: Path, mongo_db: AsyncDatabase[dict[str, Any]], simulator_url: str
) -> None:
    """The first two coding tests are unit tests only: with the kernel refusing the sandbox
    they are stored not gradable, coding gets no score, math is scored as usual."""
    suites = load_suites(small_suites(tmp_path / "suites", categories=("coding", "math")))
    refusing = Isolation(bwrap=stand_in(tmp_path, REFUSING_BWRAP))
    bench = await build_bench(
        mongo_db, suites, simulator_url, Sandbox(isolation=refusing), providers=["openai"]
    )
    run_id = await bench.launcher.launch(bench.launcher.plan())
    scores = await bench.launcher.wait(run_id)
    run = await bench.results.run(run_id)
    coding = await mongo_db[TEST_RESULTS].find({"run_id": run_id, "category": "coding"}).to_list()
    stored = await mongo_db[RESULTS].find({"run_id": run_id}).to_list()
    outcomes = [(d["sandbox_outcome"], d["gradable"]) for d in coding]
    scored = [(s.provider, s.category.value, s.quality_score) for s in scores or []]
    print(f"status={run and run['status']} coding={outcomes} scores={scored}")
    assert run is not None and run["status"] == "completed"
    assert outcomes == [("not_gradable", False)] * 2
    assert {s["category"] for s in stored} == {"math"}
