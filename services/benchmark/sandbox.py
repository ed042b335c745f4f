"""Run untrusted Python (a provider's answer) against unit tests, isolated by the kernel.

Each run starts :mod:`sandbox_runner` inside bubblewrap (:mod:`services.benchmark.isolation`:
own user, PID, network, IPC and mount namespaces, uid 65534, a read-only interpreter, a
private tmpfs, no network, an empty environment, no new processes), with kernel limits set
before it starts (CPU seconds, address space, file size, open files, no core dumps), a
wall-clock timeout, and a cap on what it may write to its pipe.

The verdict is the parent's: the tests are rewritten so their expected values stay here
(:mod:`services.benchmark.verdict`), the sandbox reports the values the code produced, and
``passed`` counts the tests whose values the parent found right (never more than there are).

Where the kernel refuses the namespaces (checked once by a probe, and on every run from
bwrap's status), the code is not run at all: the result is ``not_gradable``, which scoring
leaves out of quality (``services/benchmark/run_scores.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import resource
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from masterx.logs import log_event
from services.benchmark import verdict
from services.benchmark.isolation import (
    Isolation,
    namespaces_set_up,
    probe,
    read_available,
    seccomp_pipe,
)

logger = logging.getLogger("masterx.benchmark.sandbox")

RUNNER = Path(__file__).resolve().parent / "sandbox_runner.py"
REAP_SECONDS = 5.0  # at most this long reading a killed child's leftover output
MARKER = b"@@MASTERX_SANDBOX@@ "
REPORT_BYTES = 262144  # room for the report line (observed values) beyond the output cap


class SandboxOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    CRASHED = "crashed"
    NO_CODE = "no_code"
    NOT_GRADABLE = "not_gradable"  # the kernel refused the sandbox: the code did not run


@dataclass(frozen=True)
class SandboxLimits:
    cpu_seconds: float = 5.0
    memory_mb: int = 256
    wall_seconds: float = 10.0
    output_bytes: int = 65536
    file_bytes: int = 1_000_000
    open_files: int = 64


@dataclass(frozen=True)
class SandboxResult:
    outcome: SandboxOutcome
    passed: int
    total: int
    detail: str
    duration_s: float

    @property
    def gradable(self) -> bool:
        return self.outcome != SandboxOutcome.NOT_GRADABLE

    @property
    def score(self) -> float | None:
        """The share of tests passed, 0..1; None when the code could not be run at all."""
        if not self.gradable:
            return None
        counted = self.outcome in (SandboxOutcome.PASSED, SandboxOutcome.FAILED) and self.total
        return max(0, min(self.passed, self.total)) / self.total if counted else 0.0


def _limit_resources(limits: SandboxLimits) -> Callable[[], None]:
    cpu = max(1, round(limits.cpu_seconds))
    memory = limits.memory_mb * 1024 * 1024

    def apply() -> None:  # between fork and exec of bwrap; the sandbox inherits them
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class Sandbox:
    """Runs code tests, at most ``concurrency`` at once, each in its own bubblewrap sandbox."""

    def __init__(
        self,
        limits: SandboxLimits = SandboxLimits(),
        concurrency: int = 0,
        isolation: Isolation | None = None,
    ) -> None:
        self.limits = limits
        self.isolation = isolation or Isolation()
        self._slots = asyncio.Semaphore(concurrency or os.cpu_count() or 1)
        self._probe_lock = asyncio.Lock()
        self._probed = False
        self.unavailable: str | None = None  # why the kernel refused the sandbox, if it did

    async def check(self) -> str | None:
        """Probe the sandbox once (at start-up, or before the first run): None when code can
        run in it, else the reason; logged either way."""
        async with self._probe_lock:
            if not self._probed:
                self.unavailable = await probe(self.isolation)
                self._probed = True
                if self.unavailable:
                    log_event(
                        logger,
                        "sandbox_unavailable",
                        logging.ERROR,
                        reason=self.unavailable,
                        effect="code tests are reported as not gradable",
                    )
                else:
                    log_event(logger, "sandbox_ready", isolation="bubblewrap")
        return self.unavailable

    async def run(
        self, solution: str, tests: Sequence[str], entry_point: str | None = None
    ) -> SandboxResult:
        started = time.monotonic()
        if await self.check():
            return SandboxResult(
                SandboxOutcome.NOT_GRADABLE,
                0,
                len(tests),
                f"not run: the code sandbox is unavailable ({self.unavailable})",
                0.0,
            )
        prepared = [verdict.prepare(test) for test in tests]
        async with self._slots:
            outcome, passed, detail = await self._execute(solution, prepared, entry_point)
        return SandboxResult(outcome, passed, len(tests), detail, time.monotonic() - started)

    async def _execute(
        self, solution: str, tests: list[verdict.PreparedTest], entry_point: str | None
    ) -> tuple[SandboxOutcome, int, str]:
        request = json.dumps(
            {
                "solution": solution,
                "tests": [t.source for t in tests],
                "entry_point": entry_point,
                "output_limit": self.limits.output_bytes,
            }
        ).encode()
        status_read, status_write = os.pipe()
        seccomp = seccomp_pipe()
        try:
            try:
                process = await asyncio.create_subprocess_exec(
                    *self.isolation.command(RUNNER, status_write, seccomp),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                    env={},
                    pass_fds=(status_write,) if seccomp is None else (status_write, seccomp),
                    preexec_fn=_limit_resources(self.limits),
                    start_new_session=True,
                )
            except OSError as error:
                return (
                    SandboxOutcome.NOT_GRADABLE,
                    0,
                    f"not run: cannot start the sandbox ({error})",
                )
            finally:
                os.close(status_write)
                if seccomp is not None:
                    os.close(seccomp)
            output, overflow, timed_out = b"", False, False
            try:
                async with asyncio.timeout(self.limits.wall_seconds):
                    output, overflow = await _talk(process, request, self.limits.output_bytes)
                    if not overflow:
                        await process.wait()
            except TimeoutError:
                timed_out = True
            finally:
                _kill_group(process)
                await _reap(process)
            status = read_available(status_read)
        finally:
            os.close(status_read)
        if not namespaces_set_up(status):
            reason = output.decode(errors="replace").strip().splitlines()
            why = reason[-1][:300] if reason else f"bwrap exited with code {process.returncode}"
            log_event(logger, "sandbox_refused", logging.ERROR, reason=why)
            return (
                SandboxOutcome.NOT_GRADABLE,
                0,
                f"not run: the kernel refused the sandbox ({why})",
            )
        if timed_out:
            return SandboxOutcome.TIMEOUT, 0, f"wall time over {self.limits.wall_seconds:g}s"
        if overflow:
            return SandboxOutcome.OUTPUT_LIMIT, 0, f"wrote over {self.limits.output_bytes} bytes"
        return _interpret(output, process.returncode, tests)


async def _talk(
    process: asyncio.subprocess.Process, request: bytes, cap: int
) -> tuple[bytes, bool]:
    """Send the request, read the output up to ``cap`` (plus room for the report line)."""
    assert process.stdin is not None and process.stdout is not None
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.write(request)
        await process.stdin.drain()
        process.stdin.close()
    chunks: list[bytes] = []
    size, limit = 0, cap + REPORT_BYTES
    while True:
        chunk = await process.stdout.read(65536)
        if not chunk:
            return b"".join(chunks), False
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Wait for the killed process, reading what it left in its pipe to the end.

    On Python 3.11 ``wait()`` returns only once every pipe is closed, and a pipe whose reader
    has paused (output the sandbox stopped reading after the cap, piled up while the loop was
    busy) never sees its end: the wait would hang. Reading to the end resumes the pipe. The
    reading is bounded: by then the child's exit is known, and ``wait()`` returns at once."""
    if process.stdout is not None:
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            async with asyncio.timeout(REAP_SECONDS):
                while await process.stdout.read(65536):
                    pass
    await process.wait()


