"""``masterx eval drift``: a quality fall replayed over a real outcomes table, in process
(``tooling/evaluation/drift_replay.py``): the ratings the router's live estimate needs to leave
the routed provider once its answers are a worse model's, and to come back after."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import replace
from typing import Any

from masterx.domain import Category
from masterx.policy import Evidence
from masterx.settings import LiveQualitySettings
from tooling.cli.client import CliError, GatewayClient
from tooling.cli.eval_replay import add_table_arguments, categories_of, read_tables
from tooling.evaluation.drift_replay import DriftPlan, DriftSummary, summarise_falls
from tooling.evaluation.outcomes import OutcomesError, parse_category_map
from tooling.evaluation.replay import calibrate, route_category


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "drift",
        parents=[common],
        help="replay a quality fall over an outcomes table: ratings until routing leaves and"
        " returns (the router's live estimate, in process)",
        epilog="The live estimate's settings are the router's defaults (masterx/settings.py),"
        " not the environment's, so that runs are reproducible.",
    )
    add_table_arguments(parser)
    parser.add_argument(
        "--category",
        type=Category,
        choices=list(Category),
        metavar="CATEGORY",
        help="the category replayed (default: the test rows' most common)",
    )
    parser.add_argument("--victim", help="the model that falls (default: the routed choice)")
    parser.add_argument(
        "--fallen-to",
        help="whose answers the victim gives while fallen (default: the worst model by"
        " calibration quality)",
    )
    parser.add_argument(
        "--benchmark-tests",
        type=int,
        help="judge every model's calibration quality as if a benchmark of this many tests had"
        " measured it (default: every calibration row; the product's suites have about 13)",
    )
    parser.add_argument("--before", type=int, default=900, help="victim's ratings before the fall")
    parser.add_argument("--horizon", type=int, default=3000, help="ratings followed (default 3000)")
    parser.add_argument(
        "--ratings-per-second",
        type=float,
        default=5.0,
        help="the category's ratings per second: time decay and the fall's hold (default 5)",
    )
    parser.add_argument(
        "--order",
        choices=("random", "table"),
        default="random",
        help="rows drawn at random, or in the table's order from a random start (subjects in"
        " runs, as a class working through one unit)",
    )
    parser.add_argument("--runs", type=int, default=200, help="replays with a fall (and without)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(run=run_drift)


def run_drift(client: GatewayClient, args: argparse.Namespace) -> int:
    try:
        mapping = parse_category_map(args.category_map)
    except OutcomesError as error:
        raise CliError(str(error)) from None
    if args.benchmark_tests is not None and args.benchmark_tests < 1:
        raise CliError("--benchmark-tests must be >= 1")
    models, calibration, test = read_tables(args)
    if len(models) < 2:
        raise CliError("a fall needs at least two models in the table")
    remedies = "--category-map, or use --default-category"
    calibration_categories = categories_of(
        calibration, mapping, args.default_category, None, False, remedies
    )
    test_categories = categories_of(test, mapping, args.default_category, None, False, remedies)
    category = args.category or Counter(test_categories).most_common(1)[0][0]
    rows = [r for r, c in zip(test, test_categories, strict=True) if c == category]
    scores = [
        s for s in calibrate(calibration, calibration_categories, models) if s.category == category
    ]
    if not rows or not scores:
        raise CliError(f"no calibration and test rows of category {category.value}")
    priors = {s.model: _judged(s.evidence, args.benchmark_tests) for s in scores}
    evidence = {(m, category): e for m, e in priors.items()}
    victim = args.victim or route_category(category, list(priors), evidence)
    fallen_to = args.fallen_to or min(priors, key=lambda m: (priors[m].quality, m))
    for role, model in (("--victim", victim), ("--fallen-to", fallen_to)):
        if model not in priors:
            raise CliError(f"{role}: no model {model!r} in {category.value}; have {sorted(priors)}")
    if victim == fallen_to and args.fallen_to and not args.victim:
        raise CliError(
            f"--fallen-to: {fallen_to} is the routed choice in {category.value}, the model that"
            " falls: name another, or the model that falls with --victim"
        )
    if victim == fallen_to and not args.fallen_to:
        raise CliError(
            f"{victim} already is the model of lowest quality in {category.value}: name the"
            " model that falls (--victim), whose answers it gives (--fallen-to), or more"
            " --benchmark-tests"
        )
    try:
        plan = DriftPlan(
            category,
            victim,
            fallen_to,
            args.before,
            args.horizon,
            args.ratings_per_second,
            args.order == "table",
        )
        settings = LiveQualitySettings.model_construct().live_settings
        summary = summarise_falls(plan, priors, rows, settings, args.runs, args.seed)
    except ValueError as error:
        raise CliError(str(error)) from None
    if args.json:
        print(json.dumps({**_plan_dict(plan, priors), **summary.to_dict()}))
    else:
        print(format_drift(plan, priors, len(rows), args.order, summary))
    return 0


def _judged(evidence: Evidence, tests: int | None) -> Evidence:
    return evidence if tests is None else replace(evidence, tests=min(evidence.tests, tests))


def _plan_dict(plan: DriftPlan, priors: dict[str, Evidence]) -> dict[str, object]:
    return {
        "category": plan.category.value,
        "victim": plan.victim,
        "victim_quality": priors[plan.victim].quality,
        "fallen_to": plan.fallen_to,
        "fallen_to_quality": priors[plan.fallen_to].quality,
        "benchmark_tests": {m: e.tests for m, e in priors.items()},
        "before": plan.before,
        "ratings_per_second": plan.ratings_per_s,
        "order": "table" if plan.in_order else "random",
    }


def format_drift(
    plan: DriftPlan, priors: dict[str, Evidence], rows: int, order: str, summary: DriftSummary
) -> str:
    victim, worse = priors[plan.victim], priors[plan.fallen_to]

    def spread(values: list[int | None], runs: str) -> str:
        within = summary.within(values, 300)
        if within is None:
            return f"not measured (no {runs})"
        median, p90 = summary.quantile(values, 0.5), summary.quantile(values, 0.9)
        return (
            f"median {_count(median)}, 90th percentile {_count(p90)}, within 300 in"
            f" {within:.0%} of {len(values)} {runs}"
        )

    return "\n".join(
        [
            f"drift replay: {plan.category.value}, {rows} test rows ({order} order);"
            f" {plan.victim} ({victim.quality:.1f} over {victim.tests} tests) gives"
            f" {plan.fallen_to}'s answers ({worse.quality:.1f}) after {plan.before} ratings;"
            f" {plan.ratings_per_s:g} ratings/s; {summary.runs} runs",
            f"  left after the fall (ratings): {spread(list(summary.leaves), 'runs')}",
            f"  back after the recovery (ratings): {spread(list(summary.backs), 'runs that left')}",
            f"  without a fall: left within {summary.horizon} ratings in"
            f" {summary.unchanged_left / summary.control_runs:.0%} of {summary.control_runs} runs",
            *(
                [
                    f"  not measured: {summary.not_held} replays in which {plan.victim} was not"
                    " the routed choice when the fall came"
                ]
                if summary.not_held
                else []
            ),
        ]
    )


def _count(value: int | None) -> str:
    return "never" if value is None else str(value)
