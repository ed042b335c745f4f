#!/usr/bin/env python3
"""Container health check of one MasterX component, for Docker's ``HEALTHCHECK``.

    masterx-healthcheck grpc router      grpc.health.v1 Check on MASTERX_ROUTER_GRPC_PORT
    masterx-healthcheck http gateway     GET /readyz on MASTERX_GATEWAY_PORT
    masterx-healthcheck http simulator   GET /healthz on MASTERX_SIMULATOR_PORT

Exit status 0 when the component answers SERVING / 2xx within two seconds, 1 otherwise.
The port comes from the same variable the component reads, with the same default.
Kubernetes does not use this: its probes are declared in the manifests.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 2.0
GRPC_PORTS = {"router": 50051, "health": 50052, "benchmark": 50053}
HTTP_CHECKS = {
    "gateway": ("MASTERX_GATEWAY_PORT", 8001, "/readyz"),
    "simulator": ("MASTERX_SIMULATOR_PORT", 8090, "/healthz"),
}


def grpc_serving(component: str) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    port = os.environ.get(f"MASTERX_{component.upper()}_GRPC_PORT", str(GRPC_PORTS[component]))
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT_SECONDS
            )
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def http_ok(component: str) -> bool:
    variable, default, path = HTTP_CHECKS[component]
    url = f"http://127.0.0.1:{os.environ.get(variable, str(default))}{path}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as reply:
            return 200 <= int(reply.status) < 300
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 2 or (argv[0], argv[1]) not in (
        *(("grpc", name) for name in GRPC_PORTS),
        *(("http", name) for name in HTTP_CHECKS),
    ):
        print(__doc__, file=sys.stderr)
        return 2
    kind, component = argv
    healthy = grpc_serving(component) if kind == "grpc" else http_ok(component)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