def _kill_group(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _interpret(
    output: bytes, returncode: int | None, tests: list[verdict.PreparedTest]
) -> tuple[SandboxOutcome, int, str]:
    """The outcome from the sandbox's last report line, each test judged by the parent."""
    report = next(
        (
            verdict.parse_report(line[len(MARKER) :])
            for line in reversed(output.splitlines())
            if line.startswith(MARKER)
        ),
        None,
    )
    if report is not None:
        stage, detail = report.get("stage"), str(report.get("detail", ""))[:1200]
        if stage in ("solution_error", "no_entry"):
            return SandboxOutcome.FAILED, 0, detail
        reported = report.get("tests")
        reported = reported if isinstance(reported, list) else []
        verdicts = [
            verdict.judge(test, reported[i] if i < len(reported) else None)
            for i, test in enumerate(tests)
        ]
        passed = sum(1 for v in verdicts if v.passed)
        failures = "; ".join([v.detail for v in verdicts if not v.passed][:5])
        if stage == "memory":
            return SandboxOutcome.MEMORY, passed, detail
        if stage == "output_limit":
            return SandboxOutcome.OUTPUT_LIMIT, passed, detail
        if stage == "done":
            outcome = SandboxOutcome.PASSED if passed == len(tests) else SandboxOutcome.FAILED
            return outcome, passed, failures
    text = output.decode(errors="replace")
    # bwrap exits with 128 + the signal that ended the code; a killed bwrap with -signal.
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL, 128 + signal.SIGXCPU, 128 + signal.SIGKILL):
        return SandboxOutcome.TIMEOUT, 0, "CPU time limit reached"
    if "MemoryError" in text or "Cannot allocate memory" in text:
        return SandboxOutcome.MEMORY, 0, "ran out of its memory limit"
    tail = text.strip().splitlines()[-1][:200] if text.strip() else "no output"
    return SandboxOutcome.CRASHED, 0, f"exited with code {returncode} without a result: {tail}"
