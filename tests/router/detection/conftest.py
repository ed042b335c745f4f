"""Training runs for the module tests that need scikit-learn and the shared real prompts.

Retraining needs the real prompts of ``<repo>/../shared/data/prompts`` (or
``$MASTERX_PROMPTS_DIR``): a clone without them skips the retraining tests and says why, but
under ``CI=true`` (where the folder must be present) they fail instead.
"""

from __future__ import annotations

import os

import pytest

from services.router.detection import CategoryDetector
from tooling.evaluation import LabelledText, read_labelled_jsonl
from tooling.training.category_model import CHALLENGE, DATASET, TrainingRun, train
from tooling.training.prompt_sources import PromptsUnavailableError
from tooling.training.training_data import TrainingData, load_training_data


def needs_real_prompts() -> TrainingData:
    """The training data, else a skip (a failure under CI=true) naming what is missing."""
    try:
        return load_training_data()
    except PromptsUnavailableError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have the real prompts: {error}")
        pytest.skip(f"retraining test skipped: {error}")


@pytest.fixture(scope="session")
def training_data() -> TrainingData:
    return needs_real_prompts()


@pytest.fixture(scope="session")
def training_run(training_data: TrainingData) -> TrainingRun:
    return train(training_data)


@pytest.fixture(scope="session")
def detector() -> CategoryDetector:
    return CategoryDetector.load()


@pytest.fixture(scope="session")
def dataset() -> list[LabelledText]:
    """The authored rows (in the repo, so present in every clone)."""
    return read_labelled_jsonl(DATASET)


@pytest.fixture(scope="session")
def challenge() -> list[LabelledText]:
    return read_labelled_jsonl(CHALLENGE)
