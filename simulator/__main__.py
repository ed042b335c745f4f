"""Run the provider simulator: ``python -m simulator`` (port from MASTERX_SIMULATOR_PORT)."""

from __future__ import annotations

import os

import uvicorn

from masterx.logs import configure_logging
from simulator.app import create_app


def main() -> None:
    configure_logging("simulator", os.environ.get("MASTERX_LOG_LEVEL", "INFO"))
    host = os.environ.get("MASTERX_BIND_HOST", "127.0.0.1")
    port = int(os.environ.get("MASTERX_SIMULATOR_PORT", "8090"))
    uvicorn.run(create_app(), host=host, port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
