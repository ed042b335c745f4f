"""The health service as a real process serves ApiKeys next to ProviderHealth, and keeps
admitting on its local share when its Redis is killed (a short drill)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from masterx.v1 import keys_pb2, keys_pb2_grpc
from tooling.stack import Stack, StackConfig


@pytest.fixture
def health_stack(tmp_path: Path) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path).with_free_ports()
    with Stack(config, components=("redis", "mongodb", "health")) as stack:
        yield stack


async def test_the_health_process_serves_keys_and_falls_back_when_redis_dies(
    health_stack: Stack,
) -> None:
    target = f"{health_stack.config.host}:{health_stack.config.health_grpc_port}"
    async with grpc.aio.insecure_channel(target) as channel:
        stub = keys_pb2_grpc.ApiKeysStub(channel)
        fields = keys_pb2.KeyFields(name="drill", rpm=10)
        created = await stub.CreateKey(keys_pb2.CreateKeyRequest(fields=fields), timeout=10)
        ask = keys_pb2.AdmitRequest(token=created.token, prompt_tokens=10, max_tokens=10)
        first = await stub.Admit(ask, timeout=10)
        assert first.admitted and first.enforcement == "shared" and first.remaining_requests == 9
        health_stack.kill("redis")
        during = [await stub.Admit(ask, timeout=10) for _ in range(8)]
        admitted = [r for r in during if r.admitted]
        print(f"redis killed: {len(admitted)} of 8 admitted on the local share of rpm 10")
        assert len(admitted) == 5 and {r.enforcement for r in during} == {"local"}
        assert {r.code for r in during if not r.admitted} == {"rate_limit_exceeded"}
