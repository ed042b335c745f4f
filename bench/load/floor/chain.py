"""Start the floor's router and gateway next to a running stack's simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from bench.load.stack import running_module
from bench.load.workload import SIMULATOR_PATH
from tooling.stack import StackConfig
from tooling.stack.readiness import free_ports, grpc_serving, http_ok


@contextmanager
def floor_chain(config: StackConfig) -> Iterator[int]:
    """The floor gateway's port, while the floor chain runs."""
    host = config.host
    router_port, gateway_port = free_ports(2, host)
    simulator = f"http://{host}:{config.simulator_port}{SIMULATOR_PATH}"
    commands = {
        "router": ([str(router_port), simulator], grpc_serving(f"{host}:{router_port}")),
        "gateway": (
            [str(gateway_port), f"{host}:{router_port}"],
            http_ok(f"http://{host}:{gateway_port}/"),
        ),
    }
    with ExitStack() as started:  # stopped in reverse order
        for name, (arguments, ready) in commands.items():
            log = config.state_dir / f"floor-{name}.log"
            module = f"bench.load.floor.{name}"
            started.enter_context(running_module(f"floor {name}", module, arguments, ready, log))
        yield gateway_port
