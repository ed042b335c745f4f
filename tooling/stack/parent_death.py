"""Components die with whoever started them, even when that process is killed outright.

A test run or a benchmark stopped with SIGKILL never runs its clean-up: without this, Redis,
FerretDB, the simulator and the services it started would keep running and hold their ports.
``setpriv --pdeathsig TERM`` (util-linux) asks the kernel to send SIGTERM to the component
when its parent goes; the command then replaces ``setpriv`` (same pid, same process group).

The kernel sends the signal when the *thread* that started the child ends, so only children
started from the main thread are tied; a component restarted from a worker thread (the drills
restart Redis and MongoDB that way) is stopped by the stack as before.
"""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Sequence

PDEATHSIG = "TERM"


def tied_to_parent(argv: Sequence[str]) -> list[str]:
    """``argv`` run under ``setpriv --pdeathsig TERM`` when that applies; else unchanged.

    Unchanged too when the command is not found, so that starting it still fails with the
    usual ``FileNotFoundError`` (and the launcher's message naming it).
    """
    command = list(argv)
    if (
        sys.platform != "linux"
        or threading.current_thread() is not threading.main_thread()
        or shutil.which(command[0]) is None
    ):
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return command
    return [setpriv, f"--pdeathsig={PDEATHSIG}", "--", *command]
