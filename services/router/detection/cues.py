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
from collections.abc import Mapping

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
_TERM_KEYS = frozenset(_TERM_CATEGORY)
_SHORT_WORDS = 4


def _scaled(count: int) -> float:
    return min(count, _CAP) / _CAP


def cue_features(
    normalised: str, gram_counts: Mapping[str, int], reading: EmotionReading
) -> list[float]:
    """The cue block for one message, in :data:`CUE_NAMES` order.

    ``gram_counts``: how often each of the message's word 1-2 grams occurs, in the order they
    first occur (``Counter(word_ngrams(normalised))``,
    :func:`~services.router.detection.text_features.word_ngrams`), passed in because the
    detector counts them anyway. The word cues are set intersections with the message's
    distinct grams (``frozenset.intersection`` walks the message's grams, not the term
    lists), so a long post costs its vocabulary, not its length, in Python.
    """
    terms = [0] * len(TERMS)
    for gram in _TERM_KEYS.intersection(gram_counts):
        terms[_TERM_CATEGORY[gram]] += gram_counts[gram]
    code = sum([gram_counts[gram] for gram in _CODE_WORDS.intersection(gram_counts)])
    errors = sum([gram_counts[gram] for gram in _ERROR_WORDS.intersection(gram_counts)])
    if "error" in normalised or "exception" in normalised:
        errors += sum([n for gram, n in gram_counts.items() if gram.endswith(_ERROR_SUFFIXES)])
    maths = sum([gram_counts[gram] for gram in _MATH_WORDS.intersection(gram_counts)])
    problems = sum([gram_counts[gram] for gram in _WORD_PROBLEM.intersection(gram_counts)])
    code += sum(normalised.count(symbol) for symbol in _CODE_SYMBOLS)
    code += len(_CODE_SHAPES.findall(normalised))
    maths += len(_MATH_SHAPES.findall(normalised))
    first = next(iter(gram_counts), "")
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
