"""The one-fact rule (services/router/detection/fact_questions.py): the same tests relabel the
training rows and turn the detector's research verdicts on one-fact questions and everyday
how-tos into general."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.fact_questions import (
    is_everyday_how_to,
    is_one_fact_question,
    with_one_fact_rule,
)


@pytest.mark.parametrize(
    "text",
    [
        "Who discovered penicillin?",
        "what empire did maria theresa rule?",
        "What constellation represents a hunter?",  # "represents" is interpretation: below
        "What is cognitive dissonance?",
        "How many moons does Jupiter have?",
        "when did the berlin wall fall",
        "Which element has the symbol Fe?",
    ],
)
def test_short_questions_after_one_fact_or_definition(text: str) -> None:
    expected = "represent" not in text
    assert is_one_fact_question(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "What were the main causes of World War I?",  # causes
        "What does the conch symbolize in Lord of the Flies?",  # interpretation
        "What are recent approaches to reducing hallucination in language models?",  # the field
        "What was apartheid and how did it end?",  # a second question
        "What evidence is there that mindfulness reduces anxiety?",  # evidence
        "What are the limitations of the proposed method?",  # a paper's own work
        "Why did the Roman Empire fall?",  # not a fact question's start
        "Who was Napoleon, what did he conquer, and why did he lose at Waterloo in the end?",
        "What is entropy?\nExplain it with an example.",  # more than one line
        # a field's methods: what a survey of it answers, not one fact
        "Which evaluation protocols are used for open-domain dialogue systems?",
        "What strategies reduce hallucination in neural machine translation?",
        "What are the trade-offs of using synthetic data to pretrain vision models?",
        "Which training objectives help dense retrievers generalize to new domains?",
        "What metrics are used to measure bias in word embeddings?",
    ],
)
def test_questions_that_ask_for_more_than_a_fact(text: str) -> None:
    assert not is_one_fact_question(text)


def test_only_a_research_verdict_is_turned_into_general() -> None:
    fact = "Who discovered penicillin?"
    assert with_one_fact_rule(Category.RESEARCH, fact) is Category.GENERAL
    for other in (Category.CODING, Category.MATH, Category.LANGUAGE, Category.GENERAL):
        assert with_one_fact_rule(other, fact) is other
    assert with_one_fact_rule(Category.RESEARCH, "Why did the USSR collapse?") is Category.RESEARCH


def test_the_detector_reads_a_fact_question_on_a_research_topic_as_general(
    detector: CategoryDetector,
) -> None:
    for text in ("What year did the French Revolution begin?", "Who discovered penicillin?"):
        probabilities = detector.probabilities(text)
        guess = detector.detect(text)
        assert guess.category is Category.GENERAL
        if max(probabilities, key=probabilities.__getitem__) is Category.RESEARCH:
            # the rule decided: its confidence is the two categories' together
            expected = probabilities[Category.RESEARCH] + probabilities[Category.GENERAL]
            assert guess.confidence == pytest.approx(expected)
        else:
            assert guess.confidence == pytest.approx(probabilities[Category.GENERAL])
    research = detector.detect("What were the main causes of the French Revolution?")
    assert research.category is Category.RESEARCH
    survey = detector.detect("Which evaluation protocols are used for dialogue systems?")
    assert survey.category is Category.RESEARCH


@pytest.mark.parametrize(
    "text",
    [
        "How to fold a fitted sheet",
        "how do I get red wine out of a carpet?",
        "What should I pack for three days of hiking?",
        "Tips for keeping basil alive on a windowsill",
        "Is it safe to refreeze thawed chicken?",
    ],
)
def test_an_everyday_how_to_read_as_research_is_general(text: str) -> None:
    assert is_everyday_how_to(text)
    assert with_one_fact_rule(Category.RESEARCH, text) is Category.GENERAL
    assert with_one_fact_rule(Category.LANGUAGE, text) is Category.LANGUAGE


@pytest.mark.parametrize(
    "text",
    [
        "How to run a meta-analysis of small trials",  # names a method of research
        "How do I compare the evidence from two cohort studies?",
        "Why do onions make people cry?",  # not a how-to
        "Explain how to pick a sample size",  # does not open as one
    ],
)
def test_a_how_to_about_research_or_not_opening_as_one_stays(text: str) -> None:
    assert not is_everyday_how_to(text)
    assert with_one_fact_rule(Category.RESEARCH, text) is Category.RESEARCH
