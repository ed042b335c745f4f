"""The creative rule: a request for creative writing is general whatever its topic.

The labelling rules (``data/README.md``, "The boundaries real prompts sit on") call creative
writing general, whatever it is about: a poem about the Roman Empire, a limerick about quantum
physics, a bedtime story about causation, a best man's speech, titles for a novel, a cover
letter; an essay or a report that must analyse stays research. The model reads the topic's
words (history, physics, survey data) as research or math, so the detector turns a research or
math verdict on a message that opens by asking for a piece of creative writing
(:data:`_ASKS_FOR_WRITING`), or for a role to be played ("Imagine you are a medieval knight"),
into general. Coding verdicts stay (a "6-letter file name", a script that sends an email), and
so do language ones (a haiku in Japanese). Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category

# the request opens the message: a writing verb, then within a few words the kind of piece
_ASKS_FOR_WRITING = re.compile(
    r"^\s*(?:please |can you |could you )?"
    r"(?:write|compose|draft|create|generate|give me|tell me|craft|pen|make up|come up with"
    r"|invent)\b[^.?!\n]{0,60}?\b(?:poems?|poetry|haikus?|limericks?|sonnets?|songs?|lyrics"
    r"|raps?|story|stories|tales?|fables?|jokes?|riddles?|speech|toast|eulogy|slogans?"
    r"|taglines?|skit|dialogue|monologue|screenplay|novel|titles?|(?<!-)letter|e-?mail|tweets?"
    r"|product description|birthday message|vows|fan ?fiction)\b"
    r"|^\s*(?:imagine|pretend) (?:you are|you're|that you)|^\s*(?:act|role-?play) as\b"
)
_OVERRIDDEN = frozenset({Category.RESEARCH, Category.MATH})


def asks_for_creative_writing(text: str) -> bool:
    """Whether ``text`` opens by asking for creative writing or a role (module doc)."""
    return bool(_ASKS_FOR_WRITING.search(text.lower()))


def with_creative_rule(category: Category, text: str) -> Category:
    """The model's category, general instead of research or math for a creative request."""
    if category in _OVERRIDDEN and asks_for_creative_writing(text):
        return Category.GENERAL
    return category
