"""A component outlives nobody: killing its starter outright (SIGKILL) ends it too."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from tooling.stack.parent_death import tied_to_parent

STARTER = """
import subprocess, sys, time
from tooling.stack.parent_death import tied_to_parent
child = subprocess.Popen(tied_to_parent(["sleep", "300"]), start_new_session=True)
print(child.pid, flush=True)
time.sleep(300)
"""

needs_setpriv = pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("setpriv") is None,
    reason="setpriv (util-linux) is Linux only",
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@needs_setpriv
def test_a_component_dies_when_its_starter_is_killed() -> None:
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER], stdout=subprocess.PIPE, env=os.environ.copy()
    )
    assert starter.stdout is not None
    child = int(starter.stdout.readline())
    try:
        assert _alive(child)
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the component outlived the process that started it"
    finally:
        starter.stdout.close()
        if _alive(child):
            os.kill(child, signal.SIGKILL)


@needs_setpriv
def test_the_command_runs_under_setpriv_from_the_main_thread_only() -> None:
    tied = tied_to_parent(["sleep", "1"])
    assert tied[-3:] == ["--", "sleep", "1"] and tied[0].endswith("setpriv")
    from_worker: list[list[str]] = []
    worker = threading.Thread(target=lambda: from_worker.append(tied_to_parent(["sleep", "1"])))
    worker.start()
    worker.join()
    assert from_worker == [["sleep", "1"]]


def test_a_missing_command_is_left_for_popen_to_report() -> None:
    assert tied_to_parent(["no-such-binary-masterx"]) == ["no-such-binary-masterx"]
    with pytest.raises(FileNotFoundError):
        subprocess.Popen(tied_to_parent(["no-such-binary-masterx"]))
