"""``masterx eval ...`` against the whole stack as real processes (free ports, no schedule)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import grpc
import httpx
import pytest

from masterx.domain import Category
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from tests.gateway.stack_support import PROVIDERS, import_scores, poll
from tooling.cli import main
from tooling.evaluation import read_labelled_jsonl
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

CHALLENGE = Path(__file__).resolve().parents[2] / "services/router/detection/data/challenge.jsonl"
SAMPLE = Path(__file__).resolve().parents[2] / "bench/eval"
# a different provider wins each category, so a topic change shows as a provider change
WINNER = dict(zip(Category, (*PROVIDERS, "openai"), strict=True))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("eval-stack")).with_free_ports(),
        env={
            "MASTERX_SCORES_REFRESH_SECONDS": "0.5",
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
        },
    )
    with Stack(config) as running:
        finals = {c: {p: (90.0 if WINNER[c] == p else 50.0) for p in PROVIDERS} for c in Category}
        import_scores(running, finals)
        with httpx.Client(base_url=running.gateway_url, timeout=10) as http:

            def routed_by_scores() -> bool | None:
                body = {"message": "Solve for x: 3x + 7 = 25"}
                decision = http.post("/api/v1/route", json=body).json()
                return True if decision["provider"] == WINNER[Category.MATH] else None

            poll(routed_by_scores, what="the router taking the imported scores")
        yield running


def _run(capsys: pytest.CaptureFixture[str], stack: Stack, *argv: str) -> tuple[int, str, str]:
    code = main(["eval", *argv, "--url", stack.gateway_url])
    out, err = capsys.readouterr()
    return code, out, err


def test_categories_of_the_challenge_set_through_the_route_endpoint(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, stack, "categories", str(CHALLENGE), "--json")
    assert code == 0
    report = json.loads(out)
    expected = Counter(e.category.value for e in read_labelled_jsonl(CHALLENGE))
    assert report["n"] == report["total"] == sum(expected.values()) >= 180
    assert report["accuracy"] >= 0.8
    for category, row in report["confusion"].items():
        assert sum(row.values()) == report["per_category"][category]["support"]
        assert report["per_category"][category]["support"] == expected[category]
    code, out, _ = _run(capsys, stack, "categories", str(CHALLENGE))
    assert code == 0 and "confusion matrix (rows: expected, columns: predicted)" in out


def test_clear_same_topic_turns_stay_on_their_provider(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    talks = [
        ("code-then-math", [
            ("coding", "How do I reverse a linked list in Python?"),
            ("coding", "Can you show the recursive version of that function?"),
            ("coding", "What is its time complexity?"),
            ("math", "Solve for x: 5x - 3 = 22."),
            ("math", "Now solve 2x + 9 = 31."),
        ]),
        ("history", [
            ("research", "What were the main causes of the French Revolution?"),
            ("research", "How did the financial crisis of the monarchy contribute to it?"),
            ("research", "Compare it with the American Revolution."),
        ]),
    ]  # fmt: skip
    path = tmp_path / "talks.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "turns": [{"text": t, "topic": k} for k, t in turns]}) + "\n"
            for i, turns in talks
        )
    )
    code, out, _ = _run(capsys, stack, "continuity", "--conversations", str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["turns"], report["same_topic_turns"], report["topic_changes"]) == (8, 5, 1)
    assert report["switches"] == [] and report["share_kept"] == 1.0 and report["meets_goal"]


def test_the_shipped_conversations_run_through_the_chat_endpoint(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, stack, "continuity", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["conversations"], report["turns"]) == (20, 99)
    assert report["kept"] + len(report["switches"]) == report["same_topic_turns"]


def test_replay_imports_its_scores_and_routes_by_what_comes_back(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"{stack.config.host}:{stack.config.benchmark_grpc_port}"
    argv = [
        "replay",
        "--calibration", str(SAMPLE / "outcomes_sample_calibration.csv"),
        "--test", str(SAMPLE / "outcomes_sample_test.csv"),
        "--category-map", "mbpp=coding,arc-challenge=research,winogrande=general",
        "--json",
    ]  # fmt: skip
    code, out, _ = _run(capsys, stack, *argv, "--benchmark-target", target)
    assert code == 0
    imported = json.loads(out)
    assert "imported into" in imported.pop("scores")
    code, out, _ = _run(capsys, stack, *argv, "--offline")
    offline = json.loads(out)
    offline.pop("scores")
    assert imported == offline
    with grpc.insecure_channel(target) as channel:
        latest = benchmark_pb2_grpc.BenchmarkStub(channel).GetLatest(
            benchmark_pb2.GetLatestRequest(categories=[Category.GENERAL.to_proto()]), timeout=10
        )
    stored = {s.provider: s for s in latest.scores if s.imported}
    assert stored["mistralai/mixtral-8x7b-chat"].run_id.startswith("import-")
    assert stored["mistralai/mixtral-8x7b-chat"].weights.speed == 0.0
