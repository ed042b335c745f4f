"""The task category of a message, from the trained model, in plain numpy.

The model is a multinomial logistic regression over four feature blocks: TF-IDF word 1-2
grams, TF-IDF character 2-5 grams inside word boundaries (each block L2-normalised, sublinear
term frequency), the keyword/pattern/emotion cues of :mod:`.cues`, and the meaning of the
words (the mean of their pre-trained vectors, folded into one row of class scores per word:
see :mod:`.word_vectors`). This module recomputes
exactly what scikit-learn's pipeline computes at training time (a test checks it on the whole
dataset), without importing scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from masterx.domain import Category
from services.router.detection.cues import CUE_NAMES, cue_features
from services.router.detection.emotion import EmotionDetector
from services.router.detection.model_artifact import (
    DEFAULT_MODEL_DIR,
    CategoryModel,
    ModelFormatError,
)
from services.router.detection.text_features import (
    char_wb_ngrams,
    normalise,
    word_ngrams,
    word_tokens,
)

FloatArray = npt.NDArray[np.float64]
WORD_CACHE_SIZE = 16_384  # distinct words whose character n-gram rows are remembered


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float  # the model's probability for ``category``, 0..1


def _char_rows_of_word(rows: dict[str, int], word: str) -> npt.NDArray[np.intp]:
    found = [row for row in map(rows.get, char_wb_ngrams(word)) if row is not None]
    return np.array(found, dtype=np.intp)


def _run_lengths(rows: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """The distinct rows of a sorted array and how often each occurs (np.unique, faster)."""
    if rows.size == 0:
        return rows, np.zeros(0)
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    counts = np.diff(np.append(starts, rows.size)).astype(np.float64)
    return rows[starts], counts


def _unit(values: FloatArray) -> None:
    """L2-normalise in place (a block with no known n-gram stays zero)."""
    norm = math.sqrt(float(values @ values))
    if norm:
        values /= norm


class CategoryDetector:
    """Detects the category of one message; load once, then call :meth:`detect` per message."""

    def __init__(self, model: CategoryModel, emotions: EmotionDetector | None = None) -> None:
        if model.cue_names != CUE_NAMES:
            raise ModelFormatError(
                "the model was trained with other cues than this code computes; retrain it"
                " with scripts/train_category_model.py"
            )
        words, chars = len(model.word_vocabulary), len(model.char_vocabulary)
        self.model = model
        self._classes = model.classes
        # one row per feature: word n-grams, then character n-grams, then cues
        self._weights = model.coef.astype(np.float64)
        self._idf = np.concatenate([model.word_idf, model.char_idf])
        self._word_rows = {gram: row for row, gram in enumerate(model.word_vocabulary)}
        self._char_start = words
        self._char_rows = {gram: words + row for row, gram in enumerate(model.char_vocabulary)}
        # Character n-grams never cross a space, so a message's are its words' put together:
        # each word's rows are worked out once and remembered.
        self._char_rows_of = lru_cache(maxsize=WORD_CACHE_SIZE)(
            partial(_char_rows_of_word, self._char_rows)
        )
        self._cue_weights = self._weights[words + chars :] * model.cue_weight
        self._intercept = model.intercept
        self._meaning_rows = {word: row for row, word in enumerate(model.meaning_words)}
        self._meaning = model.meaning
        self._emotions = emotions or EmotionDetector()

    @classmethod
    def load(
        cls, directory: Path = DEFAULT_MODEL_DIR, emotions: EmotionDetector | None = None
    ) -> CategoryDetector:
        """The committed model; pass the router's emotion detector to share its readings."""
        return cls(CategoryModel.load(directory), emotions)

    def probabilities(self, text: str) -> dict[Category, float]:
        """The model's probability for every category (they sum to 1)."""
        normalised = normalise(text)
        tokens = word_tokens(normalised)
        words = word_ngrams(normalised, tokens)
        word_rows = [row for row in map(self._word_rows.get, words) if row is not None]
        found = np.concatenate(
            [np.array(word_rows, dtype=np.intp), *map(self._char_rows_of, normalised.split())]
        )
        found.sort()
        rows, counts = _run_lengths(found)
        # sublinear TF-IDF, each block L2-normalised on its own, as in training
        values = (1.0 + np.log(counts)) * self._idf[rows]
        split = int(np.searchsorted(rows, self._char_start))
        _unit(values[:split])
        _unit(values[split:])
        cues = np.array(cue_features(normalised, words, self._emotions.detect(text)))
        logits = self._intercept + values @ self._weights[rows] + cues @ self._cue_weights
        meant = [row for row in map(self._meaning_rows.get, tokens) if row is not None]
        if meant:
            logits += self._meaning[meant].mean(axis=0, dtype=np.float64)
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        return {c: float(p) for c, p in zip(self._classes, probabilities, strict=True)}

    def detect(self, text: str) -> CategoryGuess:
        probabilities = self.probabilities(text)
        best = max(probabilities, key=probabilities.__getitem__)
        return CategoryGuess(best, probabilities[best])
