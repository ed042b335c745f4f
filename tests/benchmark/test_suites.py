"""The suite files: complete, gradeable, and a malformed one is rejected naming file, test and
field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from masterx.domain import Category
from services.benchmark.graders import Grader
from services.benchmark.sandbox import Sandbox
from services.benchmark.suite_model import Suite, UnitTestsCheck
from services.benchmark.suites import SuiteError, load_suite, load_suites
from tests.benchmark.conftest import write_suite

GOOD_TEST: dict[str, Any] = {
    "id": "math-one",
    "prompt": "What is 2 + 2? End with 'Answer: <number>'.",
    "checks": [{"kind": "numeric", "answer": 4}],
    "reference_answer": "Answer: 4",
}


def test_every_category_has_a_suite_of_at_least_12_tests(suites: dict[Category, Suite]) -> None:
    assert set(suites) == set(Category)
    for category, suite in suites.items():
        assert len(suite.tests) >= 12, category
    ids = [t.id for s in suites.values() for t in s.tests]
    assert len(ids) == len(set(ids))


def test_coding_is_graded_by_running_code_and_math_by_numbers(
    suites: dict[Category, Suite],
) -> None:
    coding = [
        t
        for t in suites[Category.CODING].tests
        if any(isinstance(c, UnitTestsCheck) for c in t.checks)
    ]
    assert len(coding) >= 10
    math_kinds = {c.kind for t in suites[Category.MATH].tests for c in t.checks}
    assert math_kinds <= {"numeric", "exact"}
    for category in (Category.EMPATHY, Category.RESEARCH):
        assert all(any(c.kind == "rubric" for c in t.checks) for t in suites[category].tests)


async def test_every_reference_answer_gets_quality_100_from_its_own_grader(
    suites: dict[Category, Suite],
    sandbox: Sandbox,
) -> None:
    grader = Grader(sandbox)
    below = {}
    for suite in suites.values():
        for test in suite.tests:
            grade = await grader.grade(test, test.reference_answer)
            if grade.quality != 100:
                below[test.id] = [c for c in grade.checks if c.score != 1]
    assert below == {}


async def test_a_non_answer_gets_low_quality_everywhere(
    suites: dict[Category, Suite],
    sandbox: Sandbox,
) -> None:
    grader = Grader(sandbox)
    for category, suite in suites.items():
        qualities = [(await grader.grade(t, "I am not sure.")).quality for t in suite.tests]
        assert max(qualities) < 100, category
        assert sum(qualities) / len(qualities) < 40, category


def _problems(path: Path) -> list[tuple[str | None, str, str]]:
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    for problem in caught.value.problems:
        assert problem.file == str(path)
        assert str(path) in str(caught.value)
    return [(p.test_id, p.field, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"checks": [{"kind": "numeric", "answer": "four"}]}, "checks[0].answer", "valid number"),
        ({"checks": [{"kind": "telepathy"}]}, "checks[0]", "telepathy"),
        ({"prompt": None}, "prompt", "valid string"),
        ({"checks": []}, "checks", "at least 1"),
        ({"surprise": 1}, "surprise", "not permitted"),
        ({"checks": [{"kind": "length"}]}, "checks[0]", "min_words or max_words"),
        (
            {"checks": [{"kind": "rubric", "criteria": [{"name": "kind"}]}]},
            "checks[0].criteria[0]",
            "'any' or 'none'",
        ),
        (
            {"checks": [{"kind": "keywords", "keywords": ["a", ["b", 3]]}]},
            "checks[0].keywords[1][1]",
            "valid string",
        ),
        ({"checks": [{"kind": "judge", "criteria": "good"}]}, "(whole entry)", "besides 'judge'"),
        ({"reference_answer": ""}, "reference_answer", "at least 1 character"),
    ],
)
def test_a_malformed_test_is_rejected_naming_file_test_and_field(
    tmp_path: Path,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    path = write_suite(tmp_path, "math", [GOOD_TEST, {**GOOD_TEST, "id": "math-two", **change}])
    problems = _problems(path)
    assert len(problems) == 1, problems
    ((test_id, found_field, found_message),) = problems
    assert (test_id, found_field) == ("math-two", field)
    assert message in found_message


def test_a_bad_id_is_named_as_given(tmp_path: Path) -> None:
    problems = _problems(write_suite(tmp_path, "math", [{**GOOD_TEST, "id": "Bad Id!"}]))
    assert [(p[0], p[1]) for p in problems] == [("Bad Id!", "id")]


def test_a_test_without_an_id_is_named_by_its_position(tmp_path: Path) -> None:
    entry = {k: v for k, v in GOOD_TEST.items() if k != "id"}
    problems = _problems(write_suite(tmp_path, "math", [GOOD_TEST, entry]))
    assert problems == [("#2", "id", "Field required")]


def test_duplicate_ids_and_a_wrong_category_are_rejected(tmp_path: Path) -> None:
    path = write_suite(tmp_path, "math", [GOOD_TEST, GOOD_TEST])
    raw = json.loads(path.read_text())
    raw["category"] = "coding"
    path.write_text(json.dumps(raw))
    problems = _problems(path)
    assert (None, "category", "'coding' in a file named 'math.json'") in problems
    assert ("math-one", "id", "used by another test") in problems


def test_a_file_that_is_not_json_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "math.json"
    path.write_text('{"category": "math",\n "tests": [}\n')
    (problem,) = _problems(path)
    assert problem[0] is None and problem[1] == "(file)" and "line 2" in problem[2]


def test_a_directory_rejects_unknown_file_names_and_ids_shared_across_files(
    tmp_path: Path,
) -> None:
    write_suite(tmp_path, "math", [GOOD_TEST])
    write_suite(tmp_path, "general", [GOOD_TEST])
    write_suite(tmp_path, "cooking", [GOOD_TEST])
    with pytest.raises(SuiteError) as caught:
        load_suites(tmp_path)
    text = str(caught.value)
    assert "cooking.json" in text and "not a category" in text
    assert "'math-one'" in text and "also used in" in text


def test_a_directory_without_suites_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=r"no <category>\.json suite"):
        load_suites(tmp_path)
    with pytest.raises(SuiteError, match="no such directory"):
        load_suites(tmp_path / "missing")
