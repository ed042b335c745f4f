"""Whether two category models are the same model, on any CPU.

Training again must give the committed model, but not its bytes: the solver's floating-point
sums follow the BLAS kernel the CPU selects (OpenBLAS picks ``SkylakeX``, ``Haswell``,
``Prescott`` ... at start-up), so weights differ in the eighth or ninth digit from one machine
to the next. What must be equal is compared exactly: classes, vocabularies (the same n-grams in
the same column order), the words of the meaning table, cue names, featurisation settings and
the digests of the training data (the authored rows, and those with every real-prompt file
used). What a kernel may move is compared within a tolerance: inverse document frequencies,
weights, intercepts and the probabilities the two models give on a set of texts.

The tolerances sit between the two effects they separate, both measured on this project's
model (see ``tests/router/detection/test_model_artifact.py``, which checks both sides): a
kernel change moves a probability by about 1e-8 and a weight by about 1e-7; changing the
label of a single training row moves probabilities by more than 1e-2 and weights by more than
1e-1. A tolerance of 1e-4 is three orders of magnitude away from each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from services.router.detection.category_detector import CategoryDetector
from services.router.detection.model_artifact import CategoryModel

WEIGHT_TOLERANCE = 1e-4  # absolute, on coefficients, meaning rows, intercepts and idf
PROBABILITY_TOLERANCE = 1e-4  # absolute, on each class probability of each text
PROVENANCE_EXACT = (
    "dataset",
    "dataset_sha256",
    "authored_sha256",
    "examples",
    "split_seed",
    "held_back_fraction",
)


def model_differences(
    expected: CategoryModel, actual: CategoryModel, texts: Sequence[str]
) -> list[str]:
    """What differs between two models beyond what a BLAS kernel change can explain; empty
    when they are the same model."""
    differences = _layout_differences(expected, actual)
    if differences:
        return differences  # numbers of different layouts cannot be lined up
    differences = _provenance_differences(expected, actual)
    arrays: tuple[tuple[str, npt.NDArray[np.floating], npt.NDArray[np.floating]], ...] = (
        ("word idf", expected.word_idf, actual.word_idf),
        ("char idf", expected.char_idf, actual.char_idf),
        ("weights", expected.coef, actual.coef),
        ("intercepts", expected.intercept, actual.intercept),
        ("meaning table", expected.meaning, actual.meaning),
        ("rare meaning table", expected.rare_meaning, actual.rare_meaning),
    )
    for name, left, right in arrays:
        gap = _largest_gap(left, right)
        if gap > WEIGHT_TOLERANCE:
            differences.append(f"{name}: largest difference {gap:.3g} > {WEIGHT_TOLERANCE:g}")
    gap, text = _largest_probability_gap(expected, actual, texts)
    if gap > PROBABILITY_TOLERANCE:
        differences.append(
            f"probabilities: largest difference {gap:.3g} > {PROBABILITY_TOLERANCE:g},"
            f" on {text[:60]!r}"
        )
    return differences


def _layout_differences(expected: CategoryModel, actual: CategoryModel) -> list[str]:
    exact = {
        "classes": (expected.classes, actual.classes),
        "word vocabulary": (expected.word_vocabulary, actual.word_vocabulary),
        "char vocabulary": (expected.char_vocabulary, actual.char_vocabulary),
        "meaning words": (expected.meaning_words, actual.meaning_words),
        "cue names": (expected.cue_names, actual.cue_names),
        "cue weight": (expected.cue_weight, actual.cue_weight),
        "featurisation": (expected.featurisation, actual.featurisation),
    }
    return [f"{name} differs" for name, (left, right) in exact.items() if left != right]


def _provenance_differences(expected: CategoryModel, actual: CategoryModel) -> list[str]:
    return [
        f"provenance {key} differs: {expected.provenance.get(key)!r}"
        f" != {actual.provenance.get(key)!r}"
        for key in PROVENANCE_EXACT
        if expected.provenance.get(key) != actual.provenance.get(key)
    ]


def _largest_gap(left: npt.NDArray[np.floating], right: npt.NDArray[np.floating]) -> float:
    if left.shape != right.shape:
        return float("inf")
    if left.size == 0:
        return 0.0
    return float(np.max(np.abs(left.astype(np.float64) - right.astype(np.float64))))


def _largest_probability_gap(
    expected: CategoryModel, actual: CategoryModel, texts: Sequence[str]
) -> tuple[float, str]:
    first, second = CategoryDetector(expected), CategoryDetector(actual)
    largest, where = 0.0, ""
    for text in texts:
        left, right = first.probabilities(text), second.probabilities(text)
        gap = max(abs(left[c] - right[c]) for c in expected.classes)
        if gap > largest:
            largest, where = gap, text
    return largest, where
