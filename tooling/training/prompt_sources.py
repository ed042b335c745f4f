"""The real prompts of ``../shared/data/prompts``: one file per public source, and its licence.

The folder sits beside the repository on CI and every development machine, never inside it
(licences differ per source, so no row is copied into the repo); ``$MASTERX_PROMPTS_DIR``
names another place. Each ``<source>.jsonl`` holds ``{"text", "category", "source"}`` lines;
the folder's ``SOURCES-*.md`` say where each source came from and under which licence.

The licence table below is that information, as code: only a source whose licence allows
commercial use (MIT, Apache, BSD, CC BY, CC BY-SA, ODC-By) may train the shipped model. A
non-commercial source, one whose repository states no licence, and any file this table does
not know serve for evaluation only (leave-one-source-out, see :mod:`.source_holdout`).

Sources reserved to judge the detector (the issue's list: arena-hard-auto, MBPP, HumanEval,
...) are never read: a file whose name or rows name one is left out and reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from tooling.evaluation import LabelledText, read_labelled_jsonl

PROMPTS_DIR_ENV = "MASTERX_PROMPTS_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Licence:
    name: str  # as the source's repository states it (see the SOURCES-*.md of the folder)
    commercial: bool  # whether it allows training a model that is shipped


def _ok(name: str) -> Licence:
    return Licence(name, commercial=True)


def _eval_only(name: str) -> Licence:
    return Licence(name, commercial=False)


# Licence of each source, as its SOURCES-*.md row states it.
LICENCES: dict[str, Licence] = {
    "aqua-rat": _ok("Apache-2.0"),
    "clinc150": _ok("Apache-2.0 (upstream CLINC150 CC BY 3.0)"),
    "cs1qa": _ok("MIT"),
    "expertqa": _ok("MIT"),
    "goemotions": _ok("Apache-2.0"),
    "hwu64": _ok("CC BY 4.0"),
    "nl2bash": _ok("MIT (data/bash/LICENSE)"),
    "pubmedqa": _ok("MIT"),
    "scidqa": _ok("ODC-By 1.0"),
    "self-instruct-seed": _ok("Apache-2.0"),
    "sentic-stress": _ok("Apache-2.0"),
    "sgd-first-turn": _ok("CC BY-SA 4.0"),
    "stackmathqa": _ok("CC BY 4.0"),
    "staqc": _ok("CC BY 4.0"),
    "svamp": _ok("MIT"),
    "tatoeba-laser": _ok("BSD (LASER) / CC BY 2.0 FR (Tatoeba sentences)"),
    "thealgorithms-py": _ok("MIT"),
    "webquestions": _ok("CC BY 4.0"),
    "asdiv": _eval_only("CC BY-NC 4.0"),
    "asset-templated": _eval_only("CC BY-NC 4.0"),
    "codealpaca": _eval_only("CC BY-NC 4.0 (and model-generated)"),
    "conala": _eval_only("none stated by the copy used"),
    "dreaddit": _eval_only("none stated"),
    "instructionwild": _eval_only("non-commercial research only"),
    "instructionwild-u2": _eval_only("non-commercial research only"),
    "reddit-college": _eval_only("none stated"),
    "skeptics-se": _eval_only("none stated by the copy used"),
    "so-bq-sample": _eval_only("none stated by the copy used"),
    "sosum": _eval_only("none stated"),
    "trec-qc": _eval_only("none stated"),
    "wikihow-titles": _eval_only("none stated (wikiHow content CC BY-NC-SA 3.0)"),
}
UNKNOWN = _eval_only("unknown: not in the licence table of prompt_sources.py")

# The sources reserved for judging the detector, as the names a file or a row's ``source``
# would carry (lower case, letters and digits only). Short names must match whole; longer
# ones anywhere in the name.
RESERVED_WHOLE = frozenset({"arc", "math", "mbpp", "nq", "nqopen", "alma", "wmt22"})
RESERVED_PARTS = (
    "arenahard",
    "mbpp",
    "humaneval",
    "wizardlm",
    "useroriented",
    "mtbench",
    "vicunabench",
    "gsm8k",
    "hendrycks",
    "competitionmath",
    "scholarqa",
    "deepresearch",
    "wmt22",
    "jfleg",
    "counselchat",
    "esconv",
    "alpacaeval",
    "naturalquestions",
    "nqopen",
    "arcchallenge",
    "arceasy",
    "ai2arc",
    "winogrande",
)


class PromptsUnavailableError(RuntimeError):
    """The shared prompts folder is missing or holds no source file."""


@dataclass(frozen=True)
class PromptSource:
    name: str
    path: Path
    licence: Licence
    rows: tuple[LabelledText, ...]


@dataclass(frozen=True)
class PromptSources:
    directory: Path
    sources: tuple[PromptSource, ...]  # sorted by name
    reserved: tuple[str, ...]  # files left out because they are (or hold) a reserved source

    @property
    def commercial(self) -> tuple[PromptSource, ...]:
        return tuple(s for s in self.sources if s.licence.commercial)

    @property
    def evaluation_only(self) -> tuple[PromptSource, ...]:
        return tuple(s for s in self.sources if not s.licence.commercial)


def prompts_dir() -> Path:
    """``$MASTERX_PROMPTS_DIR``, else ``<repo>/../shared/data/prompts``."""
    given = os.environ.get(PROMPTS_DIR_ENV)
    return Path(given) if given else REPO_ROOT.parent / "shared" / "data" / "prompts"


def is_reserved(name: str) -> bool:
    """Whether a file stem or a row's source names a source reserved for evaluation."""
    flat = re.sub(r"[^a-z0-9]", "", name.lower())
    return flat in RESERVED_WHOLE or any(part in flat for part in RESERVED_PARTS)


def read_prompt_sources(directory: Path | None = None) -> PromptSources:
    """Every source file of the folder with its licence; reserved sources left out."""
    folder = directory or prompts_dir()
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if not files:
        raise PromptsUnavailableError(
            f"no real prompts at {folder}: retraining the category model needs the shared"
            f" folder of source files (<repo>/../shared/data/prompts, or set {PROMPTS_DIR_ENV})"
        )
    sources, reserved = [], []
    for path in files:
        rows = tuple(read_labelled_jsonl(path))
        if is_reserved(path.stem) or any(is_reserved(_source_name(r.source)) for r in rows):
            reserved.append(path.stem)
            continue
        sources.append(PromptSource(path.stem, path, LICENCES.get(path.stem, UNKNOWN), rows))
    return PromptSources(folder, tuple(sources), tuple(reserved))


def _source_name(row_source: str) -> str:
    """The source name a row's ``source`` starts with (``<name>:<file>:<label>:<id>``)."""
    return row_source.split(":", 1)[0]
