"""The live quality estimate as the gateway shows it (README, "Live quality"): beside each
candidate of ``POST /api/v1/route`` and each score of ``GET /api/v1/benchmarks`` (what
``masterx bench scores`` prints)."""

from __future__ import annotations

import httpx

from tests.gateway.fake_upstreams import FakeUpstreams
from tooling.cli.bench import _score_rows
from tooling.cli.chat import _ranked_row


def test_the_route_explanation_shows_benchmark_and_live_quality_and_their_weights(
    client: httpx.Client,
) -> None:
    response = client.post("/api/v1/route", json={"message": "Explain bubble sort"})
    assert response.status_code == 200
    first, second = response.json()["ranking"]
    assert first["quality"] == 92.3  # the live estimate the policy ranked with
    assert first["benchmark_quality"] == 95.0
    assert first["benchmark_tests"] == 10
    assert (first["prior_weight"], first["rating_weight"], first["signal_weight"]) == (
        10.0,
        2.5,
        0.5,
    )
    assert first["fallen"] is False
    assert second["benchmark_quality"] is None  # no evidence: nothing to show
    # masterx route: quality, tests, benchmark, weighed
    assert _ranked_row(1, first)[3:7] == ["92.3 ± 6.6", 13, "95.0 / 10", "10 / 2.5 / 0.5"]
    assert len(_ranked_row(2, second)) == len(_ranked_row(1, first))


def test_benchmark_scores_carry_the_live_estimate(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.get("/api/v1/benchmarks", params={"category": "coding"})
    assert response.status_code == 200
    assert fakes.benchmark.seen.requests[-1].with_live
    scores = {s["provider"]: s for s in response.json()["scores"]["coding"]}
    assert scores["anthropic"]["quality_score"] == 90.0
    assert scores["anthropic"]["live"] == {
        "quality": 70.0,
        "uncertainty": 9.5,
        "effective_tests": 23.0,
        "prior_weight": 13.0,
        "rating_weight": 8.0,
        "signal_weight": 2.0,
        "fallen": True,
    }
    assert scores["groq"]["live"] is None
    rows = {row[0]: row for row in _score_rows(list(scores.values()))}
    assert rows["anthropic"][3:6] == ["90.0 ± 0.0", "70.0 ± 9.5 fallen", "13 / 8.0 / 2.0"]
    assert rows["groq"][4:6] == ["-", "-"]
