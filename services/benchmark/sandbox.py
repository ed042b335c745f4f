"""Run untrusted Python (a provider's answer) against unit tests in a sandboxed subprocess.

Each run: ``sys.executable -I -S -B`` (isolated: no environment variables read, no site
packages, no bytecode written) executing :mod:`sandbox_runner` in a fresh temporary directory,
with an empty environment (no secret can be inherited), kernel limits set before the
interpreter starts (CPU seconds, address space, file size, open files, processes, no core
dumps), a wall-clock timeout, and a cap on what it may write to its pipe. The runner's audit
hook refuses file access outside its directory, processes, sockets and ctypes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "sandbox_runner.py"
REAP_SECONDS = 5.0  # at most this long reading a killed child's leftover output
MARKER = b"@@MASTERX_SANDBOX@@ "


class SandboxOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    FORBIDDEN = "forbidden"
    OUTPUT_LIMIT = "output_limit"
    CRASHED = "crashed"
    NO_CODE = "no_code"


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
    def score(self) -> float:
        if self.outcome not in (SandboxOutcome.PASSED, SandboxOutcome.FAILED):
            return 0.0
        return self.passed / self.total if self.total else 0.0


def _limit_resources(limits: SandboxLimits) -> Callable[[], None]:
    cpu = max(1, round(limits.cpu_seconds))
    memory = limits.memory_mb * 1024 * 1024

    def apply() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # no effect for root: see the hook
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class Sandbox:
    def __init__(self, limits: SandboxLimits = SandboxLimits(), concurrency: int = 0) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(concurrency or os.cpu_count() or 1)

    async def run(
        self, solution: str, tests: Sequence[str], entry_point: str | None = None
    ) -> SandboxResult:
        async with self._slots:
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix="masterx-sandbox-") as workdir:
                outcome, passed, detail = await self._execute(
                    Path(workdir), solution, list(tests), entry_point
                )
            return SandboxResult(outcome, passed, len(tests), detail, time.monotonic() - started)

    async def _execute(
        self, workdir: Path, solution: str, tests: list[str], entry_point: str | None
    ) -> tuple[SandboxOutcome, int, str]:
        request = json.dumps(
            {
                "solution": solution,
                "tests": tests,
                "entry_point": entry_point,
                "output_limit": self.limits.output_bytes,
            }
        ).encode()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-S",
            "-B",
            str(RUNNER),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=workdir,
            env={},
            preexec_fn=_limit_resources(self.limits),
            start_new_session=True,
        )
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
        if timed_out:
            return SandboxOutcome.TIMEOUT, 0, f"wall time over {self.limits.wall_seconds:g}s"
        if overflow:
            return SandboxOutcome.OUTPUT_LIMIT, 0, f"wrote over {self.limits.output_bytes} bytes"
        return _interpret(output, process.returncode)


async def _talk(
    process: asyncio.subprocess.Process, request: bytes, cap: int
) -> tuple[bytes, bool]:
    """Send the request, read the output up to ``cap`` (plus room for the result line)."""
    assert process.stdin is not None and process.stdout is not None
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.write(request)
        await process.stdin.drain()
        process.stdin.close()
    chunks: list[bytes] = []
    size, limit = 0, cap + 16384
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


def _interpret(output: bytes, returncode: int | None) -> tuple[SandboxOutcome, int, str]:
    for line in reversed(output.splitlines()):
        if line.startswith(MARKER):
            try:
                result = json.loads(line[len(MARKER) :])
                return SandboxOutcome(result["outcome"]), int(result["passed"]), result["detail"]
            except (ValueError, KeyError, TypeError):
                break
    text = output.decode(errors="replace")
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return SandboxOutcome.TIMEOUT, 0, "CPU time limit reached"
    if "MemoryError" in text or "Cannot allocate memory" in text:
        return SandboxOutcome.MEMORY, 0, "ran out of its memory limit"
    tail = text.strip().splitlines()[-1][:200] if text.strip() else "no output"
    return SandboxOutcome.CRASHED, 0, f"exited with code {returncode} without a result: {tail}"
