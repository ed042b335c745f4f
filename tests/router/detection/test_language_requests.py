"""The rewriting rule (services/router/detection/language_requests.py): a message that opens by
asking to translate or rewrite a text is language, whatever the text is about; code stays."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.language_requests import asks_to_rewrite, with_rewriting_rule

FORMAL = "Rewrite this more formally: Radar observations indicate an iron-nickel core."


@pytest.mark.parametrize(
    "text",
    [
        FORMAL,
        "Can you shorten this sentence? The treaty was signed on 17 June 1944 by 12 states.",
        "Please proofread my paragraph about the French revolution",
        "Translate into Spanish: the derivative of x squared is two x",
        "Correct the grammar in the following: he go to school yesterday",
        "paraphrase these sentences for a ten-year-old",
    ],
)
def test_requests_to_translate_or_rewrite_a_text(text: str) -> None:
    assert asks_to_rewrite(text)


@pytest.mark.parametrize(
    "text",
    [
        "Translate this mathematical expression into C++ code: f(x) = 5x^2 - 3x + 7",
        "Rewrite this function in Python so that it is faster",
        "Simplify (x^2 - 1) / (x - 1)",  # no text to rewrite: mathematics
        "Fix my bike's chain, it keeps slipping",
        "How do I translate my research into policy impact?",  # does not open with the request
    ],
)
def test_code_mathematics_and_other_requests_are_not(text: str) -> None:
    assert not asks_to_rewrite(text)


def test_every_verdict_but_coding_turns_into_language() -> None:
    for verdict in (Category.RESEARCH, Category.MATH, Category.GENERAL, Category.EMPATHY):
        assert with_rewriting_rule(verdict, FORMAL) is Category.LANGUAGE
    assert with_rewriting_rule(Category.CODING, FORMAL) is Category.CODING


def test_the_detector_answers_a_rewrite_of_a_scientific_sentence_as_language(
    detector: CategoryDetector,
) -> None:
    probabilities = detector.probabilities(FORMAL)
    assert max(probabilities, key=probabilities.__getitem__) is not Category.LANGUAGE
    assert detector.detect(FORMAL).category is Category.LANGUAGE
