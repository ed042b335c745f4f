"""The creative rule (services/router/detection/creative_requests.py): a request for creative
writing is general whatever its topic; essays, code and translations keep their verdicts."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.creative_requests import (
    asks_for_creative_writing,
    with_creative_rule,
)
from services.router.detection.written_rules import with_written_rules

LIMERICK = "Compose a limerick about quantum physics."


@pytest.mark.parametrize(
    "text",
    [
        LIMERICK,
        "Write a short poem about the history of the Roman Empire.",
        "Please write me a bedtime story about photosynthesis",
        "Give me 10 titles for a mystery novel set in a physics lab",
        "Draft a speech for a graduation about the importance of curiosity.",
        "Write a cover letter for a lab technician job",
        "Imagine you are a medieval knight. Describe your typical day.",
        "Act as a tour guide in ancient Rome",
    ],
)
def test_requests_for_creative_writing(text: str) -> None:
    assert asks_for_creative_writing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Write an essay analysing the causes of the First World War",  # must analyse: research
        "Create a 6-letter temporary file name in the given folder",
        "What does the poem 'Ozymandias' say about power?",  # about a poem, not asking for one
        "Summarize the story of the Trojan war",
        "Compare the studies on sleep and memory; then write a conclusion",
    ],
)
def test_essays_questions_about_writing_and_other_tasks_are_not(text: str) -> None:
    assert not asks_for_creative_writing(text)


def test_research_and_math_verdicts_turn_into_general() -> None:
    for verdict in (Category.RESEARCH, Category.MATH):
        assert with_creative_rule(verdict, LIMERICK) is Category.GENERAL
    for verdict in (Category.CODING, Category.LANGUAGE, Category.EMPATHY, Category.GENERAL):
        assert with_creative_rule(verdict, LIMERICK) is verdict
    # later rules decide after it: code asked for is coding
    song = "Write a song lyrics generator in Python"
    assert with_written_rules(Category.RESEARCH, song) is Category.CODING


def test_the_detector_answers_a_poem_on_a_scholarly_topic_as_general(
    detector: CategoryDetector,
) -> None:
    probabilities = detector.probabilities(LIMERICK)
    assert max(probabilities, key=probabilities.__getitem__) is Category.RESEARCH
    assert detector.detect(LIMERICK).category is Category.GENERAL
