"""The child side of the code sandbox: a standalone script (standard library only).

Started by :mod:`services.benchmark.sandbox` as ``python -I -S -B /sandbox/runner.py`` inside
bubblewrap (:mod:`services.benchmark.isolation`): its own namespaces, uid 65534, a read-only
view of the interpreter, a private tmpfs as its working directory, no network, an empty
environment, kernel resource limits. The kernel is the boundary; nothing in this script
confines the code, and nothing it writes is trusted as a verdict.

It reads ``{"solution", "tests", "entry_point", "output_limit"}`` as JSON from stdin (each test
already rewritten by :mod:`services.benchmark.verdict`: asserts replaced by ``__observe__``
calls), runs the solution, then each test in a copy of its namespace, and writes one report
line (``@@MASTERX_SANDBOX@@ {json}``) to its original stdout: per test, the exception that
ended it, if any, and the observed values as plain tagged data. The parent judges them. The
solution's own output goes to a bounded buffer, never to the pipe.
"""

from __future__ import annotations

import builtins
import io
import json
import math
import os
import resource
import signal
import sys
from typing import Any

MARKER = "@@MASTERX_SANDBOX@@ "
DETAIL_CHARS = 300
MAX_DEPTH = 32
MAX_ITEMS = 10_000
BIG_INT = 10**4000  # JSON's decimal ints stop at 4300 digits (sys.int_info): larger go as hex


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


def encode(value: Any, depth: int = 0) -> list[Any]:
    """A value as tagged plain data (``services.benchmark.verdict.decode`` reads it back);
    anything else becomes ``["opaque", type name]``, which equals nothing."""
    if depth > MAX_DEPTH:
        return ["opaque", "too deep"]
    if value is None:
        return ["none"]
    if isinstance(value, bool):
        return ["bool", bool(value)]
    if isinstance(value, int):
        whole = int(value)
        return ["int", whole] if -BIG_INT < whole < BIG_INT else ["bigint", hex(whole)]
    if isinstance(value, float):
        number = float(value)
        return ["float", number if math.isfinite(number) else repr(number)]
    if isinstance(value, str):
        return ["str", str(value)]
    if isinstance(value, bytes | bytearray):
        return ["bytes", bytes(value).hex()]
    for kind in (list, tuple, set, frozenset):
        if isinstance(value, kind) and len(value) <= MAX_ITEMS:
            return [kind.__name__, [encode(item, depth + 1) for item in value]]
    if isinstance(value, dict) and len(value) <= MAX_ITEMS:
        pairs = [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]
        return ["dict", pairs]
    return ["opaque", type(value).__name__[:80]]


def report(
    fd: int, stage: str, detail: str = "", tests: list[dict[str, Any]] | None = None
) -> None:
    line = json.dumps({"stage": stage, "detail": detail[: DETAIL_CHARS * 4], "tests": tests or []})
    os.write(fd, (MARKER + line + "\n").encode())


def _error(error: BaseException) -> str:
    message = str(error)[:120]
    return type(error).__name__ + (f": {message}" if message else "")


def main() -> None:
    request = json.loads(sys.stdin.read())
    result_fd = os.dup(1)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too large file: OSError, not death
    # No new processes (a second layer under the seccomp filter; counts for non-root hosts).
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    tripped: list[str] = []
    output = BoundedOutput(int(request.get("output_limit", 65536)), tripped)
    tests: list[str] = request["tests"]
    sys.stdout = sys.stderr = output
    namespace: dict[str, Any] = {"__name__": "solution", "__builtins__": builtins}
    try:
        exec(compile(request["solution"], "solution.py", "exec"), namespace)
    except MemoryError:
        report(result_fd, "memory", "MemoryError while loading the solution")
        return
    except OutputLimitExceeded as error:
        report(result_fd, "output_limit", str(error))
        return
    except BaseException as error:  # the solution's own failure, reported as such
        where = f" (line {error.lineno})" if isinstance(error, SyntaxError) else ""
        detail = f"the solution raised {type(error).__name__}{where}: {str(error)[:DETAIL_CHARS]}"
        report(result_fd, "solution_error", detail)
        return
    entry = request.get("entry_point")
    if entry and not callable(namespace.get(entry)):
        report(result_fd, "no_entry", f"no function named {entry!r} in the code")
        return
    results: list[dict[str, Any]] = []
    for test in tests:
        observed: list[list[Any]] = []
        scope = dict(namespace)
        scope["__observe__"] = lambda value, seen=observed: seen.append(encode(value))
        failure: str | None = None
        try:
            exec(compile(test, "test.py", "exec"), scope)
        except MemoryError:
            report(result_fd, "memory", "MemoryError in a test", results)
            return
        except BaseException as raised:  # an assertion or any error of the code under test
            failure = _error(raised)
        results.append({"error": failure, "observed": observed})
        if tripped:
            report(result_fd, "output_limit", tripped[0], results)
            return
    report(result_fd, "done", "", results)


if __name__ == "__main__":
    main()
