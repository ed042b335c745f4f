"""The language rules: a request to translate or rewrite a text, and a question about a word,
are language.

The labelling rules (``data/README.md``) call rewriting or proofreading text and translation
language, whatever the text is about. The model reads the text's own words (a request to
rewrite a sentence about a meteorite's composition read as research, one to shorten a sentence
full of dates as math), so the
detector turns any verdict on a message that opens with such a request (:data:`_REWRITE`:
translate into a language; rewrite, rephrase, paraphrase or reword this / the following / a
text; simplify, shorten, proofread, correct, fix, edit or polish a text, sentence,
paragraph, essay, e-mail, its grammar or spelling) into language. It comes last among the
written rules: "Translate into German: I feel so depressed today" is a translation, not a post
about the writer's distress. Code and requests for code keep their verdicts ("Translate this
expression into C++ code", "Rewrite this function in Rust"), and so does a coding verdict.

The same rules call vocabulary language: a general or math verdict on a question about a word
(:data:`_ABOUT_A_WORD`: what a word means, how to say, spell or pronounce something, what the
word for something is in a language, a synonym, antonym, plural or singular, a dictionary
look-up: "i'd like to know what ephemeral means", "how do italians say good morning") is
language.
Not "What is photosynthesis?" (a concept: general, ``fact_questions.py``) nor "what does it
mean" about a program (a coding verdict stays). Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category
from services.router.detection.code_requests import holds_or_asks_for_code

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


_LANGUAGES = (
    r"(?:english|spanish|french|german|italian|chinese|mandarin|cantonese|japanese|korean"
    r"|russian|arabic|hindi|portuguese|dutch|polish|turkish|vietnamese|latin|greek|swedish"
    r"|hebrew|thai|indonesian|swahili)"
)
_QUOTED_WORD = r"[\"'\u201c]?[a-z-]+[\"'\u201d]?"
_ABOUT_A_WORD = re.compile(
    r"\bwhat (?:does|do) (?:the (?:word|term|phrase|idiom) )?(?!(?:it|that|this) )"
    + _QUOTED_WORD
    + r" mean\b|\bwhat (?!(?:it|that|this) )"
    + _QUOTED_WORD
    + r" means\b|\bmeaning of (?:the )?(?:word|term|phrase|idiom)\b"
    r"|^\s*(?:please )?define (?:the word )?" + _QUOTED_WORD + r"\s*[?.!]?\s*$"
    r"|\bhow (?:do|does|would|can|to) (?:you |they |i |we |people |\w+ )?(?:say|spell|pronounce)\b"
    r"|\b(?:what is|what's) (?:the )?(?:" + _LANGUAGES + r"|local slang) (?:word )?for\b"
    r"|\b(?:synonyms?|antonyms?) (?:of|for)\b|\b(?:plural|singular) of\b"
    r"|\blook up [a-z-]+ in (?:the )?dictionary\b|\bin " + _LANGUAGES + r" (?:how do|what is)\b"
)
WORD_QUESTION_MAX_CHARS = 300
_ASKED_ABOUT_WORDS = frozenset({Category.GENERAL, Category.MATH})


def asks_to_rewrite(text: str) -> bool:
    """Whether ``text`` opens by asking to translate or rewrite a text (module doc)."""
    return bool(_REWRITE.search(text.lower())) and not holds_or_asks_for_code(text)


def asks_about_a_word(text: str) -> bool:
    """Whether ``text`` asks what a word means, how to say it, its synonym ... (module doc):
    a short question, :data:`WORD_QUESTION_MAX_CHARS` at most (a long post that mentions a
    meaning asks about more; and the search stays cheap)."""
    return len(text) <= WORD_QUESTION_MAX_CHARS and bool(_ABOUT_A_WORD.search(text.lower()))


def with_language_rules(category: Category, text: str) -> Category:
    """The model's category, language instead of any but coding for a request to rewrite, and
    instead of general or math for a question about a word."""
    if category in (Category.LANGUAGE, Category.CODING):
        return category
    if asks_to_rewrite(text) or (category in _ASKED_ABOUT_WORDS and asks_about_a_word(text)):
        return Category.LANGUAGE
    return category
