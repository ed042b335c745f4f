"""The labelling rules applied to the real prompts' mapped labels (data/README.md)."""

from __future__ import annotations

import pytest

from masterx.domain import Category
from tooling.evaluation import LabelledText
from tooling.training.label_review import review


def _one(text: str, category: Category) -> tuple[Category | None, str]:
    """The row's label after the review (None: dropped) and the rule that moved it."""
    outcome = review([LabelledText(text, category, "some-source:f:-:1")])
    rule = next(iter(outcome.relabelled or outcome.dropped), "")
    return (outcome.rows[0].category if outcome.rows else None), rule


@pytest.mark.parametrize(
    ("text", "mapped", "reviewed"),
    [
        # a "definition" of a thing is an everyday factual question; of a word, language
        ("please describe about microwave", Category.LANGUAGE, Category.GENERAL),
        ("what does the word hypocrisy mean", Category.LANGUAGE, Category.LANGUAGE),
        ("how do i say hotel in finnish", Category.LANGUAGE, Category.LANGUAGE),
        # someone else's trouble is not the writer's distress
        ("A friend of hers lost her job and feels hopeless.", Category.EMPATHY, None),
        ("I can't stop crying since my dad died", Category.EMPATHY, Category.EMPATHY),
        # everyday how-to vs research
        ("How do I get rid of fruit flies in my kitchen?", Category.RESEARCH, Category.GENERAL),
        (
            "How do I find studies comparing two statin doses?",
            Category.RESEARCH,
            Category.RESEARCH,
        ),
        (
            "Are there studies on the effect of coffee on sleep?",
            Category.GENERAL,
            Category.RESEARCH,
        ),
        # code given without words is coding
        ("def add(a, b):\n    return a + b", Category.GENERAL, Category.CODING),
        ("Which film won best picture in 1998?", Category.GENERAL, Category.GENERAL),
    ],
)
def test_a_row_that_breaks_a_rule_is_relabelled_or_dropped(
    text: str, mapped: Category, reviewed: Category | None
) -> None:
    assert _one(text, mapped)[0] is reviewed


def test_the_review_counts_what_each_rule_did() -> None:
    rows = [
        LabelledText("what is hurricane", Category.LANGUAGE, "s"),
        LabelledText("what is telekinesis", Category.LANGUAGE, "s"),
        LabelledText("She is so anxious all the time", Category.EMPATHY, "s"),
        LabelledText("what does 'ubiquitous' mean", Category.LANGUAGE, "s"),
    ]
    outcome = review(rows)
    assert outcome.relabelled == {"language needs a language request": 2}
    assert outcome.dropped == {"empathy needs the writer's own feelings": 1}
    assert [r.category for r in outcome.rows] == [
        Category.GENERAL,
        Category.GENERAL,
        Category.LANGUAGE,
    ]
    assert all(r.source == "s" for r in outcome.rows)


@pytest.mark.parametrize(
    ("text", "reviewed"),
    [
        ("What is the average human body temperature?", Category.GENERAL),
        ("Who discovered penicillin?", Category.GENERAL),
        ("What are the first rank symptoms of schizophrenia?", Category.GENERAL),
        ("What are the latest treatments for chronic myeloid leukemia?", Category.RESEARCH),
        ("What is the role of the prefrontal cortex in decision making?", Category.RESEARCH),
    ],
)
def test_a_research_row_that_asks_one_fact_is_general(text: str, reviewed: Category) -> None:
    assert _one(text, Category.RESEARCH) == (
        reviewed,
        "a one-fact question is general" if reviewed is Category.GENERAL else "",
    )
