"""``masterx eval``: the routing evaluations (categories, replay, drift, continuity)."""

from __future__ import annotations

import argparse
from typing import Any

from tooling.cli import eval_categories, eval_continuity, eval_drift, eval_replay


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser(
        "eval", help="evaluate routing: categories, replay, drift, continuity"
    )
    commands = group.add_subparsers(dest="eval_command", metavar="COMMAND", required=True)
    for module in (eval_categories, eval_replay, eval_drift, eval_continuity):
        module.register(commands, common)
