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

FORMAL = "Rewrite this more formally: the probe's spectra suggest the comet is mostly ice."


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
        "Translate this formula into C++ code: g(t) = 2t^3 + t - 4",
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
        "i'd like to know what ephemeral means",
        "how do italians say good morning",
        "What's the Japanese word for thank you?",
        "what is greek for thank you",
        "Give me a synonym for happy",
        "What's the plural of cactus?",
        "look up quixotic in the dictionary",
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
        "My robot's move_twice function returns early. What does it mean?",
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
    question = "how do italians say good morning"
    for verdict in (Category.GENERAL, Category.MATH):
        assert with_language_rules(verdict, question) is Category.LANGUAGE
    for verdict in (Category.RESEARCH, Category.CODING, Category.EMPATHY):
        assert with_language_rules(verdict, question) is verdict
