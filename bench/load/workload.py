"""What the load generator sends: the same conversations to the gateway and to the simulator."""

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


class Target(StrEnum):
    GATEWAY = "gateway"
    BASELINE = "baseline"


def bodies(target: Target, *, stream: bool, host: str, port: int) -> list[tuple[bytes, bytes]]:
    """(head, body) pairs, built once; request i sends pair i modulo their number."""
    pairs = []
    for i in range(USERS * 2):
        message = [{"role": "user", "content": MESSAGES[i % len(MESSAGES)]}]
        if target is Target.GATEWAY:
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
        pairs.append((request_head(host, port, path, len(body)), body))
    return pairs
