"""``masterx bench run`` (a live progress bar, then the scores) and ``masterx bench scores``."""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote

from tooling.cli.arguments import seconds_above_0, seconds_at_least_0
from tooling.cli.client import SHORT_TIMEOUT_S, CliError, GatewayClient
from tooling.cli.output import ProgressLine, progress_bar, table

CATEGORIES = ("coding", "math", "research", "language", "empathy", "general")
FINISHED = ("completed", "failed")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    bench = subparsers.add_parser("bench", help="benchmark runs and scores")
    commands = bench.add_subparsers(dest="bench_command", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "run", parents=[common], help="start a run (admin token), follow it, print the scores"
    )
    run.add_argument(
        "--category",
        action="append",
        choices=CATEGORIES,
        help="a category (repeatable; default all)",
    )
    run.add_argument("--provider", action="append", help="a provider (repeatable; default all)")
    run.add_argument(
        "--poll",
        type=seconds_above_0,
        default=0.5,
        metavar="SECONDS",
        help="seconds between progress checks (default 0.5)",
    )
    run.add_argument(
        "--wait",
        type=seconds_at_least_0,
        default=3600,
        metavar="SECONDS",
        help="give up following after this many seconds (default 3600)",
    )
    run.set_defaults(run=run_bench)
    scores = commands.add_parser("scores", parents=[common], help="the latest scores")
    scores.add_argument("--category", choices=CATEGORIES, help="one category (default all)")
    scores.set_defaults(run=run_scores, default_timeout=SHORT_TIMEOUT_S)


def _live(score: dict[str, Any]) -> list[str]:
    """The live estimate and what weighed in it: benchmark / ratings / hard signals."""
    live = score.get("live")
    if not live:
        return ["-", "-"]
    fell = " fallen" if live.get("fallen") else ""
    return [
        f"{live['quality']:.1f} ± {live['uncertainty']:.1f}{fell}",
        f"{live['prior_weight']:.0f} / {live['rating_weight']:.1f} / {live['signal_weight']:.1f}",
    ]


def _score_rows(scores: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            s["provider"],
            s["model"],
            s["final_score"],
            f"{s['quality_score']:.1f} ± {s.get('quality_uncertainty', 0.0):.1f}",
            *_live(s),
            "yes" if s.get("within_tolerance") else "no",
            s["speed_score"],
            s["cost_score"],
            round(s["latency_p50_ms"]),
            s["tests"],
            s["failed_tests"],
        ]
        for s in scores
    ]


def print_scores(by_category: dict[str, list[dict[str, Any]]]) -> None:
    headers = [
        "provider",
        "model",
        "final",
        "quality",
        "live",
        "weighed(b/r/s)",
        "within",
        "speed",
        "cost",
        "p50 ms",
        "tests",
        "failed",
    ]
    for category, scores in by_category.items():
        print(f"\n{category}")
        if scores:
            print(table(headers, _score_rows(scores)))
        else:
            print("  (no scores yet)")


def run_bench(client: GatewayClient, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {}
    if args.category:
        body["categories"] = args.category
    if args.provider:
        body["providers"] = args.provider
    started = client.request("POST", "/api/v1/admin/run-benchmarks", json=body, admin=True)
    run_id = str(started["run_id"])
    print(f"benchmark run {run_id} started")
    run = _follow(client, run_id, args.poll, args.wait)
    if run["status"] != "completed":
        problems = "; ".join(run["errors"]) or "no reason given"
        raise CliError(f"run {run_id} {run['status']}: {problems}")
    seconds = _duration(run)
    print(
        f"run {run_id} completed: {run['tests_done']} tests"
        + (f" in {seconds:.1f} s" if seconds is not None else "")
    )
    latest = client.request("GET", "/api/v1/benchmarks")["scores"]
    print_scores(
        {c: [s for s in latest.get(c, []) if s["run_id"] == run_id] for c in run["categories"]}
    )
    return 0


def _follow(client: GatewayClient, run_id: str, poll: float, wait: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait
    bar = ProgressLine()
    try:
        while True:
            path = f"/api/v1/admin/benchmark-runs/{quote(run_id, safe='')}"
            run = client.request("GET", path, admin=True)
            bar.update(progress_bar(run["tests_done"], run["tests_total"], run["status"]))
            if run["status"] in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise CliError(f"run {run_id} still {run['status']} after {wait:.0f} s")
            time.sleep(poll)
    finally:
        bar.finish()


def _duration(run: dict[str, Any]) -> float | None:
    if not run.get("started_at") or not run.get("finished_at"):
        return None
    start = datetime.fromisoformat(run["started_at"])
    end = datetime.fromisoformat(run["finished_at"])
    return (end - start).total_seconds()


def run_scores(client: GatewayClient, args: argparse.Namespace) -> int:
    params = {"category": args.category} if args.category else {}
    print_scores(client.request("GET", "/api/v1/benchmarks", params=params)["scores"])
    return 0
