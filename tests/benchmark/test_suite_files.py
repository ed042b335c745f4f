"""Suite files with nonsense in them are refused at load, naming the file, the test and the
field: not UTF-8, non-finite numbers, blank prompts, huge max_tokens, snippets that do not
parse, reference answers their own checks do not grade 100, and files too big."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.benchmark import suites as suites_module
from services.benchmark.settings import SUITES_DIR
from services.benchmark.suite_model import MAX_TESTS_PER_SUITE
from services.benchmark.suites import SuiteError, load_suite, load_suites
from tests.benchmark.conftest import write_suite

GOOD: dict[str, Any] = {
    "id": "math-one",
    "prompt": "What is 2 + 2? End with 'Answer: <number>'.",
    "checks": [{"kind": "numeric", "answer": 4}],
    "reference_answer": "Answer: 4",
}
CODE: dict[str, Any] = {
    "id": "coding-add",
    "prompt": "Write add(a, b).",
    "checks": [{"kind": "unit_tests", "tests": ["assert add(1, 2) == 3"]}],
    "reference_answer": "```python\ndef add(a, b):\n    return a + b\n```",
}


def _problems(path: Path) -> list[tuple[str | None, str, str]]:
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [(p.test_id, p.field, p.message) for p in caught.value.problems]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "math.json"
    path.write_bytes(b'{"category": "math", "description": "\xff", "tests": []}')
    [(test_id, field, message)] = _problems(path)
    assert (test_id, field) == (None, "(file)") and message.startswith("not UTF-8")


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('"answer": NaN', "checks[0].answer", "finite number"),
        ('"answer": Infinity', "checks[0].answer", "finite number"),
        ('"answer": true', "checks[0].answer", "valid number"),
        ('"answer": "4"', "checks[0].answer", "valid number"),
        ('"answer": 4, "tolerance": Infinity', "checks[0].tolerance", "finite number"),
        ('"answer": 4, "tolerance": NaN', "checks[0].tolerance", "finite number"),
        ('"answer": 4, "weight": NaN', "checks[0].weight", ""),
    ],
)
def test_a_numeric_check_needs_finite_numbers(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    path = tmp_path / "math.json"
    test = json.dumps({**GOOD, "checks": ["CHECK"]}).replace(
        '"CHECK"', '{"kind": "numeric", ' + text + "}"
    )
    path.write_text('{"category": "math", "tests": [' + test + "]}")
    [(test_id, got_field, got_message)] = _problems(path)
    assert (test_id, got_field) == ("math-one", field)
    assert message in got_message


@pytest.mark.parametrize("field", ["prompt", "reference_answer"])
def test_a_blank_prompt_or_reference_answer_is_refused(tmp_path: Path, field: str) -> None:
    path = write_suite(tmp_path, "math", [{**GOOD, field: "  \n\t "}])
    assert _problems(path) == [("math-one", field, "must not be blank (white space only)")]


def test_max_tokens_is_bounded(tmp_path: Path) -> None:
    load_suite(write_suite(tmp_path, "math", [{**GOOD, "max_tokens": 32768}]))
    path = write_suite(tmp_path, "math", [{**GOOD, "max_tokens": 10**15}])
    [(test_id, field, message)] = _problems(path)
    assert (test_id, field) == ("math-one", "max_tokens") and "32768" in message


def test_a_unit_test_snippet_that_does_not_parse_is_refused_at_load(tmp_path: Path) -> None:
    check = {"kind": "unit_tests", "tests": ["assert add(1, 2) == 3", "assert add(1,, 2) == 3"]}
    path = write_suite(tmp_path, "coding", [{**CODE, "checks": [check]}])
    [(test_id, field, message)] = _problems(path)
    assert (test_id, field) == ("coding-add", "checks[0].tests[1]")
    assert message.startswith("not valid Python: ") and "(line 1)" in message


def test_a_reference_answer_its_checks_do_not_grade_100_is_refused(tmp_path: Path) -> None:
    wrong = {**GOOD, "reference_answer": "Answer: 7"}
    keywords = {"kind": "keywords", "keywords": ["four"]}
    both = {**GOOD, "id": "math-two", "checks": [GOOD["checks"][0], keywords]}
    path = write_suite(tmp_path, "math", [wrong, both])
    problems = _problems(path)
    assert [(t, f) for t, f, _ in problems] == [
        ("math-one", "checks[0]"),
        ("math-two", "checks[1]"),
    ]
    assert "reference_answer scores 0.00 of 1 on this numeric check" in problems[0][2]
    assert "keywords check" in problems[1][2]


def test_code_and_judge_checks_are_left_to_the_runs(tmp_path: Path) -> None:
    judge = {"kind": "judge", "criteria": "is kind"}
    code = {**CODE, "reference_answer": "no code here", "checks": [*CODE["checks"], judge]}
    [test] = load_suite(write_suite(tmp_path, "coding", [code])).tests
    assert test.id == "coding-add"


def test_a_suite_file_over_the_size_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_suite(tmp_path, "math", [GOOD])
    monkeypatch.setattr(suites_module, "MAX_SUITE_BYTES", path.stat().st_size - 1)
    [(test_id, field, message)] = _problems(path)
    assert (test_id, field) == (None, "(file)") and message.startswith("larger than")


def test_the_size_cap_is_5_mib() -> None:
    assert suites_module.MAX_SUITE_BYTES == 5 * 1024 * 1024


def test_a_suite_with_too_many_tests_is_refused(tmp_path: Path) -> None:
    tests = [{**GOOD, "id": f"math-{n}"} for n in range(MAX_TESTS_PER_SUITE + 1)]
    path = write_suite(tmp_path, "math", tests)
    [(test_id, field, message)] = _problems(path)
    assert (test_id, field) == (None, "tests") and "at most 1000" in message


def test_the_shipped_suites_pass_the_load_time_checks() -> None:
    assert load_suites(SUITES_DIR)
