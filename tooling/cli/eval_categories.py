"""``masterx eval categories FILE.jsonl``: the category detector, through the gateway's route."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from masterx.domain import Category
from tooling.cli.client import CliError, GatewayClient, GatewayError
from tooling.evaluation import evaluate_categories, format_evaluation, read_labelled_jsonl
from tooling.evaluation.labelled import LabelledDataError, LabelledText


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "categories",
        parents=[common],
        help="accuracy, precision/recall and confusion of the category detector (via the gateway)",
    )
    parser.add_argument("file", type=Path, help='labelled JSON Lines: {"text", "category"}')
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--mistakes", type=int, default=10, help="misclassified lines to show")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (1-32)")
    parser.set_defaults(run=run_categories)


def read_labelled(path: Path) -> list[LabelledText]:
    try:
        return read_labelled_jsonl(path)
    except LabelledDataError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror})") from None


def route_category(client: GatewayClient, text: str) -> Category:
    decision = client.request("POST", "/api/v1/route", json={"message": text})
    try:
        return Category.parse(str(decision["category"]))
    except (KeyError, ValueError) as error:
        raise CliError(f"the gateway answered an unusable category: {error}") from None


def _route_line(client: GatewayClient, example: LabelledText) -> Category:
    """The detected category of a line's text; a refusal of that text names the line."""
    try:
        return route_category(client, example.text)
    except GatewayError as error:
        if not error.about_the_request:
            raise
        raise CliError(f"{example.where}: {error}") from None


def run_categories(client: GatewayClient, args: argparse.Namespace) -> int:
    examples = read_labelled(args.file)
    if not examples:
        raise CliError(f"{args.file}: no labelled lines")
    if not 1 <= args.concurrency <= 32:
        raise CliError("--concurrency must be between 1 and 32")
    first = {e.text: e for e in reversed(examples)}  # each text asked once, by its first line
    lines = sorted(first.values(), key=lambda e: e.text)
    pool = ThreadPoolExecutor(max_workers=args.concurrency)
    try:
        predicted = {
            e.text: category
            for e, category in zip(
                lines, pool.map(lambda e: _route_line(client, e), lines), strict=True
            )
        }
    finally:
        pool.shutdown(cancel_futures=True)
    evaluation = evaluate_categories(examples, predicted.__getitem__)
    if args.json:
        print(json.dumps({**evaluation.to_dict(), "n": evaluation.total, "file": str(args.file)}))
    else:
        title = f"category detector via {client.url} on {args.file}"
        print(format_evaluation(evaluation, title, mistakes=args.mistakes))
    return 0
