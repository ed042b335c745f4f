"""The load benchmark's floor chain: the same hops as the gateway path, answering for real."""

from __future__ import annotations

import argparse
import json

import httpx
import pytest

from bench.load.__main__ import generate
from bench.load.floor.chain import floor_chain
from bench.load.report import floor_summary
from bench.load.workload import PROVIDER_MODEL, Target, bodies
from tooling.stack import Stack

pytestmark = pytest.mark.e2e


def test_the_floor_chain_relays_a_chat_to_the_simulator_and_back(stack: Stack) -> None:
    config = stack.config
    _, body = bodies(Target.GATEWAY, stream=False, host=config.host, port=0)[0]
    with floor_chain(config) as port:
        reply = httpx.post(
            f"http://{config.host}:{port}/v1/chat/completions",
            content=body,
            headers={"content-type": "application/json"},
            timeout=10,
        )
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["model"] == PROVIDER_MODEL
    assert answer["choices"][0]["message"]["content"].strip()
    assert json.loads(body)["messages"][0]["role"] == "user"


def test_a_short_open_loop_level_against_the_floor_loses_nothing(stack: Stack) -> None:
    config = stack.config
    args = argparse.Namespace(duration=1.0, warmup=0.5)
    with floor_chain(config) as port:
        floor = generate(Target.GATEWAY, port, 20.0, False, args)
    baseline = generate(Target.BASELINE, config.simulator_port, 20.0, False, args)
    assert floor["sent"] == floor["completed"] > 0
    summary = floor_summary(floor, baseline)
    assert summary["errors"] == 0
    assert summary["floor_ms"]["p50"] > 0
