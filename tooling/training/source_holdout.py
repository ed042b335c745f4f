"""Leave-one-source-out accuracy: the estimate of how the detector does on traffic from elsewhere.

For each real source that trains the shipped model, a model is fitted on every other training
row (authored rows and the other sources) and scored on that source. The evaluation-only
sources (non-commercial or unknown licence, never trained on) are scored by one model fitted
on every training row, as the shipped model is. Each test source is thus unseen by the model
that scores it, as real traffic from elsewhere is.

A fit per source through the scikit-learn pipeline would re-count the same n-grams every
time (minutes on two cores), so the texts are featurised once: n-gram counts, cues and word
meanings of every row. Each fold then keeps the n-grams of its own training rows that occur in
at least ``MIN_DF`` of them and computes their idf from those rows only, exactly what the
pipeline's ``TfidfVectorizer`` would learn on them (sublinear tf, smooth idf, L2 per block),
so the held-out source leaks nothing. The fold's classifier is the shipped one with a looser
solver tolerance (:data:`FOLD_TOLERANCE`), which changes the predictions of a handful of rows
and halves the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import CountVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.preprocessing import normalize  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from masterx.domain import Category
from services.router.detection.text_features import CHAR_NGRAMS, WORD_NGRAMS, normalise
from services.router.detection.written_rules import with_written_rules
from tooling.evaluation import CategoryEvaluation, LabelledText
from tooling.evaluation.categories import score_predictions
from tooling.training.category_model import (
    CUE_WEIGHT,
    MEANING_WEIGHT,
    MIN_DF,
    RARE_MEANING_WEIGHT,
    C,
    cue_matrix,
    meaning_matrix,
    rare_meaning_matrix,
)
from tooling.training.training_data import TrainingData

FOLD_TOLERANCE = 1e-4


@dataclass(frozen=True)
class SourceResult:
    name: str
    trained_on: bool  # whether the shipped model trains on this source
    evaluation: CategoryEvaluation


@dataclass(frozen=True)
class HoldoutReport:
    sources: tuple[SourceResult, ...]  # by name
    overall: CategoryEvaluation  # every source's rows, each scored by a model that never saw it


@dataclass(frozen=True)
class FoldFeatures:
    """Every row featurised once: n-gram counts (rows x n-grams) and the dense blocks."""

    words: Any  # scipy CSC matrix of counts
    chars: Any
    dense: npt.NDArray[np.float64]  # cues, meanings, rare meanings (each scaled)

    @classmethod
    def of(cls, texts: Sequence[str]) -> FoldFeatures:
        def counts(analyzer: str, ngrams: tuple[int, int]) -> Any:
            vectorizer = CountVectorizer(
                preprocessor=normalise, analyzer=analyzer, ngram_range=ngrams
            )
            return vectorizer.fit_transform(list(texts)).tocsc()

        dense = np.hstack(
            [
                CUE_WEIGHT * cue_matrix(texts),
                MEANING_WEIGHT * meaning_matrix(texts),
                RARE_MEANING_WEIGHT * rare_meaning_matrix(texts),
            ]
        )
        return cls(counts("word", WORD_NGRAMS), counts("char_wb", CHAR_NGRAMS), dense)

    def matrices(self, train: npt.NDArray[np.intp], test: npt.NDArray[np.intp]) -> tuple[Any, Any]:
        blocks = [_tf_idf(self.words, train, test), _tf_idf(self.chars, train, test)]
        return tuple(
            sp.hstack([blocks[0][side], blocks[1][side], sp.csr_matrix(self.dense[rows])]).tocsr()
            for side, rows in enumerate((train, test))
        )


def _tf_idf(
    counts: Any, train: npt.NDArray[np.intp], test: npt.NDArray[np.intp]
) -> tuple[Any, Any]:
    """Sublinear TF-IDF of one block with the vocabulary and idf of the ``train`` rows."""
    frequency = np.asarray((counts[train] > 0).sum(axis=0)).ravel()
    kept = np.flatnonzero(frequency >= MIN_DF)
    idf = np.log((1 + len(train)) / (1 + frequency[kept])) + 1.0

    def weigh(rows: npt.NDArray[np.intp]) -> Any:
        matrix = counts[rows][:, kept].tocsr().astype(np.float64)
        matrix.data = 1.0 + np.log(matrix.data)
        return normalize(matrix @ sp.diags(idf))

    return weigh(train), weigh(test)


def leave_one_source_out(data: TrainingData) -> HoldoutReport:
    """Each training source scored by a model fitted without it; the evaluation-only sources
    by a model fitted on every training row."""
    training = data.examples
    names = np.array(data.example_sources)
    weights = np.asarray(data.weights)
    held = [row for source in data.evaluation_sources for row in source.rows]
    rows: list[LabelledText] = [*training, *held]
    features = FoldFeatures.of([r.text for r in rows])
    labels = np.array([r.category.value for r in rows])
    predicted: dict[int, Category] = {}

    def fit_and_predict(fit_rows: npt.NDArray[np.intp], test: npt.NDArray[np.intp]) -> None:
        x_train, x_test = features.matrices(fit_rows, test)
        classifier = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, tol=FOLD_TOLERANCE)
        with threadpool_limits(limits=1):
            classifier.fit(x_train, labels[fit_rows], sample_weight=weights[fit_rows])
        labels_out = classifier.predict(x_test)
        for row, label in zip(test.tolist(), labels_out, strict=True):
            predicted[row] = with_written_rules(Category(label), rows[row].text)

    for source in data.training_sources:
        fit_and_predict(np.flatnonzero(names != source.name), np.flatnonzero(names == source.name))
    if held:
        fit_and_predict(np.arange(len(training)), len(training) + np.arange(len(held)))

    start = len(data.authored)
    results = []
    for source, trained_on in [
        *((s, True) for s in data.training_sources),
        *((s, False) for s in data.evaluation_sources),
    ]:
        span = range(start, start + len(source.rows))
        start += len(source.rows)
        outcomes = [(rows[i].text, rows[i].category, predicted[i]) for i in span]
        results.append(SourceResult(source.name, trained_on, score_predictions(outcomes)))
    overall = score_predictions(
        (rows[i].text, rows[i].category, category) for i, category in sorted(predicted.items())
    )
    return HoldoutReport(tuple(sorted(results, key=lambda r: r.name)), overall)
