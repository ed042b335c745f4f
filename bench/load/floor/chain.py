"""Start the floor's router and gateway next to a running stack's simulator."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load.workload import SIMULATOR_PATH
from masterx.stack import StackConfig
from masterx.stack.readiness import free_port, grpc_serving, http_ok

READY_TIMEOUT_S = 30.0
ROOT = Path(__file__).resolve().parents[3]


def _wait(name: str, process: subprocess.Popen[bytes], ready: object, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            ready()  # type: ignore[operator]
            return
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"floor {name} did not start; see {log}") from None
            time.sleep(0.2)


@contextmanager
def floor_chain(config: StackConfig) -> Iterator[int]:
    """The floor gateway's port, while the floor chain runs."""
    host = config.host
    router_port, gateway_port = free_port(host), free_port(host)
    simulator = f"http://{host}:{config.simulator_port}{SIMULATOR_PATH}"
    commands = {
        "router": ([str(router_port), simulator], grpc_serving(f"{host}:{router_port}")),
        "gateway": (
            [str(gateway_port), f"{host}:{router_port}"],
            http_ok(f"http://{host}:{gateway_port}/"),
        ),
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, (arguments, ready) in commands.items():
            log = config.state_dir / f"floor-{name}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", f"bench.load.floor.{name}", *arguments],
                    cwd=ROOT,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            _wait(name, process, ready, log)
        yield gateway_port
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
