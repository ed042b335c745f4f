"""The distress rule (services/router/detection/own_distress.py): a message in which the writer
speaks of their own distress is empathy, whatever subject the model reads in it."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.own_distress import speaks_of_own_distress, with_distress_rule
from services.router.detection.written_rules import with_written_rules

CRISIS = "I regret not dropping out before I got this depressed"


@pytest.mark.parametrize(
    "text",
    [
        CRISIS,
        "What helps you sleep when I\u2019m this hopeless about the exams?",
        "My grandmother died last week and the grief makes every exam feel pointless",
        "I'm so overwhelmed by my thesis that I can't cope any more",
        "Having panic attacks before every statistics quiz, what do I do",
        "Lonely on my birthday again",
    ],
)
def test_the_writers_own_distress(text: str) -> None:
    assert speaks_of_own_distress(text)


@pytest.mark.parametrize(
    "text",
    [
        "What are the most common symptoms of depression?",  # no first person
        "How did the Great Depression affect farmers?",
        "Help me plan my study week for the finals",  # first person, no distress
        "It's tables, for crying out loud: why does my cell width grow?",
        "Solve the depressed cubic $t^3 + pt + q = 0$ for me",
        "I'm stressed: my Python function returns None\ndef f(x): x + 1",
    ],
)
def test_subjects_idioms_code_and_calm_requests_are_not(text: str) -> None:
    assert not speaks_of_own_distress(text)


def test_every_verdict_turns_into_empathy_but_a_translation_stays_language() -> None:
    for verdict in Category:
        assert with_distress_rule(verdict, CRISIS) is Category.EMPATHY
        assert with_written_rules(verdict, CRISIS) is Category.EMPATHY
    assert with_distress_rule(Category.GENERAL, "Help me plan my week") is Category.GENERAL
    translation = f"Translate into German: {CRISIS}"
    assert with_written_rules(Category.RESEARCH, translation) is Category.LANGUAGE


def test_the_detector_answers_a_short_crisis_post_as_empathy(detector: CategoryDetector) -> None:
    text = "Part of me wishes my suicide attempt had worked back in college"
    assert detector.detect(text).category is Category.EMPATHY
