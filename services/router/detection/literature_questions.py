"""The literature rule: a question about papers or the literature of a computing topic is
research, not coding.

The labelling rules (``data/README.md``, "The boundaries real prompts sit on") call a question
research when it asks about studies, papers or the state of a field, whatever the field, a
computing one included ("How does the proposed optimizer compare with Adam in prior work?",
"What are recent approaches to program synthesis?"); it is coding when it asks for code or
about code the writer has. The model reads the topic's words (algorithm, network, compiler) as
coding, so the detector turns a coding verdict on a message that speaks of papers or the
literature (:data:`_LITERATURE`) and holds or asks for no code (``code_requests.py``) into
research. Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category
from services.router.detection.code_requests import holds_or_asks_for_code

# papers, their parts and their authors, the literature and the state of a field; a citation
# mark after a word ("as in [2]"), not an index after a name ("cards[1]")
_LITERATURE = re.compile(
    r"\b(?:papers?|literature|studies|et al|prior work|related work|state[- ]of[- ]the[- ]art"
    r"|survey|the proposed|(?:in the|see) appendix|appendix [a-z0-9]\b|section \d|the authors"
    r"|ablation|arxiv|research(?:ers)? (?:on|in|about|shows?|says?)"
    r"|recent (?:work|advances|approaches|methods|research|developments|progress))\b"
)
_CITATION = re.compile(r"(?<=[a-z,.] )\[\d+\]")  # searched apart: a third of the time


def is_literature_question(text: str) -> bool:
    """Whether ``text`` speaks of papers or the literature and holds or asks for no code."""
    lowered = text.lower()
    return bool(
        (_LITERATURE.search(lowered) or ("[" in lowered and _CITATION.search(lowered)))
        and not holds_or_asks_for_code(text)
    )


def with_literature_rule(category: Category, text: str) -> Category:
    """The model's category, research instead of coding for a literature question."""
    if category is Category.CODING and is_literature_question(text):
        return Category.RESEARCH
    return category
