"""The code rule (services/router/detection/code_requests.py): code without words, or a request
for code, is coding whatever it computes; the detector turns math and general verdicts on it."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.code_requests import (
    is_code_or_code_request,
    names_code,
    opens_as_code,
    with_code_rule,
)
from services.router.detection.written_rules import with_written_rules

MONTE_CARLO = '''def pi_estimator(iterations: int) -> float:
    """Estimate pi: draw points in the unit square, count those inside the circle."""
    inside = sum(1 for _ in range(iterations) if random() ** 2 + random() ** 2 <= 1)
    return 4 * inside / iterations'''


@pytest.mark.parametrize(
    "text",
    [
        MONTE_CARLO,
        "import numpy as np\nx = np.linalg.lstsq(a, b)",
        "#include <stdio.h>\nint main() { return 0; }",
        "Create a function in Python to compute the volume of a cone",
        "Write a recursive function that returns the n-th Fibonacci number",
        "solve the linear equations with sympy",
        "Implement a query that sums the invoices per month",
        "Translate this expression into C++ code",  # "++" then a space: no word boundary
        "how do events work in C#?",
        "Design a function that tells whether a year is a leap year",
        "Develop a C program that counts the lines of a text file",
        "Build a Python script that renames my photos by the date they were taken",
        "Create an R script that plots the monthly rainfall of my town",
    ],
)
def test_code_and_requests_for_code(text: str) -> None:
    assert is_code_or_code_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "Solve for x: 3x + 7 = 25",
        "Let f be a function continuous on [0, 1]; prove that f attains its maximum.",
        "Is there an algorithm-free proof that the array of primes is infinite?",
        "Find the coefficient of $x^6$ in $(1 + x + x^2)^5$",
        "What is a good way to plan a study week?",
        "The class was about the French revolution; what should I read first?",
        "Design an experiment to compare two fertilisers",
        "Develop a study plan for the calculus exam",
    ],
)
def test_mathematics_and_everyday_requests_are_not_code(text: str) -> None:
    assert not is_code_or_code_request(text)


def test_only_math_and_general_verdicts_are_turned_into_coding() -> None:
    request = "Write a Python function that computes the median of a list"
    for verdict in (Category.MATH, Category.GENERAL):
        assert with_code_rule(verdict, request) is Category.CODING
    for verdict in (Category.RESEARCH, Category.LANGUAGE, Category.EMPATHY, Category.CODING):
        assert with_code_rule(verdict, request) is verdict
    assert with_code_rule(Category.MATH, "Integrate 2x from 0 to 3") is Category.MATH


PLURAL_STUB = '''def plural(noun: str) -> str:
    """Return the plural form of an English noun.
    >>> plural("city")
    'cities'
    """
'''


@pytest.mark.parametrize(
    "text",
    [
        PLURAL_STUB,
        "from typing import List\n\ndef merge(words: List[str]) -> str:\n    ...",
        "  async def fetch(url):\n    pass",
        "class Translator:\n    def translate(self, sentence): ...",
        "import re\nwords = re.findall(r'\\w+', text)",
        "@lru_cache\ndef syllables(word): ...",
        "#include <string.h>\nsize_t len = strlen(s);",
        "function capitalize(word) {\n  return word[0].toUpperCase() + word.slice(1);\n}",
        "const greeting = 'hola';",
        "public static String reverse(String s) {",
        'fn main() {\n    println!("hi");\n}',
    ],
)
def test_a_message_that_opens_as_code_is_code(text: str) -> None:
    assert opens_as_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "Import duties on grain rose in 1846; why did the Corn Laws fall?",
        "Class 3 students wrote poems; how do I grade them fairly?",
        "Define the word 'ubiquitous' and use it in a sentence",
        "Please fix my code:\ndef f(x): return x",  # words first: the verdict's own rule decides
        "Public speaking makes me cry before every class",
        "@tutor\nI'm stuck on question 3",  # a mention, not a decorator
        "From the payoff of European options, show that dC/dK > -1",
        "Let x be a real number; prove that x^2 >= 0",
    ],
)
def test_words_first_do_not_open_as_code(text: str) -> None:
    assert not opens_as_code(text)


def test_code_overrides_every_verdict_a_request_for_code_only_math_and_general() -> None:
    for verdict in Category:
        assert with_code_rule(verdict, PLURAL_STUB) is Category.CODING
    request = "Write a Python function that pluralises nouns"
    assert with_code_rule(Category.LANGUAGE, request) is Category.LANGUAGE


@pytest.mark.parametrize(
    "text",
    [
        "Why does my robot stop before it calls turn_right in the second lap?",
        "Is it fine to set the colour inside __init__ or should it be a parameter?",
        "How many times does the while loop run when n starts at 10?",
        "In my for statement the counter never reaches the last card",
        "What is the difference between read_csv and read_table?",
    ],
)
def test_a_question_that_names_code_is_coding_unless_it_is_distress(text: str) -> None:
    assert names_code(text)
    for verdict in (Category.MATH, Category.GENERAL, Category.RESEARCH, Category.LANGUAGE):
        assert with_code_rule(verdict, text) is Category.CODING
    assert with_code_rule(Category.EMPATHY, text) is Category.EMPATHY


@pytest.mark.parametrize(
    "text",
    [
        "Let $a_n$ be a sequence with a_n -> 0; does the sum of a_n x_n converge?",
        "Find x_max for the parabola y = 4x - x^2",
        r"Show that \alpha_{ij} is symmetric",
        "The if clause in this sentence sounds odd to me",  # grammar, not code: no statement
        "What happened during the first loop of the race?",
    ],
)
def test_subscripts_and_everyday_words_do_not_name_code(text: str) -> None:
    assert not names_code(text)


def test_the_detector_reads_a_stub_about_words_as_coding(detector: CategoryDetector) -> None:
    probabilities = detector.probabilities(PLURAL_STUB)
    # the model alone reads the docstring's topic; the rule is what decides
    assert max(probabilities, key=probabilities.__getitem__) is not Category.CODING
    assert detector.detect(PLURAL_STUB).category is Category.CODING


def test_the_rules_apply_in_order() -> None:
    # research -> general (one fact) -> coding (names a language)
    assert with_written_rules(Category.RESEARCH, "What is a Python decorator?") is Category.CODING
    assert with_written_rules(Category.RESEARCH, "Who discovered penicillin?") is Category.GENERAL


def test_the_detector_reads_code_that_computes_mathematics_as_coding(
    detector: CategoryDetector,
) -> None:
    for text in (MONTE_CARLO, "Create a function in Python to compute the volume of a cone"):
        probabilities = detector.probabilities(text)
        guess = detector.detect(text)
        assert guess.category is Category.CODING
        best = max(probabilities, key=probabilities.__getitem__)
        expected = probabilities[Category.CODING] + (
            probabilities[best] if best is not Category.CODING else 0.0
        )
        assert guess.confidence == pytest.approx(expected)
    assert detector.detect("Solve for x: 3x + 7 = 25").category is Category.MATH
