"""The gateway holds what it accepts: keys before bodies, capped content parts, bounded memory.

The attack (issue 20, point 7): a 4 MiB body of ~155k content parts peaked at about 110 MiB in
the gateway and was parsed twice before the API key was checked; ten at once went far beyond
the pod's memory limit. Measured here on the real gateway process of the stack (its peak RSS,
``VmHWM``), against the memory limit of its Kubernetes Deployment.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import ALICE_KEY
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
MIB = 2**20
CHAT = "/v1/chat/completions"


def _memory_limit_bytes() -> int:
    """The gateway container's memory limit in deploy/k8s/base/gateway.yaml (e.g. 512Mi)."""
    text = (ROOT / "deploy/k8s/base/gateway.yaml").read_text()
    match = re.search(r"limits:\s*\{[^}]*memory:\s*(\d+)(Mi|Gi)", text)
    assert match, "no memory limit on the gateway"
    return int(match.group(1)) * (MIB if match.group(2) == "Mi" else 1024 * MIB)


def _peak_rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert match
    return int(match.group(1)) * 1024


def many_parts_body(size: int = 4 * MIB - 4096) -> bytes:
    """A valid request of ~``size`` bytes: 32000 one-letter parts (the longest message
    allowed) and then empty parts, ~160k in all."""
    letter = '{"type":"text","text":"a"},'
    empty = '{"type":"text","text":""},'
    head = '{"model":"groq","messages":[{"role":"user","content":['
    tail = '{"type":"text","text":"a"}]}]}'
    room = size - len(head) - len(tail) - 31999 * len(letter)
    body = head + letter * 31999 + empty * (room // len(empty)) + tail
    json.loads(body)  # well-formed
    return body.encode()


@pytest.fixture
def slow_provider(security_stack: Stack) -> Iterator[None]:
    """Accepted requests stay in flight for a while (their bodies with them)."""
    simulator = f"http://{security_stack.config.host}:{security_stack.config.simulator_port}"
    httpx.post(
        f"{simulator}/_control/providers/groq", json={"latency_ms": 5000}, timeout=5
    ).raise_for_status()
    yield
    httpx.post(f"{simulator}/_control/reset", timeout=5).raise_for_status()


async def test_ten_four_mib_many_part_requests_at_once_stay_under_the_memory_limit(
    security_stack: Stack, slow_provider: None
) -> None:
    body = many_parts_body()
    assert len(body) > 3.9 * MIB
    headers = {"Authorization": f"Bearer {ALICE_KEY}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=120) as http:
        replies = await asyncio.gather(
            *(http.post(CHAT, content=body, headers=headers) for _ in range(10))
        )
    peak = _peak_rss_bytes(security_stack.pids()["gateway"])
    limit = _memory_limit_bytes()
    print(f"gateway peak RSS {peak / MIB:.1f} MiB, limit {limit / MIB:.0f} MiB")
    assert peak < limit, f"peak RSS {peak / MIB:.0f} MiB over the {limit / MIB:.0f} MiB limit"
    for reply in replies:
        assert reply.status_code == 400, reply.text[:300]
        assert reply.json()["error"]["code"] == "too_many_parts"


def _raw_exchange(stack: Stack, head: bytes, body_part: bytes = b"") -> bytes:
    """Sends a request head (and perhaps part of its body), then waits for the status line."""
    with socket.create_connection((stack.config.host, stack.config.gateway_port), 10) as sock:
        sock.settimeout(30)
        sock.sendall(head + body_part)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_request_without_a_key_is_refused_before_its_body_is_read(
    security_stack: Stack,
) -> None:
    # 4 MiB announced, none sent: only a gateway that checks the key first can answer.
    head = (
        f"POST {CHAT} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        f"Content-Length: {4 * MIB - 1}\r\n\r\n"
    ).encode()
    for authorization in (b"", b"Authorization: Bearer not-a-key\r\n"):
        answer = _raw_exchange(security_stack, head[:-2] + authorization + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 401"), answer[:100]


def test_a_request_head_past_the_limit_gets_a_431(security_stack: Stack) -> None:
    # uvicorn's httptools parser bounds no head by itself (a 50 MB header was answered 200)
    head = f"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Junk: {'j' * 20_000}".encode()
    answer = _raw_exchange(security_stack, head)  # the head goes on: no blank line yet
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    within = _raw_exchange(security_stack, b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
    assert within.startswith(b"HTTP/1.1 200"), within[:100]


def test_a_body_that_does_not_arrive_in_time_gets_a_408(security_stack: Stack) -> None:
    head = (
        f"POST {CHAT} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {ALICE_KEY}\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    answer = _raw_exchange(security_stack, head, b'{"model": "auto", ')  # then nothing
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]


async def test_more_content_parts_than_the_limit_is_a_400_naming_messages(
    security_stack: Stack,
) -> None:
    parts = [{"type": "text", "text": "a"} for _ in range(257)]  # MASTERX_MAX_CONTENT_PARTS 256
    body = {"model": "auto", "messages": [{"role": "user", "content": parts}]}
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=30) as http:
        reply = await http.post(CHAT, json=body, headers={"Authorization": f"Bearer {ALICE_KEY}"})
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert (error["code"], error["param"]) == ("too_many_parts", "messages")
    assert "256" in error["message"]
