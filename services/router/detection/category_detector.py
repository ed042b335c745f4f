"""The task category of a message, from the trained model, in plain numpy.

The model is a multinomial logistic regression over five feature blocks: TF-IDF word 1-2
grams, TF-IDF character 2-5 grams inside word boundaries (each block L2-normalised, sublinear
term frequency), the keyword/pattern/emotion cues of :mod:`.cues`, and the meaning of the
words (the mean of their pre-trained vectors, and their mean weighted by each word's rarity,
each folded into one row of class scores per word: see ``tooling/training/word_vectors.py``
and :func:`.model_artifact.word_rarity`). This module recomputes
exactly what scikit-learn's pipeline computes at training time (a test checks it on the whole
dataset), without importing scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
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
    word_rarity,
)
from services.router.detection.text_features import (
    normalise,
    word_char_ngrams,
    word_ngrams,
    word_tokens,
)
from services.router.detection.written_rules import with_written_rules

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
WORD_CACHE_SIZE = 16_384  # distinct words whose character n-gram rows are remembered


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float  # the model's probability for ``category``, 0..1


def _char_rows_of_word(rows: dict[str, int], word: str) -> IntArray:
    found = [row for row in map(rows.get, word_char_ngrams(word)) if row is not None]
    return np.array(found, dtype=np.intp)


_SUBLINEAR = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]
NUMPY_FROM = 256  # n-grams in a block from which numpy is faster than a Python loop
NO_ROWS: IntArray = np.zeros(0, dtype=np.intp)


def _sublinear(count: int) -> float:
    """1 + ln(count), the sublinear term frequency (looked up for the counts messages have)."""
    return _SUBLINEAR[count] if count < len(_SUBLINEAR) else 1.0 + math.log(count)


def _unit(weighted: FloatArray) -> FloatArray:
    total = math.sqrt(float(weighted @ weighted))
    return weighted / total if total else weighted


def _unit_tf_idf(
    counts: Mapping[int, int], idf: list[float], idf_array: FloatArray
) -> tuple[IntArray, FloatArray]:
    """The rows of one block's n-grams and their sublinear TF-IDF, L2-normalised (a block
    with no known n-gram stays zero).

    Plain Python for the few dozen n-grams of most messages, where numpy's per-call cost is
    most of the work; numpy for the thousands of a long post, which decide the p99."""
    rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
    if len(counts) >= NUMPY_FROM:
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        return rows, _unit((1.0 + np.log(tf)) * idf_array[rows])
    values = [_sublinear(count) * idf[row] for row, count in counts.items()]
    norm = math.sqrt(sum([v * v for v in values]))
    return rows, np.array([v / norm for v in values] if norm else values, dtype=np.float64)


def _char_tf_idf(char_rows: list[IntArray], idf_array: FloatArray) -> tuple[IntArray, FloatArray]:
    """The character block from each word's n-gram rows: counted by numpy (``np.unique``),
    whose cost grows with a long post's thousands of n-grams far slower than a ``Counter``'s."""
    if not char_rows:
        return NO_ROWS, np.zeros(0, dtype=np.float64)
    rows, tf = np.unique(np.concatenate(char_rows), return_counts=True)
    return rows, _unit((1.0 + np.log(tf)) * idf_array[rows])


class CategoryDetector:
    """Detects the category of one message; load once, then call :meth:`detect` per message."""

    def __init__(self, model: CategoryModel, emotions: EmotionDetector | None = None) -> None:
        if model.cue_names != CUE_NAMES:
            raise ModelFormatError(
                "the model was trained with other cues than this code computes; retrain it"
                " with scripts/train_category_model.py"
            )
        words, chars = len(model.word_vocabulary), len(model.char_vocabulary)
        meaning_start = words + chars + len(model.cue_names)
        self.model = model
        self._classes = model.classes
        # One row of class scores per feature: word n-grams, character n-grams, cues, then the
        # words of the meaning table. A message's scores are one weighted sum of its rows.
        # Then the same words' rows of the rare-meaning table, ``rare_offset`` further on.
        self._weights = np.concatenate(
            [
                model.coef.astype(np.float64),
                model.meaning.astype(np.float64),
                model.rare_meaning.astype(np.float64),
            ]
        )
        self._rare_offset = len(model.meaning_words)
        self._meaning_start = meaning_start
        self._rarity = word_rarity(self._rare_offset)  # per word of the meaning table
        self._idf_array = np.concatenate([model.word_idf, model.char_idf]).astype(np.float64)
        self._idf = self._idf_array.tolist()
        self._word_rows = {gram: row for row, gram in enumerate(model.word_vocabulary)}
        char_rows = {gram: words + row for row, gram in enumerate(model.char_vocabulary)}
        # Character n-grams never cross a space, so a message's are its words' put together:
        # each word's rows are worked out once and remembered.
        self._char_rows_of = lru_cache(maxsize=WORD_CACHE_SIZE)(
            partial(_char_rows_of_word, char_rows)
        )
        self._cue_rows = np.arange(words + chars, meaning_start, dtype=np.intp)
        self._cue_weight = model.cue_weight
        self._intercept = model.intercept.astype(np.float64)
        self._meaning_rows = {
            word: meaning_start + row for row, word in enumerate(model.meaning_words)
        }
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
        grams = Counter(word_ngrams(normalised, tokens))
        word_rows = self._word_rows
        word_counts = {
            row: count for gram, count in grams.items() if (row := word_rows.get(gram)) is not None
        }
        word_block = _unit_tf_idf(word_counts, self._idf, self._idf_array)
        char_rows = list(map(self._char_rows_of, normalised.split()))
        char_block = _char_tf_idf(char_rows, self._idf_array)
        cue_weight = self._cue_weight
        cues = [
            v * cue_weight for v in cue_features(normalised, grams, self._emotions.detect(text))
        ]
        meant = np.array(
            [row for row in map(self._meaning_rows.get, tokens) if row is not None],
            dtype=np.intp,
        )
        rarity = self._rarity[meant - self._meaning_start]
        rarity_total = float(rarity.sum())
        # sublinear TF-IDF, each block L2-normalised on its own, as in training; the cues; the
        # mean of the meaning rows of the message's words; their rare-meaning rows' mean
        # weighted by rarity
        values = np.concatenate(
            [
                word_block[1],
                char_block[1],
                np.array(cues, dtype=np.float64),
                np.full(len(meant), 1.0 / len(meant) if len(meant) else 0.0),
                rarity / rarity_total if rarity_total else rarity,
            ]
        )
        rows = np.concatenate(
            [word_block[0], char_block[0], self._cue_rows, meant, meant + self._rare_offset]
        )
        logits = (values @ self._weights[rows] + self._intercept).tolist()
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        total = math.fsum(exp)
        return {c: e / total for c, e in zip(self._classes, exp, strict=True)}

    def detect(self, text: str) -> CategoryGuess:
        """The most probable category, with the written rules (:mod:`.written_rules`: one-fact
        questions, literature questions, word problems, creative writing, code, the writer's
        own distress, translation and vocabulary) applied; with the confidence of the model's
        verdict and the rule's together (the rule decides between them, the model that it is
        one of them)."""
        probabilities = self.probabilities(text)
        best = max(probabilities, key=probabilities.__getitem__)
        decided = with_written_rules(best, text)
        if decided is not best:
            return CategoryGuess(decided, probabilities[best] + probabilities[decided])
        return CategoryGuess(best, probabilities[best])
