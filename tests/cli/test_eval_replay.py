"""``masterx eval replay`` offline: the calibration math, the routed choice, the baselines."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from masterx.cli import main
from masterx.domain import Category
from masterx.evaluation.outcomes import (
    Outcome,
    OutcomesError,
    parse_category_map,
    read_outcomes_csv,
)
from masterx.evaluation.replay import calibrate, oracle_choice, replay, replay_weights

SAMPLE = Path(__file__).resolve().parents[2] / "bench/eval"
SAMPLE_MAP = "mbpp=coding,arc-challenge=research,winogrande=general"
C, R = Category.CODING, Category.RESEARCH


def _row(eval_name: str, perf: dict[str, float], cost: dict[str, float]) -> Outcome:
    return Outcome(f"{eval_name}.{len(perf)}", "p", eval_name, perf, cost)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["eval", "replay", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_different_models_win_different_categories_and_costs_are_summed() -> None:
    # "coder" is right on code, wrong on research; "scholar" the other way; both cost the same
    coding = _row("mbpp", {"coder": 1.0, "scholar": 0.0}, {"coder": 0.02, "scholar": 0.02})
    research = _row("arc", {"coder": 0.0, "scholar": 1.0}, {"coder": 0.01, "scholar": 0.01})
    calibration = [coding, coding, research]
    scores = calibrate(calibration, [C, C, R], ["coder", "scholar"])
    finals = {(s.model, s.category): s.final for s in scores}
    # equal cost: cost score 100 for both, quality decides
    assert finals[("coder", C)] == pytest.approx(100.0)
    assert finals[("scholar", C)] == pytest.approx(100 * replay_weights(C).cost)
    test = [coding, research, research]
    report = replay(calibration, test, [C, R, R], ["coder", "scholar"], finals, scores)
    assert dict(report.routed_choice) == {C: "coder", R: "scholar"}
    routed = report.results["routed"]
    assert (routed.accuracy, routed.n) == (1.0, 3)
    assert routed.cost_usd == pytest.approx(0.02 + 0.01 + 0.01)
    # best single on calibration: coder (2 of 3 right); it fails both research test rows
    assert report.best_single == "coder"
    assert report.results["best_single"].accuracy == pytest.approx(1 / 3)
    assert report.results["oracle"].accuracy == 1.0


def test_cost_counts_in_the_score_as_the_benchmark_service_weighs_it() -> None:
    weights = replay_weights(R)
    assert weights.quality == pytest.approx(0.6 / 0.85) and weights.speed == 0.0
    assert replay_weights(R, cost_weight=0.5).quality == 0.5
    # "cheap" is a little worse but ten times cheaper: with cost counted it wins
    right = _row("arc", {"dear": 1.0, "cheap": 1.0}, {"dear": 0.1, "cheap": 0.01})
    wrong = _row("arc", {"dear": 1.0, "cheap": 0.0}, {"dear": 0.1, "cheap": 0.01})
    rows = [right, right, right, wrong]
    scores = {s.model: s for s in calibrate(rows, [R] * 4, ["dear", "cheap"])}
    assert scores["cheap"].cost_score == 100 and scores["dear"].cost_score == pytest.approx(10)
    assert scores["cheap"].final == pytest.approx(weights.quality * 75 + weights.cost * 100)
    assert scores["cheap"].final > scores["dear"].final
    only_quality = {s.model: s for s in calibrate(rows, [R] * 4, ["dear", "cheap"], 0.0)}
    assert only_quality["dear"].final > only_quality["cheap"].final


def test_the_oracle_takes_the_cheapest_of_the_best() -> None:
    row = _row("x", {"a": 1.0, "b": 1.0, "c": 0.5}, {"a": 0.3, "b": 0.2, "c": 0.0})
    assert oracle_choice(row) == "b"


def test_eval_names_map_exactly_or_by_prefix() -> None:
    mapping = parse_category_map("mmlu=research, mmlu-college-math=math,gsm8k=math,hella-*=general")
    assert mapping.category_of("mmlu") is R
    assert mapping.category_of("mmlu-astronomy") is R
    assert mapping.category_of("mmlu-college-math") is Category.MATH
    assert mapping.category_of("hella-swag") is Category.GENERAL
    assert mapping.category_of("hella") is None and mapping.category_of("mbpp") is None
    with pytest.raises(OutcomesError, match=r"'gsm8k=maths'.*unknown category"):
        parse_category_map("gsm8k=maths")


def test_the_sample_replays_with_the_oracle_on_top(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "--calibration", str(SAMPLE / "outcomes_sample_calibration.csv"),
        "--test", str(SAMPLE / "outcomes_sample_test.csv"),
        "--category-map", SAMPLE_MAP, "--offline", "--json",
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["choice_per_category"] == {
        "coding": "gpt-4-1106-preview",
        "general": "mistralai/mixtral-8x7b-chat",
        "research": "claude-v2",
    }
    accuracy = {p: report[p]["accuracy"] for p in ("routed", "best_single", "oracle")}
    assert accuracy["oracle"] >= accuracy["best_single"] >= report["most_expensive"]["accuracy"]
    assert accuracy["oracle"] >= accuracy["routed"]
    assert {report[p]["n"] for p in ("routed", "most_expensive", "best_single", "oracle")} == {42}
    # the cheap general model halves the bill against always the most expensive
    assert report["routed"]["cost_usd"] < 0.6 * report["most_expensive"]["cost_usd"]
    test = read_outcomes_csv(SAMPLE / "outcomes_sample_test.csv")
    assert report["most_expensive"]["cost_usd"] == pytest.approx(
        sum(r.cost_usd["gpt-4-1106-preview"] for r in test.rows)
    )


def test_the_text_report_names_the_baselines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", SAMPLE_MAP, "--offline"
    )
    assert code == 0
    assert "most expensive (gpt-4-1106-preview)" in out and "oracle" in out
    assert "model chosen per category (routed):" in out


def test_unmapped_eval_names_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", "mbpp=coding", "--offline"
    )
    assert code == 1
    assert "eval names with no category: arc-challenge, winogrande" in err


def test_a_default_category_covers_unmapped_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", "mbpp=coding",
        "--default-category", "general", "--offline", "--json",
    )  # fmt: skip
    assert code == 0
    assert set(json.loads(out)["choice_per_category"]) == {"coding", "general"}


def test_a_bad_cell_is_named_by_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sample_id,prompt,eval_name,m,m|total_cost\na,p,mbpp,1,0.1\nb,p,mbpp,high,0.1\n")
    code, _, err = _run(capsys, "--calibration", str(bad), "--test", str(bad), "--offline")
    assert code == 1
    assert f"{bad}:3: column 'm': 'high' is not a number" in err


def test_a_table_without_models_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sample_id,prompt,eval_name,m\na,p,mbpp,1\n")
    code, _, err = _run(capsys, str(bad), "--offline")
    assert code == 1 and "no model columns" in err


def test_detect_routes_test_prompts_by_the_detector(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--detect", "--offline", "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert report["routed"]["n"] == report["oracle"]["n"] > 0
    assert set(report["choice_per_category"]) <= {c.value for c in Category}


def test_no_benchmark_service_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        target = f"127.0.0.1:{probe.getsockname()[1]}"
    code, _, err = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", SAMPLE_MAP,
        "--benchmark-target", target,
    )  # fmt: skip
    assert code == 1
    assert f"benchmark service at {target}: UNAVAILABLE" in err and "--offline" in err
