"""The rewriting rule: a message that opens by asking to translate or rewrite a text is language.

The labelling rules (``data/README.md``) call rewriting or proofreading text and translation
language, whatever the text is about. The model reads the text's own words ("Rewrite this more
formally: Radar observations indicate a fairly pure iron-nickel composition." read as research,
"Can you shorten this sentence ...? Held from 17 June to 19 June 1944 ..." as math), so the
detector turns any verdict on a message that opens with such a request (:data:`_REWRITE`:
translate into a language; rewrite, rephrase, paraphrase or reword this / the following / a
text; simplify, shorten, proofread, correct, fix, edit or polish a text, sentence,
paragraph, essay, e-mail, its grammar or spelling) into language. It comes last among the
written rules: "Translate into German: I feel so depressed today" is a translation, not a post
about the writer's distress. Code and requests for code keep their verdicts ("Translate this
expression into C++ code", "Rewrite this function in Rust"), and so does a coding verdict.
Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category
from services.router.detection.code_requests import is_code_or_code_request, opens_as_code

_TEXT = (
    r"(?:sentences?|text|paragraphs?|passage|phrases?|words?|essay|e-?mail|letter|grammar"
    r"|spelling|punctuation|wording)"
)
# translate ... into a language; rewrite / rephrase / paraphrase / reword this or a text;
# simplify / shorten / proofread / correct / fix / edit / polish a text (not "fix my bike")
_REWRITE = re.compile(
    r"^\s*(?:please |can you |could you |would you )?(?:"
    r"translate\b[^.?!:\n]{0,40}?\b(?:to|into|in)\b"
    r"|(?:rewrite|rephrase|paraphrase|reword)\b[^.?!:\n]{0,40}?\b(?:this|these|the following|"
    + _TEXT
    + r")\b"
    r"|(?:simplify|shorten|proofread|correct|fix|edit|polish)\b[^.?!:\n]{0,40}?\b" + _TEXT + r"\b)"
)


def asks_to_rewrite(text: str) -> bool:
    """Whether ``text`` opens by asking to translate or rewrite a text (module doc)."""
    return bool(
        _REWRITE.search(text.lower())
        and not opens_as_code(text)
        and not is_code_or_code_request(text)
    )


def with_rewriting_rule(category: Category, text: str) -> Category:
    """The model's category, language instead of any but coding for a request to rewrite."""
    if category not in (Category.LANGUAGE, Category.CODING) and asks_to_rewrite(text):
        return Category.LANGUAGE
    return category
