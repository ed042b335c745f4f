"""The child side of the code sandbox: a standalone script (standard library only).

Started as ``python -I -S -B sandbox_runner.py`` in a fresh temporary directory with an empty
environment and resource limits already set by the parent. It reads ``{"solution", "tests",
"entry_point", "output_limit"}`` as JSON from stdin, installs an audit hook, runs the solution
and then each test snippet in a copy of its namespace, and writes one result line
(``@@MASTERX_SANDBOX@@ {json}``) to its original stdout. The solution's own output goes to a
bounded buffer, never to the pipe.

The audit hook (PEP 578) refuses, with outcome ``forbidden``: opening a file outside the
temporary directory for writing, reading files outside it and the standard library (so
``/proc/<parent>/environ`` and the project's files are out of reach), changing files outside
it, starting processes, signalling processes, sockets, ctypes, raising resource limits, and
importing the modules that reach around those (``_posixsubprocess``, ``_ctypes`` ...). Audit
hooks guard against mistakes and casual escapes of generated code, not a determined attacker;
the resource limits (CPU, memory, file size, processes) are enforced by the kernel.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import signal
import sys
from typing import Any

MARKER = "@@MASTERX_SANDBOX@@ "
DETAIL_CHARS = 300

DENIED_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "signal.pthread_kill",
        "os.startfile",
        "pty.spawn",
        "resource.setrlimit",
        "resource.prlimit",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "webbrowser.open",
        "os.chroot",
        "sys.remote_exec",
    }
)
DENIED_PREFIXES = ("socket.", "ctypes.", "_ctypes.")
DENIED_MODULES = frozenset(
    {
        "_posixsubprocess",
        "subprocess",
        "_ctypes",
        "ctypes",
        "_socket",
        "socket",
        "_ssl",
        "ssl",
        "multiprocessing",
        "_multiprocessing",
        "_posixshmem",
        "pty",
        "resource",
        "concurrent",
        "asyncio",
    }
)
# event -> positions of the path arguments that must lie inside the sandbox directory.
WRITE_PATH_EVENTS: dict[str, tuple[int, ...]] = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.link": (0, 1),
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "os.chdir": (0,),
    "os.chflags": (0,),
    "os.lchflags": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.copyfile": (1,),
    "shutil.copytree": (1,),
    "shutil.move": (0, 1),
    "shutil.rmtree": (0,),
    "shutil.chown": (0,),
    "shutil.make_archive": (0,),
}
READ_PATH_EVENTS: dict[str, tuple[int, ...]] = {
    "os.listdir": (0,),
    "os.scandir": (0,),
    "glob.glob": (0,),
    "glob.glob/2": (0,),
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class OutputLimitExceeded(Exception):
    pass


class BoundedOutput(io.StringIO):
    """Where the solution's prints go: refuses more than ``limit`` characters."""

    def __init__(self, limit: int, tripped: list[str]) -> None:
        super().__init__()
        self._limit = limit
        self._size = 0
        self._tripped = tripped

    def write(self, text: str) -> int:
        self._size += len(text)
        if self._size > self._limit:
            self._tripped.append(f"printed more than {self._limit} characters")
            raise OutputLimitExceeded(self._tripped[-1])
        return super().write(text)


def report(fd: int, outcome: str, detail: str, passed: int = 0, total: int = 0) -> None:
    line = json.dumps(
        {"outcome": outcome, "detail": detail[: DETAIL_CHARS * 4], "passed": passed, "total": total}
    )
    os.write(fd, (MARKER + line + "\n").encode())


def _inside(path: Any, roots: tuple[str, ...]) -> bool:
    if isinstance(path, int) or path is None:
        return True  # an already open descriptor, or "the current directory" default
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return any(real == root or real.startswith(root + os.sep) for root in roots)


def install_guard(result_fd: int, workdir: str) -> None:
    readable = (workdir, *{os.path.realpath(p) for p in sys.path if p})
    writable = (workdir,)

    def deny(what: str) -> None:
        report(result_fd, "forbidden", what[:DETAIL_CHARS])
        os._exit(0)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
                (flags or 0) & WRITE_FLAGS
            )
            if not _inside(path, writable if writing else readable):
                deny(
                    f"open {path!r} for {'writing' if writing else 'reading'}: outside "
                    "the sandbox directory"
                )
        elif event in DENIED_EVENTS or event.startswith(DENIED_PREFIXES):
            deny(f"{event}: not allowed in the sandbox")
        elif event == "import":
            if str(args[0]).split(".")[0] in DENIED_MODULES:
                deny(f"import {args[0]}: not allowed in the sandbox")
        elif event in WRITE_PATH_EVENTS or event in READ_PATH_EVENTS:
            writing = event in WRITE_PATH_EVENTS
            positions = WRITE_PATH_EVENTS.get(event) or READ_PATH_EVENTS[event]
            for position in positions:
                if position < len(args) and not _inside(
                    args[position], writable if writing else readable
                ):
                    deny(f"{event} {args[position]!r}: outside the sandbox directory")

    sys.addaudithook(hook)


def _failure(test: str, error: BaseException) -> str:
    first = test.strip().splitlines()[0] if test.strip() else "(empty)"
    message = str(error)[:120]
    return f"{first[:120]} -> {type(error).__name__}" + (f": {message}" if message else "")


def main() -> None:
    request = json.loads(sys.stdin.read())
    result_fd = os.dup(1)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too large file: OSError, not death
    tripped: list[str] = []
    output = BoundedOutput(int(request.get("output_limit", 65536)), tripped)
    tests: list[str] = request["tests"]
    install_guard(result_fd, os.path.realpath(os.getcwd()))
    sys.stdout = sys.stderr = output
    namespace: dict[str, Any] = {"__name__": "solution", "__builtins__": builtins}
    try:
        code = compile(request["solution"], "solution.py", "exec")
        exec(code, namespace)
    except MemoryError:
        report(result_fd, "memory", "MemoryError while loading the solution")
        return
    except OutputLimitExceeded as error:
        report(result_fd, "output_limit", str(error))
        return
    except BaseException as error:  # the solution's own failure, reported as such
        where = f" (line {error.lineno})" if isinstance(error, SyntaxError) else ""
        report(
            result_fd,
            "failed",
            f"the solution raised {type(error).__name__}{where}: {str(error)[:DETAIL_CHARS]}",
            0,
            len(tests),
        )
        return
    entry = request.get("entry_point")
    if entry and not callable(namespace.get(entry)):
        report(result_fd, "failed", f"no function named {entry!r} in the code", 0, len(tests))
        return
    passed, failures = 0, []
    for test in tests:
        try:
            exec(compile(test, "test.py", "exec"), dict(namespace))
            passed += 1
        except MemoryError:
            report(result_fd, "memory", "MemoryError in a test", passed, len(tests))
            return
        except BaseException as error:  # an assertion or any error of the code under test
            failures.append(_failure(test, error))
        if tripped:
            report(result_fd, "output_limit", tripped[0], passed, len(tests))
            return
    outcome = "passed" if passed == len(tests) else "failed"
    report(result_fd, outcome, "; ".join(failures[:5]), passed, len(tests))


if __name__ == "__main__":
    main()
