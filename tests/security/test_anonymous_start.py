"""A gateway reachable from other machines does not start without API keys, unless told to.

The attack (issue 20, point 8): with MASTERX_API_KEYS empty the gateway served every request,
whatever address it listened on (the prod overlay puts it behind a LoadBalancer).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings
from tooling.stack.readiness import free_port

PUBLIC = "0.0.0.0"


def _environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTERX_")}
    return {**env, "MASTERX_LOG_LEVEL": "WARNING", **values}


@contextmanager
def _gateway(**values: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "services.gateway"],
        env=_environment(**values),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(15)
        assert process.stderr is not None
        process.stderr.close()


def _serves(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> bool:
    """Polls /healthz until it answers; False as soon as the process has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.1)
    return False


def test_a_public_gateway_without_keys_refuses_to_start_and_says_why() -> None:
    port = free_port()
    with _gateway(MASTERX_BIND_HOST=PUBLIC, MASTERX_GATEWAY_PORT=str(port)) as process:
        assert not _serves(port, process), "the public gateway served without any API key"
        assert process.wait(15) == 2
        assert process.stderr is not None
        message = process.stderr.read().decode()
    for name in ("MASTERX_API_KEYS", "MASTERX_ALLOW_ANONYMOUS", "MASTERX_BIND_HOST", PUBLIC):
        assert name in message, message
    assert "Traceback" not in message


def test_an_explicit_allow_anonymous_starts_a_public_gateway() -> None:
    port = free_port()
    with _gateway(
        MASTERX_BIND_HOST=PUBLIC, MASTERX_GATEWAY_PORT=str(port), MASTERX_ALLOW_ANONYMOUS="true"
    ) as process:
        assert _serves(port, process)


@pytest.mark.parametrize(
    ("host", "keys", "anonymous", "starts"),
    [
        ("127.0.0.1", "", False, True),
        ("127.0.0.2", "", False, True),
        ("::1", "", False, True),
        ("localhost", "", False, True),
        ("0.0.0.0", "k1", False, True),
        ("0.0.0.0", " , ", False, False),  # blank keys are no keys
        ("::", "", False, False),
        ("10.0.0.5", "", False, False),
        ("gateway.internal", "", False, False),
        ("0.0.0.0", "", True, True),
    ],
)
def test_which_addresses_need_keys(host: str, keys: str, anonymous: bool, starts: bool) -> None:
    values = {"bind_host": host, "api_keys": keys, "allow_anonymous": anonymous}
    if starts:
        GatewaySettings(**values)  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError, match="MASTERX_ALLOW_ANONYMOUS"):
            GatewaySettings(**values)  # type: ignore[arg-type]
