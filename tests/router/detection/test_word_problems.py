"""The word-problem rule (services/router/detection/word_problems.py): a question for a quantity
that gives two or more quantities is math, numbers written as words included."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.word_problems import is_word_problem, with_word_problem_rule

POSTCARDS = (
    "The museum shop had seventy-two postcards. Visitors bought forty-five. How many postcards"
    " does the shop have now?"
)


@pytest.mark.parametrize(
    "text",
    [
        POSTCARDS,
        "Omar bought 12 boxes of pencils. Each box holds six pencils. How many pencils?",
        "A baker sells a dozen rolls and half a dozen buns. How many pieces in all?",
        "Mia saved 3.50 dollars a day for 12 days. What is the total?",
    ],
)
def test_word_problems(text: str) -> None:
    assert is_word_problem(text)


@pytest.mark.parametrize(
    "text",
    [
        "How many moons does Jupiter have?",
        "How many seasons of The Office are there? I watched season 2 only",  # one number
        "How old was Mozart when he died in 1791? He was born in 1756.",  # years date facts
        "I have one sister and one brother; how much should I spend on gifts?",  # "one"
        "Omar bought 12 boxes and 6 bags.",  # asks for nothing
    ],
)
def test_facts_and_stories_without_a_quantity_question_are_not(text: str) -> None:
    assert not is_word_problem(text)


def test_only_a_general_verdict_turns_into_math() -> None:
    assert with_word_problem_rule(Category.GENERAL, POSTCARDS) is Category.MATH
    for verdict in (Category.RESEARCH, Category.CODING, Category.LANGUAGE, Category.EMPATHY):
        assert with_word_problem_rule(verdict, POSTCARDS) is verdict


def test_the_detector_answers_a_word_problem_in_words_as_math(
    detector: CategoryDetector,
) -> None:
    probabilities = detector.probabilities(POSTCARDS)
    assert max(probabilities, key=probabilities.__getitem__) is Category.GENERAL  # the story
    assert detector.detect(POSTCARDS).category is Category.MATH
