"""Prometheus metrics shared by every service, and the ``/metrics`` endpoint of the gRPC ones."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)

GRPC_REQUESTS = Counter(
    "masterx_grpc_requests_total",
    "gRPC calls handled, by service, method and status code.",
    ["service", "method", "code"],
)
GRPC_LATENCY = Histogram(
    "masterx_grpc_request_duration_seconds",
    "Time to handle one gRPC call (to the last message for streams).",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)


def serve_metrics(host: str, port: int) -> None:
    """Serve the default registry on http://host:port/metrics from a daemon thread."""
    start_http_server(port, addr=host)
