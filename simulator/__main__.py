"""Run the provider simulator: ``python -m simulator``.

Environment: ``MASTERX_SIMULATOR_PORT`` (8090), ``MASTERX_BIND_HOST``, ``MASTERX_LOG_LEVEL``,
``MASTERX_SIMULATOR_SEED``, ``MASTERX_SIMULATOR_PROFILES`` (a profiles file replacing the
packaged one), ``MASTERX_SIMULATOR_ANSWER_KEYS`` (benchmark answer keys, ``:``-separated).
"""

from __future__ import annotations

import os

import uvicorn

from masterx.logs import configure_logging
from simulator.app import create_app
from simulator.config import SimulatorConfig


def main() -> None:
    configure_logging("simulator", os.environ.get("MASTERX_LOG_LEVEL", "INFO"))
    host = os.environ.get("MASTERX_BIND_HOST", "127.0.0.1")
    port = int(os.environ.get("MASTERX_SIMULATOR_PORT", "8090"))
    try:
        app = create_app(SimulatorConfig.from_environment(os.environ))
    except (OSError, ValueError) as error:
        raise SystemExit(f"simulator: {error}") from None
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
