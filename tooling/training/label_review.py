"""The labelling rules of ``data/README.md``, applied to the real prompts' mapped labels.

Each source maps its own labels to our six categories; where a row's mapped label breaks one
of the rules, the build step relabels it (when the rule says what it is) or drops it (when
it cannot say). The rules are deterministic text tests, one function each, in the order
:data:`RULES` lists them; the first that fires decides. Authored rows are not reviewed (they
were written to the rules). The README records how many rows each rule moved per source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from masterx.domain import Category
from services.router.detection.fact_questions import is_everyday_how_to, is_one_fact_question
from tooling.evaluation import LabelledText

# what a language request talks about: words, text, a language
_LANGUAGE = re.compile(
    r"\b(words?|mean(s|ing)?|defin\w*|translat\w*|say|said|spell\w*|pronounc\w*|grammar\w*"
    r"|synonyms?|antonyms?|idioms?|phrases?|sentences?|paragraph|plural|singular|verbs?"
    r"|nouns?|adjectives?|tense|rewrite|rephrase|paraphrase|proofread|simplif\w*|formal"
    r"|casual|languages?|english|spanish|french|german|italian|chinese|japanese|korean"
    r"|russian|arabic|hindi|portuguese|dutch|polish|turkish|vietnamese|latin|greek|slang"
    r"|vocabulary|dictionary|abbreviation|acronym|stand for|letters?|rhymes?|origin|etymology)\b",
    re.IGNORECASE,
)
# the writer speaking of themselves
_FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|ive|i'd|i'll|me|my|myself|mine)\b", re.IGNORECASE)
# a request for the literature on something
_ASKS_FOR_STUDIES = re.compile(
    r"\b(studies|study show\w*|research (on|into|about|shows?|suggests?)|scientific evidence"
    r"|peer.reviewed|literature (on|review)|papers (on|about)|clinical trials?|meta.analys\w*)\b",
    re.IGNORECASE,
)
# code as code: a definition, a statement end, a call with a dotted name
_CODE = re.compile(r"^\s*(def|class|function|public|#include|import)\b|[;{}]\s*$|\w\.\w+\(", re.M)


@dataclass(frozen=True)
class Rule:
    name: str
    applies_to: Category  # the mapped label the rule checks
    # the new label when the row breaks the rule, DROP when it breaks it and no label fits
    # (the row is left out), None when the row keeps its label
    decide: Callable[[str], Category | str | None]


DROP = "drop"


def _needs_a_language_request(text: str) -> Category | str | None:
    """A "definition" of a thing ("describe a microwave") is an everyday factual question."""
    return None if _LANGUAGE.search(text) else Category.GENERAL


def _needs_own_feelings(text: str) -> Category | str | None:
    """A post about someone else's trouble, or with no person in it, is not the writer's."""
    return None if _FIRST_PERSON.search(text) else DROP


def _everyday_how_to_is_general(text: str) -> Category | str | None:
    """ "How do I ...?" without studies or analysis asked for is everyday help."""
    return Category.GENERAL if is_everyday_how_to(text) else None


def _one_fact_is_general(text: str) -> Category | str | None:
    """A short question after one fact or definition ("Who discovered America?") is an
    everyday factual question, whatever field it is from; research asks for explanation,
    interpretation or evidence. The detector applies the same test to its verdicts."""
    return Category.GENERAL if is_one_fact_question(text) else None


def _asks_for_studies(text: str) -> Category | str | None:
    return Category.RESEARCH if _ASKS_FOR_STUDIES.search(text) else None


def _code_is_coding(text: str) -> Category | str | None:
    """A message that is code (a definition, statements) is coding, whatever its source."""
    return Category.CODING if _CODE.search(text) else None


RULES: tuple[Rule, ...] = (
    Rule("language needs a language request", Category.LANGUAGE, _needs_a_language_request),
    Rule("empathy needs the writer's own feelings", Category.EMPATHY, _needs_own_feelings),
    Rule("everyday how-to is general", Category.RESEARCH, _everyday_how_to_is_general),
    Rule("a one-fact question is general", Category.RESEARCH, _one_fact_is_general),
    Rule("a request for studies is research", Category.GENERAL, _asks_for_studies),
    Rule("code is coding", Category.GENERAL, _code_is_coding),
)


@dataclass(frozen=True)
class ReviewedRows:
    rows: tuple[LabelledText, ...]  # kept, some relabelled
    relabelled: Counter[str]  # rule name -> rows relabelled
    dropped: Counter[str]  # rule name -> rows left out


def review(rows: Sequence[LabelledText]) -> ReviewedRows:
    """The rows with the rules applied: each relabelled, dropped or kept as mapped."""
    kept: list[LabelledText] = []
    relabelled: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for row in rows:
        verdict: Category | str | None = None
        rule_name = ""
        for rule in RULES:
            if rule.applies_to is row.category:
                verdict = rule.decide(row.text)
                if verdict is not None:
                    rule_name = rule.name
                    break
        if verdict == DROP:
            dropped[rule_name] += 1
        elif isinstance(verdict, Category):
            relabelled[rule_name] += 1
            kept.append(replace(row, category=verdict))
        else:
            kept.append(row)
    return ReviewedRows(tuple(kept), relabelled, dropped)
