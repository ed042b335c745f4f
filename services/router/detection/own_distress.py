"""The distress rule: a message in which the writer speaks of their own distress is empathy.

The labelling rules (``data/README.md``, "The boundaries real prompts sit on") call a personal
post empathy when the writer speaks of their own distress (grief, a breakup, burnout, panic),
even when it asks for advice or names a subject; advice asked without distress stays general.
The model reads short posts by their other words (a one-line regret about a suicide attempt
read as general; a question on how to relax while feeling hopeless as research), so
the detector turns any verdict on a message in the first person that names a strong distress
(:data:`_DISTRESS`: suicide, self-harm, depression, hopelessness, panic attacks, anxiety,
burnout, loneliness, grief, feeling overwhelmed, stressed or worthless) into empathy, a coding
one included ("I'm so burnt out by this course I can't cope"). Code, a request for code
(``code_requests.py``) and TeX (a "depressed" cubic) are left to their verdicts: a message
that holds code or names a language asks about the code, and the router's emotion reading
(``emotion.py``) still turns it to empathy when its distress is strong. A translation or a
rewrite of a text that speaks of distress is language (``language_requests.py``, the rule
after this one). The router's own distress override
(``services/router/decision.py``) reads the emotion lexicon's intensity, which short crisis
titles often stay under. Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category
from services.router.detection.code_requests import holds_or_asks_for_code
from services.router.detection.text_features import PLAIN_QUOTES

_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|me|my|myself)\b")
_DISTRESS = re.compile(
    r"\b(?:suicid\w*|self[- ]harm\w*|kill myself|(?:want|wanted|wanting) to die"
    r"|depress(?:ed|ion)|hopeless\w*|worthless|abused|panic attacks?|anxiety|anxious"
    r"|burn(?:ed|t)[- ]?out|burnout|lonely|loneliness|grie(?:f|ving)|heartbroken|miserable"
    r"|overwhelmed|stressed|crying(?! out loud)|can'?t cope)\b"
)
_TEX = re.compile(r"\$|\\[a-z]+")


def speaks_of_own_distress(text: str) -> bool:
    """Whether the writer of ``text`` speaks of their own distress (module doc)."""
    lowered = text.lower().translate(PLAIN_QUOTES)
    return bool(
        _DISTRESS.search(lowered)
        and _FIRST_PERSON.search(lowered)
        and not _TEX.search(lowered)
        and not holds_or_asks_for_code(text)
    )


def with_distress_rule(category: Category, text: str) -> Category:
    """The model's category, empathy instead of any other for a message in which the writer
    speaks of their own distress."""
    if category is not Category.EMPATHY and speaks_of_own_distress(text):
        return Category.EMPATHY
    return category
