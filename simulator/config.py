"""The simulator's settings, from ``MASTERX_SIMULATOR_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 20250101
# The benchmark suites double as the answer key (each test carries its reference answer).
BENCHMARK_SUITES = Path(__file__).resolve().parents[1] / "services" / "benchmark" / "suites"


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = DEFAULT_SEED  # answers, latencies and failures are deterministic for a seed
    profiles_path: Path | None = None  # None: the packaged profiles.json
    answer_key_paths: tuple[Path, ...] = ()  # benchmark answer keys: JSON files or directories
    hang_limit_s: float = 600.0  # how long "timeout" mode holds a request the client keeps

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> SimulatorConfig:
        seed = environ.get("MASTERX_SIMULATOR_SEED", "").strip()
        profiles = environ.get("MASTERX_SIMULATOR_PROFILES", "").strip()
        keys = environ.get("MASTERX_SIMULATOR_ANSWER_KEYS")
        if keys is None:  # unset: the repository's benchmark suites; set but empty: none
            keys = str(BENCHMARK_SUITES) if BENCHMARK_SUITES.is_dir() else ""
        try:
            seed_value = int(seed) if seed else DEFAULT_SEED
        except ValueError:
            raise ValueError(f"MASTERX_SIMULATOR_SEED: expected an integer, got {seed!r}") from None
        return cls(
            seed=seed_value,
            profiles_path=Path(profiles) if profiles else None,
            answer_key_paths=tuple(Path(p) for p in keys.split(os.pathsep) if p.strip()),
        )
