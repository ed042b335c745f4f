"""``masterx health``: every provider's circuit breaker, as a table."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from tooling.cli.client import GatewayClient
from tooling.cli.output import table


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    health = subparsers.add_parser(
        "health", parents=[common], help="circuit breaker state of every provider"
    )
    health.set_defaults(run=run_health)


def _clock(moment: str | None) -> str | None:
    return datetime.fromisoformat(moment).strftime("%H:%M:%S") if moment else None


def run_health(client: GatewayClient, args: argparse.Namespace) -> int:
    providers = client.request("GET", "/api/v1/provider-health")["providers"]
    if not providers:
        print("no provider discovered")
        return 0
    rows = [
        [
            p["provider"],
            p["state"].upper()
            + (" (config?)" if p["config_problem"] else "")
            + ("" if p.get("seen", True) else " (no traffic yet)"),
            p["consecutive_failures"],
            p["failures_in_window"],
            p["successes_in_window"],
            p["last_error_kind"],
            _clock(p["last_error_at"]),
            _clock(p["open_until"]),
            round(p["latency_ewma_ms"]),
        ]
        for p in providers
    ]
    headers = [
        "provider",
        "state",
        "consecutive",
        "failures",
        "successes",
        "last error",
        "at",
        "open until",
        "latency ms",
    ]
    print(table(headers, rows, indent=""))
    return 0
