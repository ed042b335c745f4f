"""The stack the drills run against, their settings, and the record each drill returns."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from bench.drills.load import Load, Reply, summarise
from bench.drills.probes import Simulator, breaker_view, wait_until
from tooling.stack import Stack, StackConfig
from tooling.stack.readiness import free_ports, grpc_serving

DRILL_ENV = {
    "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
    "MASTERX_BREAKER_TIMEOUT_SECONDS": "2",
    "MASTERX_BREAKER_MAX_TIMEOUT_SECONDS": "4",
    "MASTERX_BREAKER_PERMIT_TTL_SECONDS": "3",
    # A permit must outlive a whole provider call (the services refuse to start otherwise).
    "MASTERX_PROVIDER_TIMEOUT_SECONDS": "2.5",
    "MASTERX_BREAKER_SWEEP_SECONDS": "0.2",
    "MASTERX_ROUTER_TIMEOUT_SECONDS": "10",
    "MASTERX_LOG_LEVEL": "WARNING",
    "MASTERX_ADMIN_TOKEN": "drill-admin-token-5c3a",  # the keyed drill makes a managed key
}
# A request's worst acceptable time: the gateway's chat deadline plus slack for a busy host.
DEADLINE_S = 10.0 + 5.0


@dataclass(frozen=True)
class Timing:
    """How long each phase of a drill lasts: ``short`` for ``make test``, else the full run."""

    outage_s: float
    after_s: float
    rate: float
    state_timeout_s: float = 60.0


FULL = Timing(outage_s=8.0, after_s=4.0, rate=25.0)
SHORT = Timing(outage_s=3.0, after_s=2.0, rate=20.0)


@dataclass
class DrillResult:
    name: str
    replies: list[Reply]
    measures: dict[str, float | int | str] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and all(self.checks.values())

    def record(self) -> dict[str, object]:
        return {
            "drill": self.name,
            **summarise(self.replies),
            "measures": self.measures,
            "checks": self.checks,
            "passed": self.passed,
            "error": self.error,
        }


class DrillStack:
    """The whole stack on free ports; the gateway knows two router addresses, the second of
    which is started only by the router drill (until then round robin skips it)."""

    def __init__(self, announce: bool = False) -> None:
        config = StackConfig(state_dir=Path(tempfile.mkdtemp(prefix="masterx-drills-")))
        ports = free_ports(len(config.port_fields) + 2, config.host)  # + the second router's
        self.second_router_port, self.second_metrics_port = ports[-2:]
        config = config.with_ports(ports[:-2])
        self.router_targets = [
            f"{config.host}:{config.router_grpc_port}",
            f"{config.host}:{self.second_router_port}",
        ]
        env = {
            **{k: v for k, v in os.environ.items() if k.startswith("MASTERX_")},
            **DRILL_ENV,
        }
        env.pop("MASTERX_REDIS_URL", None)
        env.pop("MASTERX_MONGODB_URL", None)
        self.gateway_env = {"MASTERX_ROUTER_TARGET": ",".join(self.router_targets)}
        self.stack = Stack(
            replace(config, env={**env, **self.gateway_env}),
            announce=(lambda line: print(f"[drills] {line}", flush=True)) if announce else None,
        )
        self.second_router: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DrillStack:
        self.stack.start()
        self.simulator = Simulator(f"http://127.0.0.1:{self.stack.config.simulator_port}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_second_router()
        self.stack.stop()

    @property
    def router_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.stack.config.router_metrics_port}/metrics"

    def load(self, timing: Timing, api_key: str = "") -> Load:
        return Load(self.stack.gateway_url, rate=timing.rate, api_key=api_key)

    def start_second_router(self) -> None:
        env = {
            **os.environ,
            **self.stack.service_env(),
            "MASTERX_ROUTER_GRPC_PORT": str(self.second_router_port),
            "MASTERX_ROUTER_METRICS_PORT": str(self.second_metrics_port),
        }
        log = open(self.stack.config.state_dir / "router-2.log", "wb")
        self.second_router = subprocess.Popen(
            [sys.executable, "-m", "services.router"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    async def wait_second_router(self, seconds: float) -> None:
        check = grpc_serving(self.router_targets[1])

        async def serving() -> bool:
            await asyncio.to_thread(check)
            return True

        await wait_until(serving, seconds, "the second router serving", every=0.1)

    def stop_second_router(self) -> None:
        if self.second_router is not None and self.second_router.poll() is None:
            self.second_router.terminate()
            self.second_router.wait(15)

    async def all_closed(self, targets: list[str] | None = None) -> bool:
        for target in targets or self.router_targets[:1]:
            if any(s != "closed" for s in (await breaker_view(target)).values()):
                return False
        return True

    async def settle(self, timing: Timing, reset: bool = True) -> float:
        """Back to a healthy start: every simulated provider normal, every breaker CLOSED.

        A HALF_OPEN breaker closes only on successful probes, so each provider not yet CLOSED
        gets pinned requests (still breaker-checked) until it is. The seconds it took.
        """
        if reset:
            await self.simulator.reset()
        target = self.router_targets[0]
        async with httpx.AsyncClient(
            base_url=self.stack.gateway_url, timeout=DEADLINE_S, trust_env=False
        ) as client:

            async def closed() -> bool:
                view = await breaker_view(target)
                waiting = [name for name, state in view.items() if state != "closed"]
                await asyncio.gather(*(_probe(client, name) for name in waiting))
                return not waiting

            return await wait_until(
                closed, timing.state_timeout_s, "every breaker CLOSED", every=0.2
            )


async def _probe(client: httpx.AsyncClient, provider: str) -> None:
    body = {"user_id": "drill-probe", "message": "Explain merge sort", "provider": provider}
    await client.post("/api/v1/chat", json=body)
