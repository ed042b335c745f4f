"""Degrading a simulated provider's quality per category at run time (POST /_control/providers)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.simulator.harness import running_simulator

PROMPTS = [f"Write a function number_{n}() that returns {n}." for n in range(200)]


def _answer(n: int) -> str:
    return f"def number_{n}():\n    return {n}"


@pytest.fixture(scope="module")
def keyed_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A simulator whose answer key holds 200 coding prompts (the test profiles: quality 1)."""
    key = tmp_path_factory.mktemp("key") / "coding.json"
    key.write_text(
        json.dumps(
            {
                "category": "coding",
                "tests": [
                    {"prompt": p, "answer": _answer(n), "wrong_answer": "def broken(): pass"}
                    for n, p in enumerate(PROMPTS)
                ],
            }
        )
    )
    with running_simulator({"MASTERX_SIMULATOR_ANSWER_KEYS": str(key)}) as url:
        yield url


@pytest.fixture
async def client(keyed_simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=keyed_simulator, timeout=5) as client:
        assert (await client.post("/_control/reset")).status_code == 200
        yield client


async def _correct_share(client: httpx.AsyncClient, prompts: list[str]) -> float:
    correct = 0
    for prompt in prompts:
        response = await client.post(
            "/openai/v1/chat/completions",
            json={"model": "gpt-4o", "messages": [{"role": "user", "content": prompt}]},
        )
        assert response.status_code == 200, response.text
        text = response.json()["choices"][0]["message"]["content"]
        correct += text == _answer(PROMPTS.index(prompt))
    return correct / len(prompts)


async def _control(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    return await client.post("/_control/providers/openai", json=body)


async def test_a_degraded_category_is_answered_correctly_at_the_set_rate(
    client: httpx.AsyncClient,
) -> None:
    assert await _correct_share(client, PROMPTS[:20]) == 1.0  # the test profile's quality
    changed = await _control(client, {"quality": {"coding": 0.2}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["openai"]["quality"]["coding"] == pytest.approx(0.2)
    share = await _correct_share(client, PROMPTS)
    print(f"coding answered correctly at quality 0.2: {share:.3f} of {len(PROMPTS)}")
    assert abs(share - 0.2) < 0.08
    untouched = await client.post(
        "/groq/openai/v1/chat/completions",
        json={
            "model": "llama-3.3-70b-versatile",
            "messages": [{"role": "user", "content": PROMPTS[0]}],
        },
    )
    assert untouched.json()["choices"][0]["message"]["content"] == _answer(0)


async def test_quality_is_listed_merged_and_reset(client: httpx.AsyncClient) -> None:
    await _control(client, {"quality": {"coding": 0.0}})
    await _control(client, {"quality": {"math": 0.5}})
    listed = (await client.get("/_control/providers")).json()["providers"]["openai"]
    assert listed["override"]["quality"] == {"coding": 0.0, "math": 0.5}
    assert listed["quality"]["coding"] == 0.0 and listed["quality"]["general"] == 1.0
    assert listed["profile"]["quality"]["coding"] == 1.0  # the profile itself is unchanged
    assert await _correct_share(client, PROMPTS[:10]) == 0.0
    await _control(client, {"quality": {"coding": None}})
    assert await _correct_share(client, PROMPTS[:10]) == 1.0
    await _control(client, {"quality": {"coding": 0.0}})
    assert (await client.post("/_control/reset")).status_code == 200
    listed = (await client.get("/_control/providers")).json()["providers"]["openai"]
    assert listed["override"]["quality"] == {} and listed["quality"]["coding"] == 1.0
    assert await _correct_share(client, PROMPTS[:10]) == 1.0


@pytest.mark.parametrize(
    ("quality", "named"),
    [
        ({"coding": 1.5}, "quality.coding must be a number in [0, 1]"),
        ({"coding": -0.1}, "quality.coding"),
        ({"coding": "low"}, "quality.coding"),
        ({"coding": True}, "quality.coding"),
        ({"poetry": 0.5}, "unknown category poetry"),
        ([0.5], "quality must be an object"),
    ],
)
async def test_a_bad_quality_is_refused_naming_the_field(
    client: httpx.AsyncClient, quality: Any, named: str
) -> None:
    response = await _control(client, {"quality": quality})
    assert response.status_code == 400
    assert named in response.json()["error"]["message"]
    listed = (await client.get("/_control/providers")).json()["providers"]["openai"]
    assert listed["override"]["quality"] == {}
