"""Model-written code cannot switch the sandbox off from inside (issue 20, point 1).

Every attack first disables the in-process audit hook the sandbox used to be (see
``tests/security/attacks.py``), then goes for the host: a file, the parent's environment (a
provider key), a TCP connection to a local listener, a write outside its directory. Under
bubblewrap each meets the kernel: nothing of the host is visible, writable or reachable."""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.benchmark.sandbox import Sandbox, SandboxOutcome
from tests.security import attacks
from tests.security.conftest import SECRET_NAME, run_from_secret_holding_parent

REPO_FILE = Path(__file__).resolve().parent / "planted.txt"


@pytest.fixture
def host_secret_file(tmp_path: Path) -> tuple[Path, str]:
    secret = f"host-file-secret-{secrets.token_hex(8)}"
    path = tmp_path / "secrets.env"
    path.write_text(secret)
    return path, secret


@pytest.mark.parametrize(
    "prelude", [attacks.MAIN_REASSIGN, attacks.GC_CLOSURE_CELLS], ids=["main", "gc"]
)
async def test_disabling_the_audit_hook_does_not_open_host_files(
    sandbox: Sandbox, host_secret_file: tuple[Path, str], prelude: str
) -> None:
    path, secret = host_secret_file
    result = await sandbox.run(prelude + attacks.read_host_file(str(path)), ["pass"])
    print(f"outcome={result.outcome.value} detail={result.detail!r}")
    assert secret not in result.detail
    assert result.outcome == SandboxOutcome.FAILED and "FileNotFoundError" in result.detail


@pytest.mark.parametrize(
    "prelude", [attacks.MAIN_REASSIGN, attacks.GC_CLOSURE_CELLS], ids=["main", "gc"]
)
def test_the_parents_environment_is_out_of_reach(prelude: str) -> None:
    secret = f"sk-fake-{secrets.token_hex(12)}"
    run = run_from_secret_holding_parent(
        prelude + attacks.steal_environ(SECRET_NAME), ["pass"], secret
    )
    print(f"outcome={run.outcome} detail={run.detail!r}")
    assert secret not in run.detail
    assert run.outcome == "failed" and "LEAK:None" in run.detail  # ran, found nothing


@pytest.fixture
async def listener() -> AsyncIterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read(1024))
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, received
    finally:
        server.close()
        await server.wait_closed()


async def test_no_tcp_connection_leaves_the_sandbox(
    sandbox: Sandbox, listener: tuple[int, list[bytes]]
) -> None:
    port, received = listener
    code = attacks.MAIN_REASSIGN + attacks.GC_CLOSURE_CELLS
    result = await sandbox.run(code + attacks.connect_and_send(port, "stolen-key"), ["pass"])
    await asyncio.sleep(0)  # let the server's callback run if a connection had arrived
    print(f"outcome={result.outcome.value} detail={result.detail!r} received={received}")
    assert received == []
    assert result.outcome == SandboxOutcome.FAILED and "ConnectionRefusedError" in result.detail


async def test_a_write_outside_its_directory_leaves_nothing_on_the_host(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    target = tmp_path / "escaped" / "planted.txt"
    code = attacks.MAIN_REASSIGN + attacks.GC_CLOSURE_CELLS + attacks.write_file(str(target))
    result = await sandbox.run(code, ["pass"])
    print(f"outcome={result.outcome.value} detail={result.detail!r}")
    assert not target.exists()
    result = await sandbox.run(attacks.write_file(str(REPO_FILE)), ["pass"])
    print(f"outcome={result.outcome.value} detail={result.detail!r}")
    assert not REPO_FILE.exists(), "wrote into the repository"
    if not REPO_FILE.is_relative_to(tempfile.gettempdir()):
        # a checkout under /tmp sits where the sandbox has a private tmpfs: the write lands
        # there and vanishes with it (checked above); anywhere else the path is read-only
        assert result.outcome == SandboxOutcome.FAILED


async def test_the_code_runs_unprivileged_in_namespaces_of_its_own(sandbox: Sandbox) -> None:
    code = "import os\nuid, pid = os.getuid(), os.getpid()\nhost = os.uname().nodename\n"
    tests = ["assert uid == 65534", "assert pid < 10", "assert host == 'sandbox'"]
    result = await sandbox.run(code, tests)
    print(f"outcome={result.outcome.value} detail={result.detail!r}")
    assert result.outcome == SandboxOutcome.PASSED, result.detail
