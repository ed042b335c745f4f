"""Run the provider simulator: ``python -m simulator``.

Environment: ``MASTERX_SIMULATOR_PORT`` (8090), ``MASTERX_BIND_HOST``, ``MASTERX_LOG_LEVEL``,
``MASTERX_SIMULATOR_SEED``, ``MASTERX_SIMULATOR_PROFILES`` (a profiles file replacing the
packaged one), ``MASTERX_SIMULATOR_ANSWER_KEYS`` (benchmark answer keys, ``:``-separated).

Bad settings end the process before it serves anything, as the services do: exit code 2 and
``invalid configuration:`` with one line per bad variable. A bad profiles or answer-key file
ends it with exit code 1 and a message naming the file and the field.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import uvicorn

from masterx.logs import configure_logging, log_level_problem
from masterx.ports import parse_port
from simulator.app import create_app
from simulator.config import SimulatorConfig

DEFAULT_PORT = 8090


def _port(environ: Mapping[str, str], problems: list[str]) -> int:
    """``MASTERX_SIMULATOR_PORT``: unset or empty is the default; else a TCP port number."""
    raw = environ.get("MASTERX_SIMULATOR_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        return parse_port(raw)
    except ValueError:
        problems.append(f"MASTERX_SIMULATOR_PORT: must be an integer in 1..65535 (got {raw!r})")
        return DEFAULT_PORT


def read_settings(environ: Mapping[str, str]) -> tuple[str, int, SimulatorConfig]:
    """The log level, the port and the rest; a ValueError naming every bad variable."""
    problems: list[str] = []
    level = environ.get("MASTERX_LOG_LEVEL", "INFO")
    problem = log_level_problem(level)
    if problem is not None:
        problems.append(f"MASTERX_LOG_LEVEL: {problem}")
    port = _port(environ, problems)
    config = SimulatorConfig()
    try:
        config = SimulatorConfig.from_environment(environ)
    except ValueError as error:
        problems.append(str(error))
    if problems:
        raise ValueError("\n".join(["invalid configuration:", *("  " + p for p in problems)]))
    return level, port, config


def main() -> None:
    try:
        level, port, config = read_settings(os.environ)
    except ValueError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging("simulator", level)
    host = os.environ.get("MASTERX_BIND_HOST", "127.0.0.1")
    try:
        app = create_app(config)
    except (OSError, ValueError) as error:
        raise SystemExit(f"simulator: {error}") from None
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
