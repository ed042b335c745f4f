"""The trained category model on disk: JSON for the vocabularies, ``.npy`` for the numbers.

Five files, none of them pickled, all reproducible by the training script (the layout exactly,
the numbers within a tolerance a BLAS kernel cannot break: see
``tooling/training/model_comparison.py``):

- ``manifest.json``: classes, intercepts, cue names and weight, the featurisation settings
  and provenance (dataset digest, example count, held-back accuracy, scikit-learn version);
- ``vocabulary.json``: the word and character n-gram vocabularies in column order, with their
  inverse document frequencies, and the words of the meaning table;
- ``weights.npy``: float32 coefficients, one row per feature (words, characters, cues), one
  column per class;
- ``meaning.npy``: float32, one row per word of the meaning table, one column per class: what
  the word's pre-trained vector adds to each class's score (the meaning block's coefficients
  times the vector, see ``tooling/training/word_vectors.py``); a message adds the mean of its
  words' rows;
- ``rare_meaning.npy``: float32, the same shape: the rarity-weighted meaning block's rows; a
  message adds their mean weighted by each word's :func:`word_rarity`.

The ``.npy`` files are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from masterx.domain import Category

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
FORMAT_VERSION = 3
MANIFEST, VOCABULARY, WEIGHTS = "manifest.json", "vocabulary.json", "weights.npy"
MEANING, RARE_MEANING = "meaning.npy", "rare_meaning.npy"

FloatArray = npt.NDArray[np.float64]
Provenance = dict[str, str | int | float]


class ModelFormatError(ValueError):
    """The model directory is missing a file or holds one this code cannot read."""


def word_rarity(words: int) -> FloatArray:
    """The weight of each word of the meaning table (most frequent first) in the rare-meaning
    block: ln(rank + 2), the inverse document frequency a word's rank implies (Zipf: a
    word's frequency falls as 1 / rank, up to a constant). "the" weighs 0.69, the 100th word
    4.6, the 10,000th 9.2: the mean leans on the words that say what a message is about, not
    on the words every message has. It needs no counts from the training data."""
    return np.log(np.arange(words, dtype=np.float64) + 2.0)


@dataclass(frozen=True, eq=False)
class CategoryModel:
    classes: tuple[Category, ...]
    word_vocabulary: tuple[str, ...]
    word_idf: FloatArray
    char_vocabulary: tuple[str, ...]
    char_idf: FloatArray
    cue_names: tuple[str, ...]
    cue_weight: float
    coef: npt.NDArray[np.float32]  # (words + chars + cues, classes)
    intercept: FloatArray  # (classes,)
    meaning_words: tuple[str, ...]
    meaning: npt.NDArray[np.float32]  # (meaning words, classes)
    rare_meaning: npt.NDArray[np.float32]  # (meaning words, classes)
    featurisation: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=dict)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format_version": FORMAT_VERSION,
            "classes": [c.value for c in self.classes],
            "intercept": [float(v) for v in self.intercept],
            "cue_names": list(self.cue_names),
            "cue_weight": self.cue_weight,
            "featurisation": self.featurisation,
            "provenance": self.provenance,
        }
        vocabulary = {
            "words": list(self.word_vocabulary),
            "word_idf": [float(v) for v in self.word_idf],
            "chars": list(self.char_vocabulary),
            "char_idf": [float(v) for v in self.char_idf],
            "meaning_words": list(self.meaning_words),
        }
        _write_json(directory / MANIFEST, manifest, indent=2)
        _write_json(directory / VOCABULARY, vocabulary, indent=None)
        with (directory / WEIGHTS).open("wb") as out:
            np.save(out, np.ascontiguousarray(self.coef, dtype=np.float32), allow_pickle=False)
        for name, table in ((MEANING, self.meaning), (RARE_MEANING, self.rare_meaning)):
            with (directory / name).open("wb") as out:
                np.save(out, np.ascontiguousarray(table, dtype=np.float32), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path = DEFAULT_MODEL_DIR) -> CategoryModel:
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            vocabulary = json.loads((directory / VOCABULARY).read_text(encoding="utf-8"))
            coef = np.load(directory / WEIGHTS, allow_pickle=False)
            meaning = np.load(directory / MEANING, allow_pickle=False)
            rare_meaning = np.load(directory / RARE_MEANING, allow_pickle=False)
        except (OSError, ValueError) as error:
            message = f"cannot read the category model in {directory}: {error}"
            raise ModelFormatError(message) from None
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ModelFormatError(
                f"{directory / MANIFEST}: format_version {manifest.get('format_version')!r},"
                f" expected {FORMAT_VERSION}"
            )
        try:
            model = cls(
                classes=tuple(Category(c) for c in manifest["classes"]),
                word_vocabulary=tuple(vocabulary["words"]),
                word_idf=np.asarray(vocabulary["word_idf"], dtype=np.float64),
                char_vocabulary=tuple(vocabulary["chars"]),
                char_idf=np.asarray(vocabulary["char_idf"], dtype=np.float64),
                cue_names=tuple(manifest["cue_names"]),
                cue_weight=float(manifest["cue_weight"]),
                coef=coef.astype(np.float32, copy=False),
                intercept=np.asarray(manifest["intercept"], dtype=np.float64),
                meaning_words=tuple(vocabulary["meaning_words"]),
                meaning=meaning.astype(np.float32, copy=False),
                rare_meaning=rare_meaning.astype(np.float32, copy=False),
                featurisation=dict(manifest["featurisation"]),
                provenance=dict(manifest["provenance"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            message = f"{directory}: the category model lacks or garbles {error}"
            raise ModelFormatError(message) from None
        model.check_shapes()
        return model

    def check_shapes(self) -> None:
        features = len(self.word_vocabulary) + len(self.char_vocabulary) + len(self.cue_names)
        expected = (features, len(self.classes))
        if self.coef.shape != expected or self.intercept.shape != (len(self.classes),):
            raise ModelFormatError(
                f"weights of shape {self.coef.shape} and intercept {self.intercept.shape} do not"
                f" fit {features} features and {len(self.classes)} classes"
            )
        for name, table in (("meaning", self.meaning), ("rare meaning", self.rare_meaning)):
            if table.shape != (len(self.meaning_words), len(self.classes)):
                raise ModelFormatError(
                    f"{name} table of shape {table.shape} does not fit"
                    f" {len(self.meaning_words)} words and {len(self.classes)} classes"
                )


def _write_json(path: Path, value: object, indent: int | None) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
