"""``python -m tooling.stack run|up|down|status``: the local stack, in the foreground or not.

``run`` starts everything and stops it on Ctrl-C. ``up`` starts ``run`` in the background and
returns once every component is ready; ``down`` stops it and leaves no process behind.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tooling.stack.config import StackConfig
from tooling.stack.launcher import LaunchError, Stack

STATE_DIR = Path(os.environ.get("MASTERX_STACK_DIR") or ".stack")  # empty: the default
PID_FILE = STATE_DIR / "supervisor.pid"
READY_FILE = STATE_DIR / "ready.json"
SUPERVISOR_LOG = STATE_DIR / "logs" / "stack.log"


def _say(message: str) -> None:
    print(f"[masterx] {message}", flush=True)


def _banner(stack: Stack) -> None:
    url = stack.gateway_url
    _say(f"gateway ready at {url}")
    _say(
        "try: curl -s " + url + "/api/v1/chat -H 'content-type: application/json' "
        '-d \'{"user_id":"u1","message":"Explain merge sort"}\''
    )


def _refuse(problems: str) -> int:
    """Bad configuration: every problem on stderr, exit code 2, nothing started."""
    lines = "\n".join("  " + line for line in problems.splitlines())
    print(f"[masterx] invalid configuration:\n{lines}", file=sys.stderr, flush=True)
    return 2


def _prepare_state_dir() -> str | None:
    """Create ``MASTERX_STACK_DIR``; why it cannot be used, or None."""
    shown = f"MASTERX_STACK_DIR={str(STATE_DIR)!r}"
    if STATE_DIR.exists() and not STATE_DIR.is_dir():
        return f"{shown} is not a directory"
    try:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"{shown}: cannot create it ({error.strerror or error})"
    return None


def run(foreground: bool, config: StackConfig) -> int:
    stack = Stack(config, announce=_say)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    try:
        stack.start()
    except LaunchError as error:
        _say(f"could not start the stack: {error}")
        return 1
    READY_FILE.write_text(json.dumps({"gateway_url": stack.gateway_url, "pids": stack.pids()}))
    _banner(stack)
    if foreground:
        _say("press Ctrl-C to stop")
    code = 0
    try:
        while not stopping.wait(0.5):
            if exited := stack.exited():
                _say(
                    f"{', '.join(exited)} exited unexpectedly; stopping the stack "
                    f"(logs in {config.state_dir / 'logs'})"
                )
                code = 1
                break
    finally:
        READY_FILE.unlink(missing_ok=True)
        stack.stop()
        _say("stopped")
    return code


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def up(timeout: float) -> int:
    if PID_FILE.exists() and _alive(int(PID_FILE.read_text())):
        _say(f"already up (supervisor pid {PID_FILE.read_text().strip()}); `make down` first")
        return 1
    SUPERVISOR_LOG.parent.mkdir(parents=True, exist_ok=True)
    READY_FILE.unlink(missing_ok=True)
    with open(SUPERVISOR_LOG, "wb") as log:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "tooling.stack", "run", "--background"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    PID_FILE.write_text(str(supervisor.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY_FILE.exists():
            ready = json.loads(READY_FILE.read_text())
            _say(f"stack up (supervisor pid {supervisor.pid}); logs in {STATE_DIR / 'logs'}")
            _say(f"gateway: {ready['gateway_url']}")
            return 0
        if supervisor.poll() is not None:
            PID_FILE.unlink(missing_ok=True)
            _say(f"the stack failed to start:\n{SUPERVISOR_LOG.read_text(errors='replace')}")
            return 1
        time.sleep(0.2)
    _say(f"the stack was not ready within {timeout:.0f}s; stopping it")
    down(timeout=30)
    return 1


def down(timeout: float) -> int:
    if not PID_FILE.exists():
        _say("not up")
        return 0
    pid = int(PID_FILE.read_text())
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            _say(f"supervisor {pid} did not stop in {timeout:.0f}s; killing its process group")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    # The supervisor reaps itself when it is our child; otherwise it is gone already.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    PID_FILE.unlink(missing_ok=True)
    _say("stack down")
    return 0


def status() -> int:
    """What ``up`` recorded, each component's process checked alive: 0 when every one is,
    3 when the stack is not up or a component has died (named)."""
    if not READY_FILE.exists():
        _say("not up")
        return 3
    try:
        ready = json.loads(READY_FILE.read_text())
        pids = {str(name): int(pid) for name, pid in ready["pids"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        _say(f"{READY_FILE} is not what `up` writes: run `make down`, then `make up`")
        return 3
    print(json.dumps(ready))
    dead = [name for name, pid in pids.items() if not _alive(pid)]
    if dead:
        _say(f"not running: {', '.join(dead)} (see {STATE_DIR / 'logs'}); `make down` cleans up")
        return 3
    _say(f"{len(pids)} components running; gateway at {ready.get('gateway_url', '?')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="masterx-stack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start everything; Ctrl-C stops it")
    run_parser.add_argument("--background", action="store_true", help=argparse.SUPPRESS)
    up_parser = commands.add_parser("up", help="start in the background, return when ready")
    up_parser.add_argument("--timeout", type=float, default=180.0)
    down_parser = commands.add_parser("down", help="stop what `up` started")
    down_parser.add_argument("--timeout", type=float, default=60.0)
    commands.add_parser("status", help="print the running stack's addresses and pids")
    args = parser.parse_args(argv)
    if problem := _prepare_state_dir():
        return _refuse(problem)
    if args.command in ("run", "up"):
        try:  # up checks too, so that the error is printed here, not in the supervisor's log
            config = StackConfig.from_environ(state_dir=STATE_DIR)
        except ValueError as error:
            return _refuse(str(error))
        if args.command == "run":
            return run(not args.background, config)
        return up(args.timeout)
    if args.command == "down":
        return down(args.timeout)
    return status()


if __name__ == "__main__":
    sys.exit(main())
