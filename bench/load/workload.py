"""What the load generator sends: the same conversations to the gateway and to the simulator,
and one question over and over to the gateway (answered from its response cache).

The stack runs with the response cache on (``stack.py``); routed calls send
``Cache-Control: no-cache``, so they never touch it and measure the same path as without a
cache; the cached level sends the same question every time without it, so after the first
answer every request is a hit."""

from __future__ import annotations

import json
from enum import StrEnum

from bench.load.http1 import request_head
from bench.messages import LEARNER_MESSAGES

PROVIDER = "groq"  # pinned, so the gateway and the baseline hit one simulated provider
PROVIDER_MODEL = "llama-3.3-70b-versatile"
SIMULATOR_PATH = "/groq/openai/v1/chat/completions"  # where the router calls it
GATEWAY_PATH = "/v1/chat/completions"
USERS = 50
MESSAGES = LEARNER_MESSAGES
CACHED_MESSAGE = "Explain bubble sort"  # coding: one of the stack's cached categories
BYPASS = ("cache-control: no-cache",)


class Target(StrEnum):
    GATEWAY = "gateway"
    BASELINE = "baseline"
    CACHED = "cached"  # the gateway, the same question every time: response-cache hits


def bodies(target: Target, *, stream: bool, host: str, port: int) -> list[tuple[bytes, bytes]]:
    """(head, body) pairs, built once; request i sends pair i modulo their number."""
    pairs = []
    for i in range(USERS * 2):
        text = CACHED_MESSAGE if target is Target.CACHED else MESSAGES[i % len(MESSAGES)]
        message = [{"role": "user", "content": text}]
        extra: tuple[str, ...] = ()
        if target is not Target.BASELINE:
            extra = BYPASS if target is Target.GATEWAY else ()
            payload: dict[str, object] = {
                "model": PROVIDER,
                "messages": message,
                "stream": stream,
                "user": f"bench-u{i % USERS}",
                "metadata": {"session_id": f"bench-s{i % USERS}"},
            }
            path = GATEWAY_PATH
        else:
            payload = {"model": PROVIDER_MODEL, "messages": message, "stream": stream}
            if stream:
                payload["stream_options"] = {"include_usage": True}
            path = SIMULATOR_PATH
        body = json.dumps(payload).encode()
        pairs.append((request_head(host, port, path, len(body), extra), body))
    return pairs
