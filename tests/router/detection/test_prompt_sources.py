"""Reading the shared real prompts: licences, reserved sources, where the folder is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.router.detection.conftest import needs_real_prompts
from tooling.training.prompt_sources import (
    LICENCES,
    PROMPTS_DIR_ENV,
    REPO_ROOT,
    PromptsUnavailableError,
    is_reserved,
    prompts_dir,
    read_prompt_sources,
)


def _write(folder: Path, name: str, rows: list[tuple[str, str]]) -> None:
    lines = [
        json.dumps({"text": t, "category": c, "source": f"{name}:f:-:{i}"})
        for i, (t, c) in enumerate(rows)
    ]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_reserved_source_is_left_out_and_named(tmp_path: Path) -> None:
    _write(tmp_path, "svamp", [("Tom has 3 apples and eats one. How many are left?", "math")])
    _write(tmp_path, "gsm8k", [("Janet's ducks lay 16 eggs per day.", "math")])
    found = read_prompt_sources(tmp_path)
    assert [s.name for s in found.sources] == ["svamp"]
    assert found.reserved == ("gsm8k",)


def test_a_file_whose_rows_come_from_a_reserved_source_is_left_out(tmp_path: Path) -> None:
    row = {"text": "def add(a, b):", "category": "coding", "source": "humaneval:x:-:1"}
    (tmp_path / "mixed.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    _write(tmp_path, "svamp", [("Tom has 3 apples. How many?", "math")])
    assert read_prompt_sources(tmp_path).reserved == ("mixed",)


@pytest.mark.parametrize(
    ("name", "reserved"),
    [
        ("arena-hard-auto", True),
        ("MBPP+", True),
        ("math", True),
        ("nq-open", True),
        ("ARC", True),
        ("self-instruct user_oriented_instructions", True),
        ("stackmathqa", False),
        ("self-instruct-seed", False),
        ("webquestions", False),
        ("research", False),
    ],
)
def test_reserved_names_are_recognised_without_catching_others(name: str, reserved: bool) -> None:
    assert is_reserved(name) is reserved


def test_only_commercially_usable_sources_train_and_unknown_ones_evaluate(tmp_path: Path) -> None:
    _write(tmp_path, "svamp", [("Tom has 3 apples. How many?", "math")])  # MIT
    _write(tmp_path, "asdiv", [("Ann has 2 pens. How many?", "math")])  # CC BY-NC
    _write(tmp_path, "brand-new-source", [("Sam has 5 cards. How many?", "math")])
    found = read_prompt_sources(tmp_path)
    assert [s.name for s in found.commercial] == ["svamp"]
    assert [s.name for s in found.evaluation_only] == ["asdiv", "brand-new-source"]
    assert "unknown" in found.evaluation_only[1].licence.name


def test_a_missing_folder_says_what_retraining_needs(tmp_path: Path) -> None:
    with pytest.raises(PromptsUnavailableError, match=PROMPTS_DIR_ENV):
        read_prompt_sources(tmp_path / "nowhere")


def test_the_folder_is_beside_the_repo_unless_the_environment_names_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(PROMPTS_DIR_ENV, raising=False)
    assert prompts_dir() == REPO_ROOT.parent / "shared" / "data" / "prompts"
    monkeypatch.setenv(PROMPTS_DIR_ENV, str(tmp_path))
    assert prompts_dir() == tmp_path


def test_every_shared_source_has_a_stated_licence_and_none_is_reserved() -> None:
    data = needs_real_prompts()
    assert data.reserved == ()
    names = [s.name for s in data.training_sources + data.evaluation_sources]
    assert names and all(name in LICENCES for name in names), names
