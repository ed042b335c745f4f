"""The committed stubs in masterx/v1 are exactly what the protos generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "masterx" / "v1"


def test_committed_stubs_match_the_protos(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--out", str(tmp_path)], check=True
    )
    fresh = {p.name: p.read_text() for p in (tmp_path / "masterx" / "v1").iterdir()}
    committed = {p.name: p.read_text() for p in GENERATED.iterdir() if p.is_file()}
    assert sorted(fresh) == sorted(committed), "stub files differ: run `make proto`"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale generated stubs {stale}: run `make proto` and commit"


def test_every_service_has_its_proto() -> None:
    protos = {p.stem for p in (ROOT / "proto" / "masterx" / "v1").glob("*.proto")}
    assert {"router", "health", "benchmark", "common"} <= protos
