"""``masterx eval replay``: routing replayed offline over a RouterBench-layout outcomes table."""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from masterx.domain import Category
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from tooling.cli.client import CliError, GatewayClient
from tooling.cli.eval_import import check_target, default_target, import_and_read_back
from tooling.cli.output import Cell, table
from tooling.evaluation.labelled import LabelledDataError, check_utf8
from tooling.evaluation.outcomes import (
    CategoryMap,
    Outcome,
    OutcomesError,
    OutcomesTable,
    parse_category_map,
    read_outcomes_csv,
)
from tooling.evaluation.replay import POLICIES, ReplayReport, calibrate, evidence_map, replay

Detect = Callable[[str], Category]


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "replay",
        parents=[common],
        help="replay routing over an outcomes table (RouterBench layout) against baselines",
        epilog="Without --offline the scores are imported into the benchmark service (marked"
        " imported, source replay:<file>, each model as a provider): they show in"
        " `masterx bench scores` for its max age; the router ignores providers it does not have.",
    )
    add_table_arguments(parser)
    parser.add_argument(
        "--detect",
        action="store_true",
        help="route test prompts by the category the router's detector gives them (in process);"
        " calibration rows whose eval name is unmapped are detected too",
    )
    parser.add_argument(
        "--cost-weight",
        type=float,
        help="cost weight (quality gets the rest); default: each category's benchmark weights"
        " without speed, renormalised",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_POLICY.tolerance_relative,
        help="quality tolerance, a share of the best's assured quality (default"
        f" {DEFAULT_POLICY.tolerance_relative:g}; router: MASTERX_QUALITY_TOLERANCE)",
    )
    parser.add_argument(
        "--tolerance-points",
        type=float,
        default=DEFAULT_POLICY.tolerance_points,
        help="quality tolerance in points added to --tolerance (default"
        f" {DEFAULT_POLICY.tolerance_points:g}; router: MASTERX_QUALITY_TOLERANCE_POINTS)",
    )
    parser.add_argument(
        "--confidence",
        type=float,
        default=DEFAULT_POLICY.confidence,
        help="standard errors between quality and assured quality (default"
        f" {DEFAULT_POLICY.confidence:g}; router: MASTERX_QUALITY_CONFIDENCE)",
    )
    parser.add_argument(
        "--benchmark-target",
        default=default_target(),
        help="benchmark service host:port for the import (env MASTERX_BENCHMARK_TARGET)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="compute the same scores in process instead of importing them",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(run=run_replay)


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    """The outcomes table, its split and its category map (replay and drift)."""
    parser.add_argument(
        "outcomes",
        nargs="?",
        type=Path,
        help="one table, split into calibration and test rows by sample_id (or use the options)",
    )
    parser.add_argument("--calibration", type=Path, help="the rows that make the scores")
    parser.add_argument("--test", type=Path, help="the rows that are routed and scored")
    parser.add_argument(
        "--test-fraction",
        type=float,
        default=0.3,
        help="with one table: the share of rows held out for the test (default 0.3)",
    )
    parser.add_argument(
        "--category-map",
        default="",
        help="eval_name=category,... ('mmlu=research' covers mmlu-*; 'mmlu-*=' only subsets)",
    )
    parser.add_argument(
        "--default-category",
        type=Category,
        choices=list(Category),
        metavar="CATEGORY",
        help="category of unmapped eval names (one of: " + ", ".join(Category) + ")",
    )


def _read(path: Path) -> OutcomesTable:
    try:
        check_utf8(path)  # first: a bad byte anywhere is named by its line, not as the header's
    except LabelledDataError as error:
        raise CliError(str(error)) from None
    except OSError:
        pass  # read_outcomes_csv names it
    try:
        table = read_outcomes_csv(path)
    except OutcomesError as error:
        raise CliError(str(error)) from None
    if table.skipped.cells:
        print(f"masterx: note: {table.skipped.describe(path)}", file=sys.stderr)
    return table


def _policy(args: argparse.Namespace) -> QualityPolicy:
    try:
        return QualityPolicy(
            tolerance_points=args.tolerance_points,
            tolerance_relative=args.tolerance,
            confidence=args.confidence,
        )
    except ValueError as error:
        raise CliError(str(error)) from None


def read_tables(args: argparse.Namespace) -> tuple[list[str], list[Outcome], list[Outcome]]:
    if args.outcomes is not None and (args.calibration or args.test):
        raise CliError("give either OUTCOMES or --calibration and --test, not both")
    if args.outcomes is not None:
        if not 0 < args.test_fraction < 1:
            raise CliError("--test-fraction must be between 0 and 1")
        both = _read(args.outcomes)
        held = [_held_out(r.sample_id, args.test_fraction) for r in both.rows]
        calibration = [r for r, h in zip(both.rows, held, strict=True) if not h]
        test = [r for r, h in zip(both.rows, held, strict=True) if h]
        if not calibration or not test:
            raise CliError(f"{args.outcomes}: too few rows to split; use --calibration/--test")
        return list(both.models), calibration, test
    if not (args.calibration and args.test):
        raise CliError("give OUTCOMES, or both --calibration and --test")
    train, held_out = _read(args.calibration), _read(args.test)
    missing = sorted(set(train.models) - set(held_out.models))
    if missing:
        raise CliError(f"{args.test}: no columns for model(s) {', '.join(missing)}")
    return list(train.models), list(train.rows), list(held_out.rows)


def _held_out(sample_id: str, fraction: float) -> bool:
    return zlib.crc32(sample_id.encode()) % 1000 < fraction * 1000


def categories_of(
    rows: Sequence[Outcome],
    mapping: CategoryMap,
    default: Category | None,
    detect: Detect | None,
    always_detect: bool,
    remedies: str = "--category-map, or use --detect or --default-category",
) -> list[Category]:
    """Each row's category: mapped by its eval name, else ``default``, else detected; an
    unmapped name with neither is an error naming ``remedies`` (the command's own options)."""
    if always_detect and detect is not None:
        return [detect(r.prompt) for r in rows]
    unmapped = sorted({r.eval_name for r in rows if mapping.category_of(r.eval_name) is None})
    if unmapped and default is None and detect is None:
        raise CliError(
            f"eval names with no category: {', '.join(unmapped)}; map them with {remedies}"
        )
    categories = []
    for row in rows:
        category = mapping.category_of(row.eval_name) or default
        if category is None and detect is not None:
            category = detect(row.prompt)
        assert category is not None
        categories.append(category)
    return categories


def _detector() -> Detect:
    # The router's own model, loaded in process: the same classifier the router runs, without
    # a stack (the empathy rule on detected emotions is the router's, not applied here).
    from services.router.detection import CategoryDetector

    detector = CategoryDetector.load()
    return lambda text: detector.detect(text).category


def run_replay(client: GatewayClient, args: argparse.Namespace) -> int:
    if not args.offline:
        check_target(args.benchmark_target)  # before any channel is made
    try:
        mapping = parse_category_map(args.category_map)
    except OutcomesError as error:
        raise CliError(str(error)) from None
    if args.cost_weight is not None and not 0 <= args.cost_weight <= 1:
        raise CliError("--cost-weight must be between 0 and 1")
    models, calibration, test = read_tables(args)
    detect = _detector() if args.detect else None
    calibration_categories = categories_of(
        calibration, mapping, args.default_category, detect, always_detect=False
    )
    test_categories = categories_of(
        test, mapping, args.default_category, detect, always_detect=args.detect
    )
    policy = _policy(args)
    scores = calibrate(calibration, calibration_categories, models, args.cost_weight, policy)
    if args.offline:
        evidence = evidence_map(scores)
        where = "computed in process (--offline)"
    else:
        source = f"replay:{(args.calibration or args.outcomes).name}"
        imported = import_and_read_back(args.benchmark_target, scores, source)
        evidence = imported.evidence
        where = f"imported into {args.benchmark_target} as run {imported.run_id} and read back"
    try:
        report = replay(
            calibration, test, test_categories, models, evidence, scores, policy, args.cost_weight
        )
    except ValueError as error:
        raise CliError(str(error)) from None
    if args.json:
        print(json.dumps({**report.to_dict(), "scores": where}))
    else:
        dropped = (
            f" ({report.dropped_test_rows} dropped: a model's cell unusable)"
            if report.dropped_test_rows
            else ""
        )
        print(
            f"replay: {len(calibration)} calibration rows, {len(test)} test rows{dropped},"
            f" {len(models)} models; scores {where}"
        )
        print(format_replay(report))
    return 0


def format_replay(report: ReplayReport) -> str:
    names = {
        "routed": "routed",
        "most_expensive": f"most expensive ({report.most_expensive})",
        "best_single": f"best single ({report.best_single})",
        "category_oracle": "best model per category (chosen on the test rows)",
        "oracle": "per-prompt oracle",
    }
    rows: list[list[Cell]] = [
        [
            names[p],
            f"{report.results[p].accuracy:.3f}",
            f"{report.results[p].cost_usd:.6f}",
            report.results[p].n,
        ]
        for p in POLICIES
    ]
    comparisons = report.comparisons()
    against = [
        f"routed against {label}: cost cut {c['cost_cut']:.1%},"
        f" accuracy kept {c['accuracy_kept']:.1%}"
        for label, c in (
            ("the most expensive", comparisons["vs_most_expensive"]),
            ("the best single model", comparisons["vs_best_single"]),
        )
    ]
    by_key = {(s.model, s.category): s for s in report.scores}
    choices: list[list[Cell]] = []
    for category, model in report.routed_choice.items():
        s = by_key.get((model, category))
        a = s.assessment if s else None
        choices.append(
            [
                category.value,
                model,
                f"{a.quality:.1f} ± {a.uncertainty:.1f}" if a else None,
                a.cost if a else None,
                a.final if a else None,
                report.category_oracle_choice.get(category, ""),
            ]
        )
    return "\n".join(
        [
            table(["policy", "accuracy", "cost usd", "n"], rows),
            "",
            *against,
            "",
            "model chosen per category (routed):",
            table(["category", "model", "quality", "cost", "final", "best on test rows"], choices),
        ]
    )
