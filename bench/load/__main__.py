"""Load benchmark: gateway overhead over the bare simulator under open-loop load.

    .venv/bin/python -m bench.load [--rates 50,100,200,400] [--duration 10] [--warmup 2]

Starts the whole stack on free ports (simulator at a fixed 50 ms, no jitter, no failures),
then for each mode (plain, streamed) and rate runs the load generator in its own process
against the simulator (baseline) and against the gateway, pinned to the same provider and wire
format; at ``--floor-rate`` also against the floor chain (bench/load/floor: the same hops with
no MasterX logic); at ``--cached-rate`` also the *cached* level: the same question every
time, answered from the response cache (on in this stack; the routed levels bypass it with
``Cache-Control: no-cache``), its latency next to a routed call's overhead. Writes
bench/results/load.json and load.md and prints the budget lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from bench.load.floor.chain import floor_chain
from bench.load.report import (
    budget_lines,
    cached_lines,
    cached_summary,
    floor_lines,
    floor_summary,
    level_summary,
    markdown,
)
from bench.load.stack import ROOT, running_stack
from bench.load.workload import Target

RESULTS = ROOT / "bench" / "results"


def generate(
    target: Target, port: int, rate: float, stream: bool, args: argparse.Namespace
) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "bench.load.generator", "--target", target.value,
        "--port", str(port), "--rate", str(rate), "--duration", str(args.duration),
        "--warmup", str(args.warmup),
    ]  # fmt: skip
    if stream:
        command.append("--stream")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="50,100,200,400", help="requests/s, comma-separated")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per level")
    parser.add_argument(
        "--pause", type=float, default=2.0, help="idle seconds between runs (backlog drains)"
    )
    parser.add_argument("--modes", default="plain,streamed", help="plain, streamed or both")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="simulated provider latency")
    parser.add_argument("--log-level", default="WARNING", help="MASTERX_LOG_LEVEL of the stack")
    parser.add_argument(
        "--profile", choices=("router", "gateway"), help="run it under pyinstrument"
    )
    parser.add_argument("--profiler", choices=("pyinstrument", "cprofile"), default="pyinstrument")
    parser.add_argument(
        "--floor-rate",
        type=float,
        default=100.0,
        help="also load the floor chain (bench/load/floor) at this plain rate; 0: never",
    )
    parser.add_argument(
        "--cached-rate",
        type=float,
        default=100.0,
        help="also load response-cache hits (one question, repeated) at this rate; 0: never",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where load.json/.md go")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    modes = [m.strip() for m in args.modes.split(",")]
    rows = []
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="masterx-load-") as state,
        running_stack(
            Path(state), args.log_level, args.latency_ms, args.profile, args.profiler
        ) as config,
        floor_chain(config) if args.floor_rate > 0 else nullcontext(0) as floor_port,
    ):
        for mode in modes:
            stream = mode == "streamed"
            for rate in rates:
                baseline = generate(Target.BASELINE, config.simulator_port, rate, stream, args)
                time.sleep(args.pause)
                gateway = generate(Target.GATEWAY, config.gateway_port, rate, stream, args)
                time.sleep(args.pause)
                row = level_summary(gateway, baseline)
                if not stream and rate == args.floor_rate:
                    floor = generate(Target.GATEWAY, floor_port, rate, stream, args)
                    time.sleep(args.pause)
                    row["floor"] = floor_summary(floor, baseline)
                if rate == args.cached_rate:
                    cached = generate(Target.CACHED, config.gateway_port, rate, stream, args)
                    time.sleep(args.pause)
                    row["cached"] = cached_summary(cached, row)
                rows.append(row)
                over = row["total"]["overhead_ms"]
                print(
                    f"{mode:8} {rate:6g}/s overhead p50 {over['p50']:7.2f} p90 {over['p90']:7.2f} "
                    f"p99 {over['p99']:7.2f} ms; errors gw {row['gateway']['errors']} "
                    f"lost {row['gateway']['lost']}",
                    flush=True,
                )
    load = os.getloadavg()
    header = (
        f"Load benchmark, simulator at a fixed {args.latency_ms:g} ms, "
        f"{args.duration:g} s per level after {args.warmup:g} s warm-up, "
        f"log level {args.log_level}, {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    settings = {k: str(v) for k, v in vars(args).items()}
    document = {"settings": settings, "loadavg": load, "levels": rows}
    (args.out / "load.json").write_text(json.dumps(document, indent=2) + "\n")
    table = markdown(rows, header)
    (args.out / "load.md").write_text(table)
    print()
    print(table)
    lines = budget_lines(rows)
    for line in lines:
        print(line)
    for line in floor_lines(rows):
        print(line)
    for line in cached_lines(rows):
        print(line)
    print(f"wall time {time.monotonic() - started:.0f} s")
    return 0 if all(line.startswith("PASS") for line in lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
