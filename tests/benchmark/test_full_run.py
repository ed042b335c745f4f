"""A full run against the provider simulator, stored in a real MongoDB-compatible server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.providers.catalog import simulated_providers
from masterx.scoring import DEFAULT_WEIGHTS
from masterx.stores import MongoClient
from services.benchmark.result_store import RESULTS, ScoreRecord
from services.benchmark.run_engine import EngineOptions
from services.benchmark.sandbox import Sandbox
from services.benchmark.suite_model import Suite
from tests.benchmark.engine_support import Bench, build_bench


@dataclass
class FullRun:
    bench: Bench
    database: AsyncDatabase[dict[str, Any]]
    run_id: str
    scores: list[ScoreRecord]


@pytest.fixture(scope="module")
async def full_run(
    mongo_client: MongoClient,
    suites: dict[Category, Suite],
    simulator_url: str,
    sandbox: Sandbox,
) -> AsyncIterator[FullRun]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    database = mongo_client[name]
    bench = await build_bench(database, suites, simulator_url, sandbox)
    plan = bench.launcher.plan()
    assert plan.full
    run_id = await bench.launcher.launch(plan)
    scores = await bench.launcher.wait(run_id)
    assert scores is not None
    try:
        yield FullRun(bench, database, run_id, scores)
    finally:
        await mongo_client.drop_database(name)


def provider_names(simulator_url: str) -> set[str]:
    return {spec.name for spec in simulated_providers(simulator_url)}


async def test_every_category_and_provider_is_stored_and_latest_returns_them(
    full_run: FullRun,
    suites: dict[Category, Suite],
    simulator_url: str,
) -> None:
    providers = provider_names(simulator_url)
    run = await full_run.bench.results.run(full_run.run_id)
    assert run is not None
    total = sum(len(s.tests) for s in suites.values()) * len(providers)
    assert (run["status"], run["tests_done"], run["tests_total"]) == ("completed", total, total)
    assert run["trigger"] == "manual" and run["full"] is True and run["errors"] == []
    assert {p["provider"] for p in run["progress"]} == providers
    assert await full_run.database[RESULTS].count_documents({"run_id": full_run.run_id}) == (
        len(Category) * len(providers)
    )
    latest = await full_run.bench.results.latest(list(Category), 24)
    assert {(r.provider, r.category) for r in latest} == {
        (p, c) for p in providers for c in Category
    }
    for record in latest:
        assert record.run_id == full_run.run_id and not record.imported
        assert record.weights == DEFAULT_WEIGHTS[record.category].as_dict()
        assert sum(record.weights.values()) == pytest.approx(1)
        assert record.tests == len(suites[record.category].tests)
        assert 0 < record.latency_p50_ms <= record.latency_p95_ms
        assert record.mean_cost_usd > 0
        for value in (
            record.quality_score,
            record.speed_score,
            record.cost_score,
            record.final_score,
        ):
            assert 0 <= value <= 100
    for category in Category:
        of_category = [r for r in latest if r.category == category]
        assert max(r.speed_score for r in of_category) == 100
        assert max(r.cost_score for r in of_category) == 100


async def test_every_test_result_is_kept_with_its_measurements(
    full_run: FullRun,
    suites: dict[Category, Suite],
    simulator_url: str,
) -> None:
    documents = await full_run.bench.runs.test_results(full_run.run_id)
    expected = {
        (p, t.id) for p in provider_names(simulator_url) for s in suites.values() for t in s.tests
    }
    assert {(d["provider"], d["test_id"]) for d in documents} == expected
    assert len(documents) == len(expected)
    for document in documents:
        assert document["error"] is None
        assert 0 <= document["quality"] <= 100
        assert document["latency_ms"] > 0 and document["cost_usd"] > 0
        assert document["prompt_tokens"] > 0 and document["completion_tokens"] > 0
        assert 0 < len(document["excerpt"]) <= 601
        assert document["checks"]
    coding = [d for d in documents if d["category"] == "coding" and d["sandbox_outcome"]]
    assert {d["sandbox_outcome"] for d in coding} & {"passed"}


async def test_the_simulated_strengths_show_in_the_scores(
    full_run: FullRun,
    simulator_url: str,
) -> None:
    async with httpx.AsyncClient() as client:
        described = (await client.get(f"{simulator_url}/_control/providers")).json()
    profile = {name: entry["profile"]["quality"] for name, entry in described["providers"].items()}
    for category in (Category.CODING,):
        best_simulated = max(profile, key=lambda name: profile[name][category.value])
        measured = {s.provider: s.quality_score for s in full_run.scores if s.category == category}
        assert measured[best_simulated] == max(measured.values()), (profile, measured)
    worst_everywhere = min(profile, key=lambda n: sum(profile[n].values()))
    mean_quality = {
        name: sum(s.quality_score for s in full_run.scores if s.provider == name) / len(Category)
        for name in profile
    }
    assert mean_quality[worst_everywhere] < max(mean_quality.values())


async def test_a_failing_provider_gets_quality_zero_and_its_failure_kind_is_kept(
    mongo_db: AsyncDatabase[dict[str, Any]],
    suites: dict[Category, Suite],
    simulator_url: str,
    sandbox: Sandbox,
) -> None:
    math = {Category.MATH: suites[Category.MATH]}
    bench = await build_bench(
        mongo_db,
        math,
        simulator_url,
        sandbox,
        options=EngineOptions(test_timeout_s=1.5, flush_interval_s=0.2),
        providers=["groq", "gemini", "openai"],
    )
    async with httpx.AsyncClient(base_url=simulator_url) as control:
        await control.post("/_control/providers/groq", json={"mode": "error", "status": 503})
        await control.post("/_control/providers/gemini", json={"mode": "timeout"})
        try:
            run_id = await bench.launcher.launch(bench.launcher.plan())
            scores = await bench.launcher.wait(run_id)
        finally:
            await control.post("/_control/reset")
    assert scores is not None
    by_provider = {s.provider: s for s in scores}
    tests = len(suites[Category.MATH].tests)
    for name in ("groq", "gemini"):
        assert by_provider[name].quality_score == 0
        assert by_provider[name].failed_tests == tests
        assert by_provider[name].speed_score == 0
    assert by_provider["openai"].quality_score > 0 and by_provider["openai"].failed_tests == 0
    run = await bench.results.run(run_id)
    assert run is not None and run["status"] == "completed"
    failures = {p["provider"]: p["failures"] for p in run["progress"]}
    assert failures == {"groq": {"server": tests}, "gemini": {"timeout": tests}, "openai": {}}
    assert any(line.startswith("groq:") and "server" in line for line in run["errors"])
    kinds = {(d["provider"], d["error"]) for d in await bench.runs.test_results(run_id)}
    assert kinds == {("groq", "server"), ("gemini", "timeout"), ("openai", None)}
