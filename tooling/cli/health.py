"""``masterx health``: every provider's circuit breaker, as a table."""

from __future__ import annotations

import argparse
import math
from datetime import datetime
from typing import Any

from tooling.cli.client import SHORT_TIMEOUT_S, GatewayClient
from tooling.cli.output import Cell, table


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    health = subparsers.add_parser(
        "health", parents=[common], help="circuit breaker state of every provider"
    )
    health.set_defaults(run=run_health, default_timeout=SHORT_TIMEOUT_S)


def _clock(moment: object) -> Cell:
    """``HH:MM:SS`` of an ISO time; ``-`` for none; a value that is no time as it came."""
    if not moment:
        return None
    try:
        return datetime.fromisoformat(str(moment)).strftime("%H:%M:%S")
    except ValueError:
        return str(moment)


def _count(value: object) -> Cell:
    """A whole number as it came; ``-`` for a missing, infinite or non-numeric value."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value) if math.isfinite(value) else None


def _text(value: object) -> Cell:
    return None if value is None else str(value)


def _state(p: dict[str, Any]) -> str:
    return (
        str(p.get("state") or "?").upper()
        + (" (config?)" if p.get("config_problem") else "")
        + ("" if p.get("seen", True) else " (no traffic yet)")
    )


def _row(p: dict[str, Any]) -> list[Cell]:
    """A breaker's row; a field missing or null (a latency never measured) shows as ``-``."""
    return [
        _text(p.get("provider")),
        _state(p),
        _count(p.get("consecutive_failures")),
        _count(p.get("failures_in_window")),
        _count(p.get("successes_in_window")),
        _text(p.get("last_error_kind")),
        _clock(p.get("last_error_at")),
        _clock(p.get("open_until")),
        _count(p.get("latency_ewma_ms")),
    ]


def run_health(client: GatewayClient, args: argparse.Namespace) -> int:
    providers = client.request("GET", "/api/v1/provider-health")["providers"]
    if not isinstance(providers, list) or not all(isinstance(p, dict) for p in providers):
        raise client.not_the_gateway("'providers' is not a list of objects")
    if not providers:
        print("no provider discovered")
        return 0
    rows = [_row(p) for p in providers]
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
