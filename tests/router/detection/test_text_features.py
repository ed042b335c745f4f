"""The router's own n-grams are exactly scikit-learn's, on every example and on odd input."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from services.router.detection.text_features import (
    CHAR_NGRAMS,
    MAX_CHARS,
    WORD_NGRAMS,
    char_wb_ngrams,
    normalise,
    word_ngrams,
    word_tokens,
)
from tooling.evaluation import LabelledText

ODD = [
    "",
    " ",
    "a",
    "ab\tc\n\nd  e",
    "x" * 3000,
    "h\u00e9llo \u65e5\u672c\u8a9e \U0001f62d",
    "a\u00a0b",
]


def test_word_and_char_ngrams_equal_scikit_learns(
    dataset: list[LabelledText], challenge: list[LabelledText]
) -> None:
    words = TfidfVectorizer(preprocessor=normalise, ngram_range=WORD_NGRAMS).build_analyzer()
    chars = TfidfVectorizer(
        preprocessor=normalise, analyzer="char_wb", ngram_range=CHAR_NGRAMS
    ).build_analyzer()
    for text in [e.text for e in dataset + challenge] + ODD:
        assert word_ngrams(normalise(text)) == words(text), text
        tokens = word_tokens(normalise(text))
        assert word_ngrams(normalise(text), tokens) == words(text), text
        assert tokens == words(text)[: len(tokens)], text
        assert char_wb_ngrams(normalise(text)) == chars(text), text


def test_normalise_folds_case_quotes_and_numbers_and_reads_the_head() -> None:
    assert normalise("Solve 2x+15=35 \u2019now\u2019") == "solve 0x+0=0 'now'"
    assert len(normalise("y" * (MAX_CHARS * 3))) == MAX_CHARS
