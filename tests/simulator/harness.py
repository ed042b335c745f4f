"""Start the simulator as its own process (``python -m simulator``) on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

FIXTURES = Path(__file__).parent / "fixtures"
TEST_PROFILES = FIXTURES / "profiles.json"
TEST_ANSWER_KEY = FIXTURES / "answer_key.json"
TEST_SEED = 4242
RESERVED_PORTS = {8090, 8001, 6390, 27027, *range(50050, 50060), *range(9100, 9110)}
STARTUP_DEADLINE_S = 20.0


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


@contextmanager
def running_simulator(extra_env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The URL of a fresh simulator process; it is stopped (and reaped) on exit."""
    port = free_port()
    env = {
        **os.environ,
        "MASTERX_SIMULATOR_PORT": str(port),
        "MASTERX_BIND_HOST": "127.0.0.1",
        "MASTERX_LOG_LEVEL": "WARNING",
        "MASTERX_SIMULATOR_SEED": str(TEST_SEED),
        "MASTERX_SIMULATOR_PROFILES": str(TEST_PROFILES),
        "MASTERX_SIMULATOR_ANSWER_KEYS": str(TEST_ANSWER_KEY),
        **(extra_env or {}),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "simulator"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(process, url, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")
            raise RuntimeError(f"the simulator exited with {process.returncode}: {error}")
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the simulator did not answer {url}/healthz in {STARTUP_DEADLINE_S}s")


_control = httpx.Client(timeout=5)  # one client: building one per call costs ~30 ms


def control_provider(url: str, provider: str, **change: object) -> None:
    """Change a simulated provider's behaviour (``POST /_control/providers/{provider}``)."""
    _control.post(f"{url}/_control/providers/{provider}", json=change).raise_for_status()


def restore_providers(url: str) -> None:
    """Every provider back to its profile, counters at zero (``POST /_control/reset``)."""
    _control.post(f"{url}/_control/reset").raise_for_status()
