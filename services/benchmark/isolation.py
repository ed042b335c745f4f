"""The kernel-enforced isolation each piece of model-written code runs in: bubblewrap.

``bwrap`` (Debian's ``bubblewrap``, installed by ``scripts/install-prereqs.sh`` and by the
benchmark image's ``Dockerfile`` stage) starts the sandbox runner in new user, PID, network,
IPC, mount, UTS and cgroup namespaces (``--unshare-all --unshare-user``) as uid/gid 65534 with
no capabilities, in a new session (no terminal to inject into), killed with its parent. Its
file system is built from nothing: ``/usr`` and the Python installation read-only, the runner
script read-only at ``/sandbox/runner.py``, a fresh ``/proc`` of its own PID namespace (no
other process is visible), a minimal ``/dev``, and a private size-capped tmpfs at ``/tmp``,
its working directory and the only writable place (the root is remounted read-only). The
repository, the virtual environment, ``/etc``, the host's ``/proc`` and every secret stay
outside. The environment is cleared (``--clearenv``). The network
namespace has only its own loopback: no connection leaves it. Nested user namespaces are
refused (``--disable-userns``) and a seccomp filter (:mod:`services.benchmark.process_filter`)
refuses new processes.

Where the kernel refuses namespaces (some container runtimes), :func:`probe` says why; the
sandbox then reports code tests as not gradable and never runs them unsandboxed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.benchmark.process_filter import no_new_processes

SANDBOX_UID = 65534  # "nobody" inside the user namespace
RUNNER_PATH = "/sandbox/runner.py"
WORKDIR = "/tmp"
PROBE_SECONDS = 20.0


def _python_install() -> tuple[str, str]:
    """The real interpreter and the installation prefix holding its standard library."""
    executable = os.path.realpath(sys.executable)
    return executable, os.path.realpath(sys.base_prefix)


@dataclass(frozen=True)
class Isolation:
    """How to start a command inside bubblewrap; ``bwrap`` may be replaced in tests."""

    bwrap: str = field(default_factory=lambda: shutil.which("bwrap") or "bwrap")
    tmp_bytes: int = 16 * 1024 * 1024

    def command(
        self,
        runner: Path,
        status_fd: int,
        seccomp_fd: int | None,
        probe: bool = False,
    ) -> list[str]:
        """The argv running the runner (or, for ``probe``, an empty program) sandboxed.

        ``status_fd``: where bwrap writes its JSON status (``child-pid`` once the namespaces
        are set up); ``seccomp_fd``: a pipe holding the filter program, or None."""
        python, prefix = _python_install()
        argv = [
            self.bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--uid",
            str(SANDBOX_UID),
            "--gid",
            str(SANDBOX_UID),
            "--cap-drop",
            "ALL",
            "--hostname",
            "sandbox",
            "--clearenv",
            "--ro-bind",
            "/usr",
            "/usr",
            *_lib_links(),
            *([] if _under(prefix, "/usr") else ["--ro-bind", prefix, prefix]),
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            str(self.tmp_bytes),
            "--tmpfs",
            WORKDIR,
            *([] if probe else ["--ro-bind", str(runner), RUNNER_PATH]),
            "--remount-ro",
            "/",
            "--chdir",
            WORKDIR,
            "--json-status-fd",
            str(status_fd),
        ]
        if seccomp_fd is not None:
            argv += ["--seccomp", str(seccomp_fd)]
        if probe:
            return [*argv, python, "-I", "-S", "-B", "-c", "pass"]
        return [*argv, python, "-I", "-S", "-B", RUNNER_PATH]


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _lib_links() -> list[str]:
    """``/lib``, ``/lib64``, ``/bin``: symbolic links into ``/usr`` (merged-usr systems) or
    read-only binds of the real directories (older layouts)."""
    args: list[str] = []
    for name in ("/lib", "/lib64", "/lib32", "/bin"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    return args


def namespaces_set_up(status: bytes) -> bool:
    """Whether bwrap's JSON status says the sandboxed process was started (it writes
    ``child-pid`` only once every namespace exists)."""
    return b'"child-pid"' in status


def read_available(fd: int) -> bytes:
    """What a pipe holds now, without waiting (the writer has exited or is about to)."""
    os.set_blocking(fd, False)
    chunks = []
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    return b"".join(chunks)


def seccomp_pipe() -> int | None:
    """A pipe's read end holding the process filter for bwrap's ``--seccomp``; None where
    this ABI has no filter. The caller closes it once bwrap has started."""
    program = no_new_processes()
    if program is None:
        return None
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, program)  # a few hundred bytes: the pipe holds them
    finally:
        os.close(write_end)
    return read_end


async def probe(isolation: Isolation) -> str | None:
    """Start an empty program in the sandbox: None when it ran, else why it could not."""
    read_end, write_end = os.pipe()
    seccomp = seccomp_pipe()
    try:
        try:
            process = await asyncio.create_subprocess_exec(
                *isolation.command(Path(os.devnull), write_end, seccomp, probe=True),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(write_end,) if seccomp is None else (write_end, seccomp),
                env={},
            )
        except OSError as error:
            return f"cannot start {isolation.bwrap}: {error.strerror or error}"
        finally:
            os.close(write_end)
            if seccomp is not None:
                os.close(seccomp)
        try:
            async with asyncio.timeout(PROBE_SECONDS):
                _, stderr = await process.communicate()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return f"the sandbox probe did not finish within {PROBE_SECONDS:g}s"
        status = read_available(read_end)
    finally:
        os.close(read_end)
    if process.returncode == 0 and namespaces_set_up(status):
        return None
    reason = stderr.decode(errors="replace").strip().splitlines()
    return reason[-1][:300] if reason else f"bwrap exited with code {process.returncode}"
