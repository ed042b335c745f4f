"""The code rule: code given without words, or a request for code, is coding whatever its topic.

The labelling rules (``data/README.md``, "The boundaries real prompts sit on") call a message
coding when it is source code with no words around it, or when it asks for a program in so many
words ("Create a function in Python to compute the volume of a cone"), even when what the
code computes is mathematics (a Monte Carlo estimate of pi, modular division, a least-squares
solve with numpy). The model reads the topic's words and calls some of those math, or general;
so the detector turns a math or general verdict on such a message into coding
(``category_detector.py``), and the leave-one-source-out folds apply it as the router does.
Research and language verdicts stay (a literature question about a computing topic is
research; a translation that names a language is language), and so does empathy, except for a
message that *is* code: one whose first line opens a definition (``def f(``, ``class X:``,
``import x``, ``#include``, a decorator, ...; the keywords in their own lower case) is coding
whatever the verdict. A function stub whose docstring is about words (``def plural(noun):``
"Return the plural form of an English noun.") reads as language to the model. A question that
names what only code has (a snake-case identifier such as ``turn_right``, a dunder such as
``__init__``, "the while loop") is coding whatever the verdict but empathy: students asking
about their own program name its parts, and the model reads the rest of their words.

Code: a line that starts a definition or statement in a common language (``def f(``,
``class X``, ``import x``, ``from x import``, ``#include``, ``public ...``, ``function f(``,
``var|let|const x =``, ``print(``). A request for code: names a programming language or a code
library, or asks to write / create / define / implement / generate / design / develop / build /
code / construct a function, method, class, program, script, query or loop ("Design a function
that ...", "Develop a C program that ...", "Create an R script that ..."). Measured in
``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category

_CODE_LINE = re.compile(
    r"^[ \t]*(?:def \w+\s*\(|class \w+|import \w+|from [\w.]+ import |#include\b"
    r"|public (?:static )?\w+|function \w+\s*\(|(?:var|let|const) \w+ =|print\()",
    re.IGNORECASE | re.MULTILINE,
)
# Matched against the lower-cased text: a third of the time of an IGNORECASE search (p99 55 us
# instead of 160 us over the real prompts, 2,000 characters at most).
_ASKS_FOR_CODE = re.compile(
    r"\bc(?:\+\+|#)(?!\w)"  # a word boundary never follows "++" or "#" before a space
    r"|\b(?:python|java|javascript|typescript|golang|ruby|php|perl|sql|mysql|bash"
    r"|numpy|pandas|sympy|scipy|matplotlib|regex"
    r"|(?:write|create|define|implement|generate|design|develop|build|code|construct)"
    r" (?:an? )?(?:python |java |c |r |recursive )?(?:function|method|class|program|script"
    r"|query|loop))\b"
)
# A message that opens with a definition, an import or a decorator is code. Case-sensitive:
# the keywords in their own lower case, so that English ("Import duties ...", "Class 3
# students ...") never matches.
_OPENS_AS_CODE = re.compile(
    r"\A\s*(?:(?:async )?def \w+\s*\(|class \w+\s*[(:{]|import [\w.]+\s*(?:$|;|,| as )"
    r"|from [\w.]+ import |#include\b|#!/|@[\w.]+(?:\(.*\))?\s*\n\s*(?:async |def |class )"
    r"|function \w+\s*\("
    r"|(?:const|let|var) \w+\s*=|public (?:static |final |abstract )*(?:class|\w+ \w+\s*\()"
    r"|package [\w.]+;|fn \w+\s*[(<]|func \w+\s*\()",
    re.MULTILINE,
)
# A name only code has: an identifier in snake case (two letters or more on each side of the
# underscore, so TeX's a_n and x_max stay maths) or a dunder name; or a statement named as one
# ("the for statement", "a while loop"). Matched against the lower-cased text, each only when
# its rare part ("_", "statement", "loop") is there: a pattern that can start on any letter is
# tried at every position.
_NAMES_IDENTIFIER = re.compile(r"(?<![\\$])\b[a-z]{2,}[a-z0-9]*_[a-z]{2,}[a-z0-9_]*\b|__[a-z]\w*__")
_NAMES_STATEMENT = re.compile(
    r"\b(?:for|while|if|else|elif|try|except|return|switch) (?:statement|loop)s?\b"
)
# The verdicts the rule overrides for code among words or a request for code (module doc: why
# not the others); a message that opens as code overrides every verdict, and one that names
# code (a snake-case identifier, a dunder, "the for statement") every verdict but empathy.
_OVERRIDDEN = frozenset({Category.MATH, Category.GENERAL})
_OVERRIDDEN_BY_NAMES = frozenset(
    {Category.MATH, Category.GENERAL, Category.RESEARCH, Category.LANGUAGE}
)


def opens_as_code(text: str) -> bool:
    """Whether ``text`` starts with a definition, an import or a decorator (module doc)."""
    return bool(_OPENS_AS_CODE.match(text))


def is_code_or_code_request(text: str) -> bool:
    """Whether ``text`` is code without words, or asks for code (module doc)."""
    return bool(_CODE_LINE.search(text) or _ASKS_FOR_CODE.search(text.lower()))


def names_code(text: str) -> bool:
    """Whether ``text`` names something only code has: a snake-case identifier, a dunder name
    or a statement ("the for statement"), as a student asking about their program does."""
    lowered = text.lower()
    if "_" in lowered and _NAMES_IDENTIFIER.search(lowered):
        return True
    return ("statement" in lowered or "loop" in lowered) and bool(_NAMES_STATEMENT.search(lowered))


def holds_or_asks_for_code(text: str) -> bool:
    """Whether ``text`` opens as code, holds a line of code, names code or asks for code: what
    the rules that read a message's words (literature, distress, rewriting) leave alone."""
    return opens_as_code(text) or is_code_or_code_request(text) or names_code(text)


def with_code_rule(category: Category, text: str) -> Category:
    """The model's category, coding instead of math or general for code or a code request,
    instead of any verdict but empathy for a message that names code, and instead of any
    verdict for a message that opens as code."""
    if category is Category.CODING:
        return category
    if (
        opens_as_code(text)
        or (category in _OVERRIDDEN and is_code_or_code_request(text))
        or (category in _OVERRIDDEN_BY_NAMES and names_code(text))
    ):
        return Category.CODING
    return category
