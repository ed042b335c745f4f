"""The whole stack on free ports for the load benchmark, the simulator at a fixed latency.

With ``profile`` set to ``router`` or ``gateway``, those two services are started here instead
of by the launcher, the named one under pyinstrument (its text report is written when the
service stops): profiling lives in the harness, not in the services.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from tooling.stack import Stack, StackConfig
from tooling.stack.launcher import stop_process
from tooling.stack.parent_death import tied_to_parent
from tooling.stack.readiness import ReadinessCheck, grpc_serving, http_ok

ROOT = Path(__file__).resolve().parents[2]

SIMULATED = ("openai", "anthropic", "gemini", "groq", "emergent")
STACK_ENV = {
    "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
    "MASTERX_SIMULATED_PROVIDERS": "1",
    "MASTERX_LOG_LEVEL": "WARNING",
    # The response cache on for every category it may serve, for callers without a key; the
    # routed levels send Cache-Control: no-cache (bench/load/workload.py), the cached one not.
    "MASTERX_CACHE_CATEGORIES": "coding,math,research,language,general",
    "MASTERX_CACHE_SCOPE": "key",
}
PROFILED = ("router", "gateway")
BACKGROUND = ("redis", "mongodb", "simulator", "health", "benchmark")
READY_TIMEOUT_S = 60.0


def fix_latency(simulator_url: str, latency_ms: float) -> None:
    """Every simulated provider answers after exactly ``latency_ms`` (no jitter, no failures)."""
    for name in SIMULATED:
        body = json.dumps({"mode": "ok", "latency_ms": latency_ms, "failure_rate": 0}).encode()
        request = urllib.request.Request(
            f"{simulator_url}/_control/providers/{name}",
            data=body,
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as reply:
            reply.read()


@contextmanager
def _service(
    name: str, stack: Stack, ready: ReadinessCheck, profile_to: Path | None
) -> Iterator[subprocess.Popen[bytes]]:
    module = f"services.{name}"
    if profile_to is None:
        argv = [sys.executable, "-m", module]
    elif profile_to.suffix == ".pstats":  # cProfile: exact CPU time per function
        argv = [sys.executable, "-m", "cProfile", "-o", str(profile_to), "-m", module]
    else:
        argv = [sys.executable, "-m", "pyinstrument", "-i", "0.001", "-r", "text"]
        argv += ["-o", str(profile_to), "-m", module]
    log = (stack.config.state_dir / f"{name}.log").open("wb")
    process = subprocess.Popen(
        argv, env={**os.environ, **stack.service_env()}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_ready(name, process, ready, Path(log.name))
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_ready(
    name: str,
    process: subprocess.Popen[bytes],
    ready: ReadinessCheck,
    log: Path,
    timeout: float = READY_TIMEOUT_S,
) -> None:
    """Until ``ready`` passes; a process that exits or takes too long fails, naming its log."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            ready()
            return
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}") from None
            time.sleep(0.2)


@contextmanager
def running_module(
    name: str, module: str, arguments: list[str], ready: ReadinessCheck, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m module arguments`` from the project's root while it runs, once ``ready``
    passes: its output in ``log``, tied to this process, in its own process group (for
    ``stop_process``), and stopped on the way out."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            tied_to_parent([sys.executable, "-m", module, *arguments]),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(name, process, ready, log)
        yield process
    finally:
        stop_process(process)


@contextmanager
def running_stack(
    state_dir: Path,
    log_level: str,
    latency_ms: float,
    profile: str | None = None,
    profiler: str = "pyinstrument",
) -> Iterator[StackConfig]:
    env = STACK_ENV | {"MASTERX_LOG_LEVEL": log_level}
    config = replace(StackConfig(state_dir=state_dir).with_free_ports(), env=env)
    if profile is None:
        with Stack(config):
            fix_latency(f"http://{config.host}:{config.simulator_port}", latency_ms)
            yield config
        return
    with Stack(config, components=BACKGROUND) as stack, ExitStack() as services:
        host = config.host
        checks = {
            "router": grpc_serving(f"{host}:{config.router_grpc_port}"),
            "gateway": http_ok(f"http://{host}:{config.gateway_port}/readyz"),
        }
        for name in PROFILED:
            suffix = "pstats" if profiler == "cprofile" else "txt"
            out = Path(__file__).resolve().parents[1] / "results" / f"profile-{name}.{suffix}"
            services.enter_context(
                _service(name, stack, checks[name], out if name == profile else None)
            )
        fix_latency(f"http://{host}:{config.simulator_port}", latency_ms)
        yield config
