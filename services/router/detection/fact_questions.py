"""The one-fact rule: a short question after one fact or one definition is general, not research.

The labelling rules (``data/README.md``, "The boundaries real prompts sit on") say that
everyday factual questions are general whatever field the fact is from ("Who discovered
penicillin?", "What is photosynthesis?"), and that research asks for explanation, analysis,
interpretation or the literature ("What were the causes of ...", "What does the conch
symbolize ...", "What are recent approaches to ...", and a field's methods: "Which evaluation
protocols are used for ...", "What strategies reduce ...", "What are the trade-offs of ...").
The model reads a question's topic words (history, science) as research, so the rule is
applied twice, by the same test: the training build relabels real rows mapped to research
that are one-fact questions (``tooling/training/label_review.py``), and the detector turns a
research verdict on a one-fact question into general (``category_detector.py``). Measured with
leave-one-source-out in ``data/README.md``.

An everyday how-to ("How to fold a fitted sheet", "How do I ...", "Tips for ...") that names
no study, evidence or analysis is general too, by the same two routes (:func:`is_everyday_how_to`).

A one-fact question: one line, at most :data:`MAX_WORDS` words, at most one question mark,
starting with who / whom / whose / what / when / where / which / name or how many / much /
old / long ...; and naming no study, evidence or analysis (:data:`SCHOLARLY`), asking for no
explanation, interpretation or the state of a field (:data:`ASKS_FOR_MORE`), and not going on
with a second question ("What was apartheid and how did it end?").
"""

from __future__ import annotations

import re

from masterx.domain import Category

MAX_WORDS = 12  # a question of more words asks for more than one fact

_STARTS_AS_FACT = re.compile(
    r"^\s*(who|whom|whose|what|what's|when|where|which|name"
    r"|how (many|much|old|long|tall|far|big|large|high|deep|fast|often))\b",
    re.IGNORECASE,
)
# what makes a question research: studies, evidence, literature, analysis
SCHOLARLY = re.compile(
    r"\b(stud(y|ies)|studied|research\w*|evidence|literature|papers?|journals?|peer.reviewed"
    r"|scientific\w*|clinical|trials?|meta.analys\w*|hypothes\w*|theor(y|ies)|analy[sz]\w*"
    r"|compar\w*|correlat\w*|statistically|experiments?|scholar\w*|sources? (on|for|about))\b",
    re.IGNORECASE,
)
# explanation, interpretation, judgement, the state of a field and its methods (strategies,
# protocols, metrics, objectives, trade-offs, benchmarks: what a survey of a field answers,
# where the one-fact shape "Which X are used for Y?" turned the model's research verdict on
# such questions into general), a paper's own work
ASKS_FOR_MORE = re.compile(
    r"\b(why|explain\w*|describe|discuss\w*|caus\w*|roles?|effects?|affect\w*|impacts?"
    r"|significan\w*|importan\w*|influenc\w*|differ\w*|similar\w*|contribut\w*|limitations?"
    r"|novel\w*|proposed|this (work|paper|method|approach|model|study|article)|authors?"
    r"|implications?|consequences?|(dis)?advantages?|benefits?|pros|cons|relationship"
    r"|mechanisms?|interpret\w*|critic\w*|argu\w*|debate\w*|views?|positions?|perspectives?"
    r"|themes?|motifs?|symboli\w*|represent\w*|meaning|message|tone|conflict|context|ideas?"
    r"|goals?|achieve|point of|function|purpose|assumptions?|devices|features|legacy"
    r"|reasons?|factors?"
    r"|outcomes?|recent|latest|current(ly)?|advances?|approach(es)?|methods?|techniques?"
    r"|trends?|challenges?|state.of.the.art|progress|developments?|believe\w*|think|thought"
    r"|mean|say about|tell us|know about|reveal\w*|learn\w*|led to|lead to|makes?"
    r"|happens?|like|in simple terms"
    r"|strateg\w*|protocols?|metrics?|architectures?|objectives?|best practices|trade.?offs?"
    r"|work best|open problems?|failure modes?|evaluat\w*|benchmark\w*|datasets?)\b",
    re.IGNORECASE,
)
_SECOND_QUESTION = re.compile(
    r"\band (how|why|what|who|when|where|which|is|are|was|were|do|does|did|can|should)\b",
    re.IGNORECASE,
)


def is_one_fact_question(text: str) -> bool:
    """Whether ``text`` is a short question after one fact or one definition (module doc)."""
    stripped = text.strip()
    if "\n" in stripped or stripped.count("?") > 1 or len(stripped.split()) > MAX_WORDS:
        return False
    return bool(
        _STARTS_AS_FACT.search(stripped)
        and not SCHOLARLY.search(stripped)
        and not ASKS_FOR_MORE.search(stripped)
        and not _SECOND_QUESTION.search(stripped)
    )


# an everyday how-to: the writer wants to do something (the training review's test too)
EVERYDAY_HOW_TO = re.compile(
    r"^\s*(how (do|can|should|would) i\b|how to\b|what should i\b|where can i\b"
    r"|tips? (for|on)\b|is it (ok|safe) to\b)",
    re.IGNORECASE,
)


def is_everyday_how_to(text: str) -> bool:
    """Whether ``text`` opens as an everyday how-to ("How to reduce puffy eyes", "How do I
    ...") and names no study, evidence or analysis."""
    return bool(EVERYDAY_HOW_TO.search(text)) and not SCHOLARLY.search(text)


def with_one_fact_rule(category: Category, text: str) -> Category:
    """The model's category, general instead of research for a one-fact question or an
    everyday how-to."""
    if category is Category.RESEARCH and (is_one_fact_question(text) or is_everyday_how_to(text)):
        return Category.GENERAL
    return category
