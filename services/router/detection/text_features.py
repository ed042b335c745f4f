"""Text normalisation and n-gram extraction shared by training and inference.

Training hands :func:`normalise` to scikit-learn's ``TfidfVectorizer`` as its ``preprocessor``
and uses its built-in ``word`` and ``char_wb`` analyzers; :func:`word_ngrams` and
:func:`char_wb_ngrams` re-implement those two analyzers (scikit-learn 1.x,
``feature_extraction/text.py``) so the router needs no scikit-learn at run time. A test checks
that both give the same n-grams on every example of the dataset.
"""

from __future__ import annotations

import re

# Detection reads the head of a message: a pasted file says nothing more about the category
# than its first screens do, and the cost of featurising grows with the length. 600, 700, 800
# and 1,000 characters scored the same leave-one-source-out (10092, 10093, 10091 and 10093 of
# 10,970 rows); 700 is a fifth faster than 1,000 (data/README.md, "Long messages").
MAX_CHARS = 700

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)

_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Lower case, typographic quotes made plain, and every run of digits made ``0``.

    Numbers carry the shape of a message (``0x+0=0`` is an equation whatever the digits),
    not its category, so they share one symbol.
    """
    return _DIGITS.sub("0", text[:MAX_CHARS].translate(PLAIN_QUOTES).lower())


def word_tokens(normalised: str) -> list[str]:
    """The words of a message, as scikit-learn's default ``token_pattern`` finds them."""
    return _TOKEN.findall(normalised)


def word_ngrams(normalised: str, tokens: list[str] | None = None) -> list[str]:
    """Word 1- and 2-grams, as ``TfidfVectorizer(analyzer="word", ngram_range=(1, 2))``.

    ``tokens``: the message's :func:`word_tokens`, when the caller already has them.
    """
    if tokens is None:
        tokens = word_tokens(normalised)
    grams = list(tokens)
    low, high = WORD_NGRAMS
    for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def word_char_ngrams(word: str) -> list[str]:
    """The character n-grams of one word, as ``analyzer="char_wb"`` makes them.

    The word is padded with one space on both sides; a padded word no longer than n is one
    n-gram, and then longer n are skipped (scikit-learn counts a short word only once).
    """
    padded = f" {word} "
    length = len(padded)
    low, high = CHAR_NGRAMS
    if length > high:
        return [padded[i : i + n] for n in range(low, high + 1) for i in range(length - n + 1)]
    return [padded[i : i + n] for n in range(low, length) for i in range(length - n + 1)] + [padded]


def char_wb_ngrams(normalised: str) -> list[str]:
    """Character n-grams inside word boundaries, as ``analyzer="char_wb"``: each word's
    :func:`word_char_ngrams`, in order."""
    return [gram for word in normalised.split() for gram in word_char_ngrams(word)]
