"""The hop benchmark: it times every step, and refuses arguments it cannot measure with."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from bench.hops.__main__ import STEPS
from bench.hops.timing import Pause, step_times, summary

ROOT = Path(__file__).resolve().parents[2]


def run_hops(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.hops", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_step_is_timed_once_per_call_and_after_its_pause() -> None:
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.002)

    for pause in Pause:
        times = await step_times(step, 10, pause, 0.001)
        assert len(times) == 10
        assert min(times) >= 2000  # microseconds: the step's own 2 ms, not the pause before it
        assert max(times) < 500_000
    assert calls == 10 * len(Pause)
    assert summary([3.0, 1.0, 2.0, 4.0]) == {"p50": 2.0, "p90": 4.0}


def test_the_benchmark_measures_every_hop_between_two_processes(tmp_path: Path) -> None:
    results = tmp_path / "hops.json"
    done = run_hops("--count", "10", "--pause-ms", "1", "--json", str(results))
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    assert report["count"] == 10 and report["pause_ms"] == 1
    assert report["machine"]["cpus"] >= 1
    for name, key in STEPS:
        assert name in done.stdout
        for pause in Pause:
            cell = report["steps"][key][pause.value]
            assert 0 < cell["p50"] <= cell["p90"], (key, pause, cell)


def test_arguments_it_cannot_measure_with_are_refused_by_name() -> None:
    too_few = run_hops("--count", "3")
    assert too_few.returncode == 2
    assert "--count" in too_few.stderr and "at least 10 calls" in too_few.stderr
    no_pause = run_hops("--pause-ms", "0")
    assert no_pause.returncode == 2
    assert "--pause-ms" in no_pause.stderr and "more than 0" in no_pause.stderr
    not_a_number = run_hops("--count", "many")
    assert not_a_number.returncode == 2 and "--count" in not_a_number.stderr
