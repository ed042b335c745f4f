"""Each grading kind on answers that pass, half pass and fail."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from services.benchmark.graders import Grader, text
from services.benchmark.graders.code import extract_code
from services.benchmark.graders.numeric import final_number, numeric
from services.benchmark.sandbox import Sandbox, SandboxOutcome
from services.benchmark.suite_model import (
    BenchTest,
    Check,
    ContainsCheck,
    ExactCheck,
    KeywordsCheck,
    LengthCheck,
    NumericCheck,
    RubricCheck,
)

CHECK: TypeAdapter[Check] = TypeAdapter(Check)


def check(**fields: Any) -> Any:
    return CHECK.validate_python(fields)


def bench_test(*checks: dict[str, Any]) -> BenchTest:
    return BenchTest.model_validate(
        {"id": "t", "prompt": "p", "checks": list(checks), "reference_answer": "r"}
    )


def test_keywords_accept_synonyms_and_give_full_marks_at_the_required_fraction() -> None:
    spec: KeywordsCheck = check(
        kind="keywords",
        keywords=[["split", "divide"], "merge", "recurs", "stable"],
        required_fraction=0.75,
    )
    assert text.keywords(spec, "Divide the list, then MERGE the halves recursively.").score == 1
    assert text.keywords(spec, "We merge them.").score == pytest.approx((1 / 4) / 0.75)
    assert text.keywords(spec, "Nothing relevant.").score == 0


def test_keywords_match_at_word_starts_only() -> None:
    spec: KeywordsCheck = check(kind="keywords", keywords=["heap"])
    assert text.keywords(spec, "a heapq module").score == 1
    assert text.keywords(spec, "the cheap one").score == 0


def test_must_contain_and_must_not_contain_score_the_share_obeyed() -> None:
    spec: ContainsCheck = check(
        kind="contains", must_contain=["def", "return"], must_not_contain=["eval("]
    )
    assert text.contains(spec, "def f(): return 1").score == 1
    assert text.contains(spec, "def f(): eval('1')").score == pytest.approx(1 / 3)
    sensitive: ContainsCheck = check(kind="contains", must_contain=["Tom"], case_sensitive=True)
    assert text.contains(sensitive, "said Tom").score == 1
    assert text.contains(sensitive, "said tom").score == 0


def test_curly_quotes_match_straight_ones() -> None:
    spec: ContainsCheck = check(kind="contains", must_contain=["it's raining"])
    assert text.contains(spec, "\u201cIt\u2019s raining,\u201d said Tom.").score == 1


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ("The capital is Canberra.\nAnswer: Canberra", 1.0),
        ("answer: **canberra.**", 1.0),
        ("I think it is \\boxed{Canberra}", 1.0),
        ("Sydney? No wait.\nCanberra", 1.0),
        ("Answer: Sydney", 0.0),
        ("Canberra is the capital.\nAnswer: Sydney", 0.0),
    ],
)
def test_exact_compares_the_final_answer(answer: str, score: float) -> None:
    spec: ExactCheck = check(kind="exact", answer="Canberra")
    assert text.exact(spec, answer).score == score


@pytest.mark.parametrize(
    ("answer", "number"),
    [
        ("3x = 18 so x = 6.\nAnswer: 6", 6.0),
        ("Answer: $1,157.63 in total", 1157.63),
        ("The result is 5/36, about 0.1389", 0.1389),
        ("Answer: 5/36", 5 / 36),
        ("so \\boxed{\\frac{2}{3}}", 2 / 3),
        ("It drops to \u22124 degrees", -4.0),
        ("the range 5-3 gives 2", 2.0),
        ("6.02e23 molecules", 6.02e23),
        ("25% of them", 25.0),
        ("Answer: x = -2.5, check: 2(-2.5) = -5", -2.5),
        ("no digits here", None),
    ],
)
def test_the_final_number_is_extracted_from_the_text(answer: str, number: float | None) -> None:
    found = final_number(answer)
    assert found == (None if number is None else pytest.approx(number))


def test_numeric_applies_absolute_and_relative_tolerance() -> None:
    absolute: NumericCheck = check(kind="numeric", answer=0.13888, tolerance=0.0005)
    assert numeric(absolute, "Answer: 0.1389").score == 1
    assert numeric(absolute, "Answer: 0.14").score == 0
    relative: NumericCheck = check(kind="numeric", answer=299792, relative_tolerance=0.01)
    assert numeric(relative, "about 300,000 km/s").score == 1
    assert numeric(relative, "about 310,000 km/s").score == 0
    assert numeric(relative, "fast").detail == "no number in the answer"


def test_length_falls_in_proportion_outside_its_bounds() -> None:
    spec: LengthCheck = check(kind="length", min_words=4, max_words=8)
    assert text.length(spec, "one two three four").score == 1
    assert text.length(spec, "one two").score == 0.5
    assert text.length(spec, " ".join(["w"] * 16)).score == 0.5


def test_rubric_counts_named_criteria_and_dismissive_phrases_fail_theirs() -> None:
    spec: RubricCheck = check(
        kind="rubric",
        criteria=[
            {"name": "acknowledges the feeling", "any": ["that sounds", "i'm sorry"]},
            {"name": "no dismissive phrases", "none": ["calm down", "no big deal"]},
            {"name": "offers a next step", "any": ["try", "let's"]},
            {"name": "covers two aspects", "any": ["sleep", "plan", "breathe"], "min_matches": 2},
        ],
    )
    good = "I'm sorry, that sounds hard. Let's plan the week and make sure you sleep."
    assert text.rubric(spec, good).score == 1
    dismissive = "Calm down, it's no big deal. Try to plan and sleep."
    result = text.rubric(spec, dismissive)
    assert result.score == 0.5
    assert "acknowledges the feeling" in result.detail and "no dismissive" in result.detail


def test_code_is_taken_from_python_fences_that_compile() -> None:
    answer = (
        "Here:\n```python\ndef f(x):\n    return x + 1\n```\nUsage:\n"
        "```python\n>>> f(1)\n2\n```\nand in JS:\n```js\nconst f = x => x\n```"
    )
    assert extract_code(answer) == "def f(x):\n    return x + 1\n"
    assert extract_code("```\nprint(1)\n```") == "print(1)\n"
    assert extract_code("def f(): return 1") is None
    assert extract_code("~~~py\nx = 1\n~~~") == "x = 1\n"


async def test_unit_tests_score_the_share_of_tests_passed(sandbox: Sandbox) -> None:
    test = bench_test(
        {
            "kind": "unit_tests",
            "entry_point": "add",
            "tests": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 2) == 5"],
        }
    )
    grade = await Grader(sandbox).grade(test, "```python\ndef add(a, b):\n    return a + b\n```")
    assert grade.quality == pytest.approx(200 / 3)
    assert grade.sandbox_outcome == SandboxOutcome.FAILED
    assert "assert add(2, 2) == 5 -> AssertionError" in grade.checks[0].detail


async def test_code_missing_or_misnamed_scores_zero(sandbox: Sandbox) -> None:
    test = bench_test({"kind": "unit_tests", "entry_point": "add", "tests": ["assert add(1, 1)"]})
    no_code = await Grader(sandbox).grade(test, "Just add the numbers.")
    assert (no_code.quality, no_code.sandbox_outcome) == (0, SandboxOutcome.NO_CODE)
    misnamed = await Grader(sandbox).grade(test, "```python\ndef plus(a, b):\n    return a+b\n```")
    assert misnamed.quality == 0 and "no function named 'add'" in misnamed.checks[0].detail


async def test_quality_is_the_weighted_mean_of_the_checks(sandbox: Sandbox) -> None:
    test = bench_test(
        {"kind": "contains", "must_contain": ["alpha"], "weight": 3},
        {"kind": "contains", "must_contain": ["beta"]},
    )
    assert (await Grader(sandbox).grade(test, "alpha")).quality == 75
    assert (await Grader(sandbox).grade(test, "beta")).quality == 25
