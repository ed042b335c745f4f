"""One training run for the module tests that need scikit-learn (about 5 s)."""

from __future__ import annotations

import pytest

from services.router.detection import CategoryDetector
from tooling.evaluation import LabelledText, read_labelled_jsonl
from tooling.training.category_model import CHALLENGE, DATASET, TrainingRun, train


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
