"""What the category model is trained on: the authored rows plus the reviewed real prompts.

The authored rows (``data/categories.jsonl``, ``source`` ``authored:<category>/<batch>``) are
taken as written. Each real source of :mod:`.prompt_sources` is reviewed against the
labelling rules (:mod:`.label_review`); a source whose licence allows commercial use then
trains the shipped model, every other one is kept for evaluation (leave-one-source-out).

Big sources must not drown small ones or the authored rows: a real source's rows of one
category weigh ``min(1, SOURCE_CATEGORY_CAP / their count)`` in the fit, so each (source,
category) pair counts for at most :data:`SOURCE_CATEGORY_CAP` rows; authored rows weigh 1.

The digest that the model's provenance records covers every input: the authored file and
each training source's file, by name and content.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tooling.evaluation import LabelledText, read_labelled_jsonl
from tooling.training.label_review import review
from tooling.training.prompt_sources import Licence, read_prompt_sources

DATA_DIR = Path(__file__).resolve().parents[2] / "services/router/detection/data"
AUTHORED = DATA_DIR / "categories.jsonl"
AUTHORED_SOURCE = "authored"
SOURCE_CATEGORY_CAP = 100


@dataclass(frozen=True)
class ReviewedSource:
    name: str
    path: Path
    licence: Licence
    rows_in_file: int
    rows: tuple[LabelledText, ...]  # after the review
    relabelled: Counter[str]  # rule -> rows relabelled
    dropped: Counter[str]  # rule -> rows left out


@dataclass(frozen=True)
class TrainingData:
    authored_path: Path
    authored: tuple[LabelledText, ...]
    training_sources: tuple[ReviewedSource, ...]  # commercially usable: train the shipped model
    evaluation_sources: tuple[ReviewedSource, ...]  # everything else: evaluation only
    reserved: tuple[str, ...]  # files left out as reserved evaluation sources

    @property
    def examples(self) -> list[LabelledText]:
        """Authored rows first, then each training source's reviewed rows, in name order."""
        return [*self.authored, *(row for s in self.training_sources for row in s.rows)]

    @property
    def example_sources(self) -> list[str]:
        """The source of each of :attr:`examples`: ``authored`` or the source's name."""
        names = [AUTHORED_SOURCE] * len(self.authored)
        return names + [s.name for s in self.training_sources for _ in s.rows]

    @property
    def weights(self) -> list[float]:
        """The fit weight of each of :attr:`examples` (see the module docstring)."""
        weights = [1.0] * len(self.authored)
        for source in self.training_sources:
            counts = Counter(row.category for row in source.rows)
            weights += [min(1.0, SOURCE_CATEGORY_CAP / counts[r.category]) for r in source.rows]
        return weights

    def digest(self) -> str:
        """sha-256 over the authored file and each training source file, name and bytes."""
        total = hashlib.sha256()
        for name, path in [
            (self.authored_path.name, self.authored_path),
            *((s.path.name, s.path) for s in self.training_sources),
        ]:
            total.update(f"{name}\n{file_digest(path)}\n".encode())
        return total.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_training_data(authored: Path = AUTHORED, prompts: Path | None = None) -> TrainingData:
    """The authored rows and the reviewed real sources; raises
    :class:`~.prompt_sources.PromptsUnavailableError` when the shared folder is missing."""
    found = read_prompt_sources(prompts)
    reviewed = []
    for source in found.sources:
        outcome = review(source.rows)
        reviewed.append(
            ReviewedSource(
                source.name,
                source.path,
                source.licence,
                len(source.rows),
                outcome.rows,
                outcome.relabelled,
                outcome.dropped,
            )
        )
    return TrainingData(
        authored_path=authored,
        authored=tuple(read_labelled_jsonl(authored)),
        training_sources=tuple(s for s in reviewed if s.licence.commercial),
        evaluation_sources=tuple(s for s in reviewed if not s.licence.commercial),
        reserved=found.reserved,
    )
