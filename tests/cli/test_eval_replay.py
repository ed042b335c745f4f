"""``masterx eval replay`` offline: the calibration math, the routed choice, the baselines."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from masterx.domain import Category
from masterx.policy import QualityPolicy
from tooling.cli import main
from tooling.evaluation.outcomes import (
    Outcome,
    OutcomesError,
    parse_category_map,
    read_outcomes_csv,
)
from tooling.evaluation.replay import (
    calibrate,
    evidence_map,
    oracle_choice,
    replay,
    replay_weights,
    route_category,
)

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
    calibration = [coding] * 20 + [research] * 20
    scores = calibrate(calibration, [C] * 20 + [R] * 20, ["coder", "scholar"])
    by_key = {(s.model, s.category): s for s in scores}
    assert by_key[("coder", C)].quality == 100.0 and by_key[("scholar", C)].quality == 0.0
    assert by_key[("coder", C)].assessment.within_tolerance
    assert not by_key[("scholar", C)].assessment.within_tolerance
    test = [coding, research, research]
    report = replay(calibration, test, [C, R, R], ["coder", "scholar"], evidence_map(scores))
    assert dict(report.routed_choice) == {C: "coder", R: "scholar"}
    routed = report.results["routed"]
    assert (routed.accuracy, routed.n) == (1.0, 3)
    assert routed.cost_usd == pytest.approx(0.02 + 0.01 + 0.01)
    # best single on calibration: a tie, broken by cost then name; it fails some test rows
    assert report.results["best_single"].accuracy < 1.0
    assert report.results["oracle"].accuracy == 1.0
    assert dict(report.category_oracle_choice) == {C: "coder", R: "scholar"}
    assert report.results["category_oracle"].accuracy == 1.0


def _cheap_and_dear(cheap_right: int, rows: int = 400) -> list[Outcome]:
    right = _row("arc", {"dear": 1.0, "cheap": 1.0}, {"dear": 0.1, "cheap": 0.005})
    wrong = _row("arc", {"dear": 1.0, "cheap": 0.0}, {"dear": 0.1, "cheap": 0.005})
    return [right] * cheap_right + [wrong] * (rows - cheap_right)


def test_a_cheaper_model_wins_only_within_the_quality_tolerance() -> None:
    models = ["dear", "cheap"]
    # 99 % as good as a perfect model and twenty times cheaper: within the tolerance, cost wins
    close = calibrate(_cheap_and_dear(396), [R] * 400, models)
    assert route_category(R, models, evidence_map(close)) == "cheap"
    # 90 % as good: clearly below, however cheap
    far = calibrate(_cheap_and_dear(360), [R] * 400, models)
    assert route_category(R, models, evidence_map(far)) == "dear"
    cheap = next(s for s in far if s.model == "cheap")
    assert cheap.final > next(s for s in far if s.model == "dear").final  # cost alone would win
    # a wider tolerance lets the cheap one in
    wide = QualityPolicy(tolerance_relative=0.2)
    assert route_category(R, models, evidence_map(far), wide) == "cheap"


def test_replay_weights_drop_speed_and_renormalise() -> None:
    weights = replay_weights(R)
    assert weights.quality == pytest.approx(0.6 / 0.85) and weights.speed == 0.0
    assert replay_weights(R, cost_weight=0.5).quality == 0.5


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
    # the target for the shipped sample: >= 97 % of the best single model's accuracy, cheaper
    assert report["routed_vs_best_single"]["accuracy_kept"] >= 0.97
    assert report["routed_vs_best_single"]["cost_cut"] > 0
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


def _table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_blank_and_non_numeric_cells_leave_that_model_out_and_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "sample_id,prompt,eval_name,m,m|total_cost,n,n|total_cost\n"
    rows = "".join(f"r{i},p,mbpp,1,0.1,0,0.01\n" for i in range(6))
    table = _table(
        tmp_path, "holes.csv", header + rows + "b,p,mbpp,,0.1,1,0.01\nc,p,mbpp,high,0.1,1,x\n"
    )
    read = read_outcomes_csv(table)
    assert (read.skipped.cells, read.skipped.rows) == (3, 2)
    assert read.skipped.by_model == {"m": 2, "n": 1}
    assert f"{table}:8: column 'm': ''" in read.skipped.first
    assert "n" not in read.rows[-1].performance and "m" not in read.rows[-1].performance
    code, out, err = _run(
        capsys, "--calibration", str(table), "--test", str(table), "--offline", "--json",
        "--category-map", "mbpp=coding",
    )  # fmt: skip
    assert code == 0, err
    assert "3 unusable cell(s) in 2 row(s)" in err
    report = json.loads(out)
    assert report["dropped_test_rows"] == 2 and report["routed"]["n"] == 6
    assert report["choice_per_category"] == {"coding": "m"}


def test_an_unnamed_index_column_and_eval_name_suffixes_are_understood(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ",prompt,eval_name,m,m|total_cost\n"
    body = "".join(
        f"{i},p,{name},1,0.1\n"
        for i, name in enumerate(["MBPP", "mbpp_sanitized", "mbpp.test", "arc-challenge-v2"])
    )
    table = _table(tmp_path, "indexed.csv", header + body)
    read = read_outcomes_csv(table)
    assert [r.sample_id for r in read.rows] == ["0", "1", "2", "3"]
    mapping = parse_category_map("mbpp=coding,arc-challenge=research")
    assert [mapping.category_of(r.eval_name) for r in read.rows] == [C, C, C, R]


def test_routed_is_compared_with_the_most_expensive_and_the_best_single(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", SAMPLE_MAP, "--offline",
        "--json",
    )  # fmt: skip
    assert code == 0
    report = json.loads(out)
    routed, dear = report["routed"], report["most_expensive"]
    versus = report["routed_vs_most_expensive"]
    assert versus["cost_cut"] == pytest.approx(1 - routed["cost_usd"] / dear["cost_usd"])
    assert versus["accuracy_kept"] == pytest.approx(routed["accuracy"] / dear["accuracy"])
    assert set(report["routed_vs_best_single"]) == {"cost_cut", "accuracy_kept"}
    assert report["category_oracle"]["accuracy"] >= report["best_single"]["accuracy"]


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


def test_a_bad_byte_in_a_later_row_is_named_by_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (SAMPLE / "outcomes_sample.csv").read_bytes().splitlines(keepends=True)[:30]
    lines[20] = lines[20].replace(b"Write", b"Wr\xffite", 1)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"".join(lines))
    code, _, err = _run(capsys, str(bad), "--offline", "--default-category", "general")
    assert code == 1
    assert err.startswith(f"masterx: error: {bad}:21: not UTF-8 (byte 0xff at offset ")
    assert "header" not in err


@pytest.mark.parametrize("target", ["", " ", "dns:///", "host :1"])
def test_an_empty_benchmark_target_is_refused_before_a_channel_is_made(
    target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import grpc

    def no_channel(*args: object, **kwargs: object) -> None:
        raise AssertionError("a channel was made")

    monkeypatch.setattr(grpc, "insecure_channel", no_channel)
    monkeypatch.delenv("MASTERX_BENCHMARK_TARGET", raising=False)
    code, _, err = _run(
        capsys, str(SAMPLE / "outcomes_sample.csv"), "--category-map", SAMPLE_MAP,
        "--benchmark-target", target,
    )  # fmt: skip
    assert code == 2
    assert err == (
        f"masterx: error: --benchmark-target: {target!r} is not a benchmark service address"
        " (expected host:port)\n"
    )
