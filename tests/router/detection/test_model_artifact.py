"""The committed model: reproducible from its data, and the numpy path equals scikit-learn's.

The tests that retrain need the shared real prompts (see conftest.py: skipped without them,
failed under CI=true)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from masterx.domain import Category
from services.router.detection import CategoryDetector
from services.router.detection.model_artifact import (
    MANIFEST,
    MEANING,
    RARE_MEANING,
    VOCABULARY,
    WEIGHTS,
    CategoryModel,
    ModelFormatError,
    word_rarity,
)
from tooling.evaluation import LabelledText, read_labelled_jsonl
from tooling.training.category_model import (
    DATASET,
    TrainingRun,
    digest,
    predict_proba,
    train,
)
from tooling.training.model_comparison import model_differences
from tooling.training.training_data import TrainingData


def test_training_again_gives_the_committed_model_on_any_cpu(
    training_run: TrainingRun,
    training_data: TrainingData,
    challenge: list[LabelledText],
    tmp_path: Path,
) -> None:
    """Layout exact, numbers within a tolerance a BLAS kernel change cannot break."""
    training_run.model.save(tmp_path)
    retrained = CategoryModel.load(tmp_path)
    texts = [e.text for e in training_data.examples + challenge]
    assert model_differences(CategoryModel.load(), retrained, texts) == [], (
        "retrain with scripts/train_category_model.py and commit the model"
    )


def test_a_model_trained_with_one_row_relabelled_is_not_the_committed_model(
    training_data: TrainingData,
    dataset: list[LabelledText],
    challenge: list[LabelledText],
    tmp_path: Path,
) -> None:
    """The tolerance still catches a real change of data: the weights and probabilities, not
    only the dataset's digest."""
    first = dataset[0]
    other = next(c for c in Category if c is not first.category)
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    assert row["text"] == first.text
    lines[0] = json.dumps({**row, "category": other.value}, ensure_ascii=False)
    changed = tmp_path / DATASET.name
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    texts = [e.text for e in dataset + challenge]
    relabelled = replace(
        training_data, authored_path=changed, authored=tuple(read_labelled_jsonl(changed))
    )
    differences = model_differences(CategoryModel.load(), train(relabelled).model, texts)
    assert any(d.startswith("weights:") for d in differences), differences
    assert any(d.startswith("probabilities:") for d in differences), differences
    assert any("dataset_sha256" in d for d in differences), differences


def test_the_committed_model_was_trained_on_the_committed_authored_rows(
    detector: CategoryDetector,
) -> None:
    """Checked in every clone, with or without the shared real prompts."""
    assert detector.model.provenance["authored_sha256"] == digest(DATASET)


def test_the_committed_model_was_trained_on_the_current_real_prompts(
    detector: CategoryDetector, training_data: TrainingData
) -> None:
    assert detector.model.provenance["dataset_sha256"] == training_data.digest()
    assert detector.model.provenance["examples"] == len(training_data.examples)


def test_the_numpy_path_gives_scikit_learns_probabilities_on_every_example(
    training_run: TrainingRun,
    training_data: TrainingData,
    challenge: list[LabelledText],
) -> None:
    texts = [e.text for e in training_data.examples + challenge] + ["", "ok", "x^2 == 0 ;; 'q'"]
    detector = CategoryDetector(training_run.model)
    expected = predict_proba(training_run.pipeline, texts)
    classes = [str(c) for c in training_run.pipeline.named_steps["classifier"].classes_]
    assert classes == [c.value for c in detector.model.classes]
    fast = np.array([[detector.probabilities(t)[c] for c in detector.model.classes] for t in texts])
    np.testing.assert_allclose(fast, expected, atol=1e-6)
    assert (fast.argmax(axis=1) == expected.argmax(axis=1)).all()


def _replace_text(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def _other_format_version(directory: Path, model: CategoryModel) -> None:
    _replace_text(directory / MANIFEST, '"format_version": 3', '"format_version": 9')


def _weights_for_another_vocabulary(directory: Path, model: CategoryModel) -> None:
    np.save(directory / WEIGHTS, np.zeros((3, 6), dtype=np.float32))


def _meaning_table_one_word_short(directory: Path, model: CategoryModel) -> None:
    rows = len(model.meaning_words) - 1
    np.save(directory / MEANING, np.zeros((rows, 6), dtype=np.float32))


def _rare_meaning_table_for_five_classes(directory: Path, model: CategoryModel) -> None:
    np.save(directory / RARE_MEANING, np.zeros((len(model.meaning_words), 5), dtype=np.float32))


def _no_rare_meaning_table(directory: Path, model: CategoryModel) -> None:
    (directory / RARE_MEANING).unlink()


def _no_meaning_words(directory: Path, model: CategoryModel) -> None:
    _replace_text(directory / VOCABULARY, '"meaning_words"', '"other_words"')


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_other_format_version, "format_version"),
        (_weights_for_another_vocabulary, "do not fit"),
        (_meaning_table_one_word_short, "meaning table"),
        (_rare_meaning_table_for_five_classes, "rare meaning table"),
        (_no_rare_meaning_table, "rare_meaning.npy"),
        (_no_meaning_words, "meaning_words"),
    ],
)
def test_a_damaged_model_is_refused_with_a_clear_error(
    tmp_path: Path, damage: Callable[[Path, CategoryModel], None], message: str
) -> None:
    model = CategoryModel.load()
    model.save(tmp_path)
    damage(tmp_path, model)
    with pytest.raises(ModelFormatError, match=message):
        CategoryModel.load(tmp_path)


def test_words_unknown_to_the_training_data_still_carry_their_meaning(
    detector: CategoryDetector,
) -> None:
    """The meaning table reaches far beyond the dataset's own words."""
    dataset_words = set(detector.model.word_vocabulary)
    assert len(set(detector.model.meaning_words) - dataset_words) > 100_000
    table = dict(zip(detector.model.meaning_words, detector.model.meaning, strict=True))
    classes = list(detector.model.classes)
    for word, category in (("compiler", "coding"), ("theorem", "math"), ("grammar", "language")):
        assert classes[int(np.argmax(table[word]))].value == category, word


def test_the_rare_meaning_block_weighs_a_word_by_its_rarity(detector: CategoryDetector) -> None:
    """ln(rank + 2): the most frequent word weighs ln 2, a word 10,000 ranks down ln 10,002;
    and the rare-meaning rows, too, place words the dataset never had by their meaning."""
    rarity = word_rarity(10_001)
    assert rarity[0] == pytest.approx(np.log(2.0))
    assert rarity[10_000] == pytest.approx(np.log(10_002.0))
    assert (np.diff(rarity) > 0).all()
    words = detector.model.meaning_words
    assert words.index("the") < words.index("compiler")
    table = dict(zip(words, detector.model.rare_meaning, strict=True))
    classes = list(detector.model.classes)
    for word, category in (("compiler", "coding"), ("theorem", "math"), ("grammar", "language")):
        assert classes[int(np.argmax(table[word]))].value == category, word


def test_a_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError, match="cannot read"):
        CategoryDetector.load(tmp_path / "nowhere")
