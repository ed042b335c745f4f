"""The unit-tests check: the Python code of an answer's fenced blocks, run in the sandbox."""

from __future__ import annotations

import re

from services.benchmark.sandbox import Sandbox, SandboxOutcome, SandboxResult
from services.benchmark.suite_model import UnitTestsCheck

_FENCE = re.compile(
    r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL
)
_PYTHON = {"python", "py", "python3", "py3"}


def _compiles(source: str) -> bool:
    try:
        compile(source, "block", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def extract_code(answer: str) -> str | None:
    """The fenced blocks labelled Python (else the unlabelled ones) that compile, joined;
    None when the answer has no such block."""
    blocks = [(label.lower(), body) for _, label, body in _FENCE.findall(answer)]
    chosen = [body for label, body in blocks if label in _PYTHON]
    if not chosen:
        chosen = [body for label, body in blocks if not label]
    usable = [body for body in chosen if _compiles(body)]
    if not usable:
        return None
    return "\n\n".join(usable)


async def unit_tests(check: UnitTestsCheck, answer: str, sandbox: Sandbox) -> SandboxResult:
    code = extract_code(answer)
    if code is None:
        return SandboxResult(
            SandboxOutcome.NO_CODE,
            0,
            len(check.tests),
            "no fenced Python code block that compiles",
            0.0,
        )
    return await sandbox.run(code, check.tests, check.entry_point)
