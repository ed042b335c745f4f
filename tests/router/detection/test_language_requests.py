"""The rewriting rule (services/router/detection/language_requests.py): a message that opens by
asking to translate or rewrite a text is language, whatever the text is about; code stays."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.language_requests import (
    asks_about_a_word,
    asks_to_rewrite,
    with_language_rules,
)

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
        assert with_language_rules(verdict, FORMAL) is Category.LANGUAGE
    assert with_language_rules(Category.CODING, FORMAL) is Category.CODING


def test_the_detector_answers_a_rewrite_of_a_scientific_sentence_as_language(
    detector: CategoryDetector,
) -> None:
    probabilities = detector.probabilities(FORMAL)
    assert max(probabilities, key=probabilities.__getitem__) is not Category.LANGUAGE
    assert detector.detect(FORMAL).category is Category.LANGUAGE


@pytest.mark.parametrize(
    "text",
    [
        "i want to know what trenchant means",
        "how do germans say goodnight",
        "What's the Japanese word for thank you?",
        "what is latin for i love you",
        "Give me a synonym for happy",
        "What's the plural of cactus?",
        "look up zesty in dictionary",
        "define ubiquitous",
    ],
)
def test_questions_about_a_word(text: str) -> None:
    assert asks_about_a_word(text)


@pytest.mark.parametrize(
    "text",
    [
        "What is photosynthesis?",  # a concept: general
        "what is the meaning of life?",
        "In task2, the carries_beeper function. What does it mean?",
        "Define a function that returns the sum of a list",
        "How many people speak Spanish?",
        # a long post that mentions a meaning asks about more than the word
        "My advisor keeps saying my thesis lacks rigour and I have rewritten the methods twice."
        " I asked the lab and nobody agrees on what rigour means here; the committee meets in"
        " May, the data collection ran late because the ethics approval took four months, and"
        " I still have two chapters to write. How should I plan the next eight weeks?",
    ],
)
def test_concepts_and_other_questions_are_not_about_a_word(text: str) -> None:
    assert not asks_about_a_word(text)


def test_only_general_and_math_verdicts_on_a_word_turn_into_language() -> None:
    question = "how do germans say goodnight"
    for verdict in (Category.GENERAL, Category.MATH):
        assert with_language_rules(verdict, question) is Category.LANGUAGE
    for verdict in (Category.RESEARCH, Category.CODING, Category.EMPATHY):
        assert with_language_rules(verdict, question) is verdict
