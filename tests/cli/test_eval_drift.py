"""``masterx eval drift``: a quality fall replayed over an outcomes table with the router's own
live estimate and fall detector (``tooling/evaluation/drift_replay.py``)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from masterx.domain import Category
from masterx.policy import Evidence
from masterx.settings import LiveQualitySettings
from tooling.cli import main
from tooling.evaluation.drift_replay import DriftPlan, replay_fall, summarise_falls
from tooling.evaluation.outcomes import Outcome

R = Category.RESEARCH
SETTINGS = LiveQualitySettings.model_construct().live_settings
# "sage" answers 90 % right and costs 20 times what "quick" does, which answers 55 % right;
# both measured on 2,000 rows: sage is the routed choice, far outside quick's band.
PRIORS = {
    "sage": Evidence(quality=90.0, tests=2000, latency_ms=None, cost_usd=0.02),
    "quick": Evidence(quality=55.0, tests=2000, latency_ms=None, cost_usd=0.001),
}


def _rows(sage: list[int], quick: list[int]) -> list[Outcome]:
    return [
        Outcome(f"s{i}", "q", "mmlu-x", {"sage": s, "quick": k}, {"sage": 0.02, "quick": 0.001})
        for i, (s, k) in enumerate(zip(sage, quick, strict=True))
    ]


def _shuffled(n: int, share: float, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [1 if rng.random() < share else 0 for _ in range(n)]


MIXED = _rows(_shuffled(2000, 0.9, 1), _shuffled(2000, 0.55, 2))


def test_a_fall_to_a_much_worse_models_answers_is_left_and_the_recovery_won_back() -> None:
    plan = DriftPlan(R, "sage", "quick", before=600, horizon=1500)
    summary = summarise_falls(plan, PRIORS, MIXED, SETTINGS, runs=20, seed=3)
    assert summary.runs == 20 and summary.not_held == 0
    # 35 points down: every run's detector calls it, well within 300 ratings
    assert summary.within(summary.leaves, 300) == 1.0
    assert (summary.quantile(summary.leaves, 0.9) or 10**6) < 200
    # back once the fall's hold (60 s at 5 ratings/s) is over, its answers good again
    assert summary.within(summary.backs, 600) == 1.0
    # nothing changed: a 90 % provider keeps its category (a 5-point fall needs evidence)
    assert summary.unchanged_left / summary.control_runs <= 0.2


def test_a_harder_run_of_subjects_in_table_order_reads_like_a_fall() -> None:
    # sage is as good as ever, but the table lists its rows by subject: 300 easy rows (all
    # right), then 150 hard ones (a third right), and so on. Drawn at random the rows show no
    # fall; in the table's order the hard run is one (what the README's drift replay measures).
    subjects = ([1] * 300 + [1, 0, 0] * 50) * 4
    rows = _rows(subjects, [0] * len(subjects))
    plan = DriftPlan(R, "sage", "quick", before=300, horizon=900)
    in_order = DriftPlan(R, "sage", "quick", before=300, horizon=900, in_order=True)
    drawn = [
        replay_fall(plan, PRIORS, rows, SETTINGS, random.Random(s), fall=False) for s in range(10)
    ]
    ordered = [
        replay_fall(in_order, PRIORS, rows, SETTINGS, random.Random(s), fall=False)
        for s in range(10)
    ]
    # left while measured, or already during the ratings before (then not the choice at all)
    assert sum(r.left_unchanged or not r.held for r in drawn) <= 2
    assert sum(r.left_unchanged or not r.held for r in ordered) >= 8


def test_a_victim_that_never_holds_the_category_is_not_measured() -> None:
    # quick measured better than sage on as many rows, and cheaper: sage's own ratings before
    # the fall never make it the choice, and its fall is never measured
    better = {**PRIORS, "quick": Evidence(93.0, 2000, None, 0.001)}
    plan = DriftPlan(R, "sage", "quick", before=50, horizon=100)
    with pytest.raises(ValueError, match="not the routed choice"):
        summarise_falls(plan, better, MIXED, SETTINGS, runs=3, seed=1)


def test_a_plan_needs_two_models_and_sane_numbers() -> None:
    with pytest.raises(ValueError, match="another model"):
        DriftPlan(R, "sage", "sage")
    with pytest.raises(ValueError, match="ratings per second must be a finite number"):
        DriftPlan(R, "sage", "quick", ratings_per_s=0)


COLUMNS = [
    "sample_id",
    "prompt",
    "eval_name",
    "sage",
    "sage|total_cost",
    "quick",
    "quick|total_cost",
]


def _table(path: Path, rows: list[Outcome]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            sage, quick = r.performance, r.cost_usd
            writer.writerow(
                [
                    r.sample_id,
                    r.prompt,
                    r.eval_name,
                    sage["sage"],
                    quick["sage"],
                    sage["quick"],
                    quick["quick"],
                ]
            )
    return path


def test_the_command_reports_leave_return_and_control_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = _table(tmp_path / "t.csv", MIXED)
    argv = ["eval", "drift", str(table), "--category-map", "mmlu=research", "--runs", "5"]
    assert main([*argv, "--before", "300", "--horizon", "800", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["victim"], report["fallen_to"], report["category"]) == (
        "sage",
        "quick",
        "research",
    )
    assert report["leave_within_300"] == 1.0 and report["runs"] == 5
    assert 0 <= report["unchanged_left_share"] <= 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--victim", "nobody"], "--victim: no model 'nobody'"),
        (["--victim", "quick"], "already is the model of lowest quality"),
        (["--benchmark-tests", "0"], "--benchmark-tests must be >= 1"),
        (["--runs", "0"], "--runs must be >= 1"),
    ],
)
def test_bad_arguments_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    table = _table(tmp_path / "t.csv", MIXED[:400])
    code = main(["eval", "drift", str(table), "--category-map", "mmlu=research", *extra])
    err = capsys.readouterr().err
    assert code == 1 and message in err, err


def test_an_infinite_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="finite number"):
        DriftPlan(R, "sage", "quick", ratings_per_s=float("inf"))
