"""One training run for the module tests that need scikit-learn (about 5 s)."""

from __future__ import annotations

import pytest

from masterx.evaluation import LabelledText, read_labelled_jsonl
from services.router.detection import CategoryDetector
from services.router.detection.training import CHALLENGE, DATASET, TrainingRun, train


@pytest.fixture(scope="session")
def training_run() -> TrainingRun:
    return train(DATASET)


@pytest.fixture(scope="session")
def detector() -> CategoryDetector:
    return CategoryDetector.load()


@pytest.fixture(scope="session")
def dataset() -> list[LabelledText]:
    return read_labelled_jsonl(DATASET)


@pytest.fixture(scope="session")
def challenge() -> list[LabelledText]:
    return read_labelled_jsonl(CHALLENGE)
