"""Start the stack's components in order, each checked ready before the next; stop in reverse.

Every failure (port taken, binary missing, a process that exits or never becomes ready) stops
what was already started and raises :class:`LaunchError` with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tooling.stack.components import (
    ALL_COMPONENTS,
    Component,
    mongodb_component,
    redis_component,
    service_components,
)
from tooling.stack.config import StackConfig
from tooling.stack.parent_death import tied_to_parent
from tooling.stack.prerequisites import MissingPrerequisiteError
from tooling.stack.readiness import port_is_free

POLL_SECONDS = 0.1
STOP_TIMEOUT_SECONDS = 15.0
LOG_TAIL_LINES = 15


class LaunchError(RuntimeError):
    pass


@dataclass
class Running:
    component: Component
    process: subprocess.Popen[bytes]
    log_path: Path


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "(no log)"
    return "\n".join("    " + line for line in text) or "    (empty log)"


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """SIGTERM the process group, then SIGKILL what is left after the timeout."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


class Stack:
    def __init__(
        self,
        config: StackConfig,
        components: Sequence[str] = ALL_COMPONENTS,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        unknown = set(components) - set(ALL_COMPONENTS)
        if unknown:
            raise ValueError(f"unknown components {sorted(unknown)}; known: {ALL_COMPONENTS}")
        self.config = config
        self.components = [c for c in ALL_COMPONENTS if c in components]
        self._announce = announce or (lambda _: None)
        self._running: list[Running] = []
        self._temp_dir: Path | None = None

    # -- addresses -----------------------------------------------------------------------
    @property
    def redis_url(self) -> str:
        c = self.config
        return c.redis_url or f"redis://{c.connect_host}:{c.redis_port}/0"

    @property
    def mongodb_url(self) -> str:
        c = self.config
        return c.mongodb_url or f"mongodb://{c.connect_host}:{c.mongodb_port}/"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.config.connect_host}:{self.config.gateway_port}"

    def service_env(self) -> dict[str, str]:
        """What every started service reads: the caller's MASTERX_* plus the stack's addresses."""
        c = self.config
        env = dict(c.env)
        env.update(
            {
                "MASTERX_BIND_HOST": c.host,
                "MASTERX_REDIS_URL": self.redis_url,
                "MASTERX_MONGODB_URL": self.mongodb_url,
                "MASTERX_SIMULATOR_URL": f"http://{c.connect_host}:{c.simulator_port}",
                "MASTERX_SIMULATOR_PORT": str(c.simulator_port),
            }
        )
        for name in c.port_fields:
            if name not in ("redis_port", "mongodb_port", "simulator_port"):
                env[f"MASTERX_{name.upper()}"] = str(getattr(c, name))
        for service in ("router", "health", "benchmark"):
            env.setdefault(
                f"MASTERX_{service.upper()}_TARGET",
                f"{c.connect_host}:{getattr(c, f'{service}_grpc_port')}",
            )
        return env

    # -- life cycle ----------------------------------------------------------------------
    def _planned(self) -> list[Component]:
        assert self._temp_dir is not None
        planned: list[Component] = []
        services = service_components(self.config)
        for name in self.components:
            if name == "redis":
                if not self.config.redis_url:
                    planned.append(redis_component(self.config, self._data_dir("redis")))
            elif name == "mongodb":
                if not self.config.mongodb_url:
                    planned.append(mongodb_component(self.config, self._data_dir("mongodb")))
            else:
                planned.append(services[name])
        return planned

    def _data_dir(self, name: str) -> Path:
        assert self._temp_dir is not None
        path = self._temp_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def start(self) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        self._temp_dir = Path(tempfile.mkdtemp(prefix="masterx-stack-"))
        try:
            planned = self._planned()
            for component in planned:
                self._start_one(component)
        except MissingPrerequisiteError as error:
            self.stop()
            raise LaunchError(str(error)) from None
        except BaseException:
            self.stop()
            raise

    def _start_one(self, component: Component) -> None:
        for port in component.ports:
            if not port_is_free(self.config.host, port):
                raise LaunchError(
                    f"{component.name}: port {port} on {self.config.host} is already in use. "
                    "Stop whatever holds it (a stack left running? try `make down`) or choose "
                    "another port with the MASTERX_*_PORT variables."
                )
        log_dir = self.config.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{component.name.split()[0]}.log"
        env = {**os.environ, **self.service_env(), **component.env}
        self._announce(f"starting {component.name} ...")
        with open(log_path, "wb") as log:
            try:
                process = subprocess.Popen(
                    tied_to_parent(component.argv),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                    cwd=component.data_dir,
                )
            except OSError as error:
                raise LaunchError(
                    f"{component.name}: cannot start {component.argv[0]}: {error}"
                ) from None
        running = Running(component, process, log_path)
        self._running.append(running)
        self._wait_ready(running)
        self._announce(f"{component.name} ready (pid {process.pid})")

    def _wait_ready(self, running: Running) -> None:
        deadline = time.monotonic() + self.config.startup_timeout_seconds
        last_error = ""
        while time.monotonic() < deadline:
            code = running.process.poll()
            if code is not None:
                raise LaunchError(
                    f"{running.component.name} exited with code {code} before it was ready; "
                    f"last lines of {running.log_path}:\n{_tail(running.log_path)}"
                )
            try:
                running.component.ready()
                return
            except Exception as error:  # not ready yet: any failure of the check
                last_error = f"{type(error).__name__}: {error}"
            time.sleep(POLL_SECONDS)
        raise LaunchError(
            f"{running.component.name} was not ready within "
            f"{self.config.startup_timeout_seconds:.0f}s (last check: {last_error}); "
            f"last lines of {running.log_path}:\n{_tail(running.log_path)}"
        )

    def stop(self) -> None:
        while self._running:
            running = self._running.pop()
            self._announce(f"stopping {running.component.name} ...")
            stop_process(running.process)
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def _find(self, name: str) -> Running:
        for running in self._running:
            if running.component.name.split()[0] == name:
                return running
        raise LaunchError(f"no running component {name!r}; running: {list(self.pids())}")

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Kill one component (a failure drill); it stays down until :meth:`restart`."""
        running = self._find(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.process.pid, sig)
        running.process.wait(STOP_TIMEOUT_SECONDS)

    def restart(self, name: str) -> None:
        """Start a component again, with the same command and data directory."""
        running = self._find(name)
        stop_process(running.process)
        position = self._running.index(running)
        self._running.remove(running)
        self._start_one(running.component)
        self._running.insert(position, self._running.pop())  # keep the stop order

    def pids(self) -> dict[str, int]:
        return {r.component.name.split()[0]: r.process.pid for r in self._running}

    def exited(self) -> list[str]:
        """Components whose process has ended while the stack was up."""
        return [r.component.name for r in self._running if r.process.poll() is not None]

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
