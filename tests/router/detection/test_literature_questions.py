"""The literature rule (services/router/detection/literature_questions.py): a question about
papers or the literature of a computing topic is research; code, or a request for it, stays
coding."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from services.router.detection.category_detector import CategoryDetector
from services.router.detection.literature_questions import (
    is_literature_question,
    with_literature_rule,
)
from services.router.detection.written_rules import with_written_rules

CITING = (
    "How does the proposed sparse optimizer differ from the one in [2], and why does it"
    " converge faster on the ImageNet runs?"
)


@pytest.mark.parametrize(
    "text",
    [
        CITING,
        "Which papers first used contrastive learning for code search?",
        "What are recent approaches to program synthesis from examples?",
        "In Section 4 the authors tune the learning rate per layer; is the ablation fair?",
        "What is the state of the art in compiler autotuning?",
        "Zhang et al. report a 3x speed-up from kernel fusion: does it hold on GPUs?",
    ],
)
def test_questions_about_papers_and_the_literature(text: str) -> None:
    assert is_literature_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Why does cards[num1][1] raise an IndexError in my memory game?",
        "How can I insert a PDF as an appendix in my LaTeX file?",
        "Write a Python script that downloads every arXiv paper in a list",  # asks for code
        "Papers I read use this:\ndef f(x): return x * 2\nwhy does it double?",  # holds code
        "def survey(results):\n    '''Count the answers of a survey.'''",  # opens as code
        "Explain how a B-tree index speeds up database lookups",
    ],
)
def test_code_and_questions_without_the_literature_are_not(text: str) -> None:
    assert not is_literature_question(text)


def test_only_a_coding_verdict_turns_into_research() -> None:
    assert with_literature_rule(Category.CODING, CITING) is Category.RESEARCH
    for verdict in Category:
        if verdict is not Category.CODING:
            assert with_literature_rule(verdict, CITING) is verdict
    assert with_written_rules(Category.CODING, CITING) is Category.RESEARCH
    # the code rule comes after, and a message that opens as code stays code
    stub = "def survey(results):\n    '''Summarise the studies of the literature.'''"
    assert with_written_rules(Category.CODING, stub) is Category.CODING


def test_the_detector_answers_a_literature_question_on_computing_as_research(
    detector: CategoryDetector,
) -> None:
    text = "Which papers first proposed contrastive learning for code search?"
    probabilities = detector.probabilities(text)
    assert max(probabilities, key=probabilities.__getitem__) is Category.CODING  # the model alone
    assert detector.detect(text).category is Category.RESEARCH
