"""Keyword and pattern evidence for each category, as a small dense feature block.

Three kinds of cue: the per-category term lists of :mod:`.cue_terms` (the original plan's
keywords, widened), looked up in the message's word 1-2 grams; shapes no n-gram sees whole
(code syntax, error names, an equation, a word problem's questions, a greeting, a quotation);
and the emotion reading. A cue's value is its count capped at 3 and scaled to 0..1 (emotion
intensities as they are). The trained model learns what each cue is worth next to the
n-grams, so a keyword is evidence, never a verdict.

Runs on :func:`~services.router.detection.text_features.normalise`d text, where every number
is ``0``. For speed every pattern starts with a rare character (a regex alternation that can
start on any letter is tried at every position), and word cues are set lookups.
"""

from __future__ import annotations

import re

from masterx.chat.contract import EmotionReading
from services.router.detection.cue_terms import TERMS

_CODE_SYMBOLS = ("{", "}", ";", "==", "!=", "=>", "->", "::", "()", "++", "+=", "[]", "#include")
_CODE_SHAPES = re.compile(r"\.[a-z_]+\(|(?<=[a-z])_(?=[a-z])|</?[a-z]+>|\.(?:py|js|java|cpp)\b")
_CODE_WORDS = frozenset({"def", "return", "import", "elif", "println", "printf", "void", "endl"})
_ERROR_WORDS = frozenset(
    {"traceback", "segmentation fault", "stack overflow", "crash", "crashes", "crashed"}
)
_ERROR_SUFFIXES = ("error", "exception")
_MATH_SHAPES = re.compile(
    r"0(?:\s*[-+*/^=<>\u00d7\u00f7]\s*[0a-z(]|[a-z](?![a-z])|\s*%)|\^\s*[0a-z(]|[=<>]\s*-?[0a-z]"
    r"|\u03c0|\$\s*0|\u221a"
)
_MATH_WORDS = frozenset({"sqrt", "dx", "dy", "pi", "cm", "km", "kg", "mph"})
_WORD_PROBLEM = frozenset(
    {"how many", "how much", "how long", "how far", "how old", "each", "per", "altogether"}
    | {"in total", "left over", "remaining", "twice as", "times as", "more than", "less than"}
)
_GREETINGS = frozenset({"hi", "hello", "hey", "yo", "sup", "thanks", "thank", "ok", "okay", "bye"})
_QUOTATION = re.compile(r"\"(?=[^\"]+\")|(?<!\w)'(?=[^']+'(?!\w))")

_SHAPES = (
    "greeting",
    "code_syntax",
    "error_names",
    "math_expression",
    "numbers",
    "word_problem",
    "quoted",
)
_EMOTIONS = ("frustration", "anxiety", "sadness", "confusion", "joy")
CUE_NAMES: tuple[str, ...] = (
    *(f"terms_{category}" for category in TERMS),
    *_SHAPES,
    *_EMOTIONS,
    "short",
)
_CAP = 3
_TERM_CATEGORY = {term: index for index, terms in enumerate(TERMS.values()) for term in terms}
_SHORT_WORDS = 4


def _scaled(count: int) -> float:
    return min(count, _CAP) / _CAP


def cue_features(normalised: str, word_grams: list[str], reading: EmotionReading) -> list[float]:
    """The cue block for one message, in :data:`CUE_NAMES` order.

    ``word_grams`` are the message's word 1-2 grams
    (:func:`~services.router.detection.text_features.word_ngrams`), passed in because the
    detector has them already.
    """
    terms = [0] * len(TERMS)
    code = errors = maths = problems = 0
    for gram in word_grams:
        index = _TERM_CATEGORY.get(gram)
        if index is not None:
            terms[index] += 1
        if gram in _CODE_WORDS:
            code += 1
        elif gram in _ERROR_WORDS or gram.endswith(_ERROR_SUFFIXES):
            errors += 1
        elif gram in _MATH_WORDS:
            maths += 1
        elif gram in _WORD_PROBLEM:
            problems += 1
    code += sum(normalised.count(symbol) for symbol in _CODE_SYMBOLS)
    code += len(_CODE_SHAPES.findall(normalised))
    maths += len(_MATH_SHAPES.findall(normalised))
    first = word_grams[0] if word_grams else ""
    shapes = (
        1 if first in _GREETINGS or normalised.startswith(("good morning", "good night")) else 0,
        code,
        errors,
        maths,
        normalised.count("0"),
        problems,
        len(_QUOTATION.findall(normalised)),
    )
    return [
        *(_scaled(count) for count in terms),
        *(_scaled(count) for count in shapes),
        reading.frustration,
        reading.anxiety,
        reading.sadness,
        reading.confusion,
        reading.joy,
        1.0 if len(normalised.split()) <= _SHORT_WORDS else 0.0,
    ]
