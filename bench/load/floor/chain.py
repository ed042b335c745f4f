"""Start the floor's router and gateway next to a running stack's simulator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load.stack import wait_ready
from bench.load.workload import SIMULATOR_PATH
from masterx.stack import StackConfig
from masterx.stack.launcher import stop_process
from masterx.stack.parent_death import tied_to_parent
from masterx.stack.readiness import free_port, grpc_serving, http_ok

ROOT = Path(__file__).resolve().parents[3]


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
                    tied_to_parent([sys.executable, "-m", f"bench.load.floor.{name}", *arguments]),
                    cwd=ROOT,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, for stop_process
                )
            processes.append(process)
            wait_ready(f"floor {name}", process, ready, log)
        yield gateway_port
    finally:
        for process in reversed(processes):
            stop_process(process)
