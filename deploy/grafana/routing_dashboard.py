"""The routing overview dashboard."""

from __future__ import annotations

from panel_model import (
    NOT_API,
    RATE,
    Dashboard,
    Panel,
    q,
    quantiles,
)

ROUTING = Dashboard(
    "masterx-routing",
    "MasterX / Routing overview",
    "Chat traffic through the router: which provider and category, why, fallbacks, latency.",
    (
        Panel(
            "Chat requests per second",
            "stat",
            (q(f"sum(rate(masterx_route_decisions_total[{RATE}]))"),),
            "Chats answered by a provider, all routers.",
            unit="reqps",
            width=6,
            height=4,
        ),
        Panel(
            "Gateway error ratio (5xx)",
            "stat",
            (
                q(
                    f"""(sum(rate(masterx_http_requests_total{{{NOT_API},status=~"5.."}}[{RATE}]))
                    or vector(0))
                    / sum(rate(masterx_http_requests_total{{{NOT_API}}}[{RATE}]))"""
                ),
            ),
            "Share of API answers that were 5xx (alert MasterxHighErrorRatio: over 5 % for 5 min).",
            unit="percentunit",
            width=6,
            height=4,
        ),
        Panel(
            "Fallback share",
            "stat",
            (
                q(
                    f"""(sum(rate(masterx_fallbacks_total[{RATE}])) or vector(0))
                    / sum(rate(masterx_route_decisions_total[{RATE}]))"""
                ),
            ),
            "Share of chats served by a provider other than the first choice.",
            unit="percentunit",
            width=6,
            height=4,
        ),
        Panel(
            "Router overhead p99",
            "stat",
            (
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_router_overhead_seconds_bucket[{RATE}])))"
                ),
            ),
            "Router time outside the provider call (budget: 50 ms, alert "
            "MasterxRouterOverheadOverBudget).",
            unit="s",
            width=6,
            height=4,
        ),
        Panel(
            "Requests by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider) (rate(masterx_route_decisions_total[{RATE}]))",
                    "{{provider}}",
                ),
            ),
            "Chats per second by the provider that answered.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Requests by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_route_decisions_total[{RATE}]))",
                    "{{category}}",
                ),
            ),
            "Chats per second by detected category.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Routing decisions by reason",
            "timeseries",
            (q(f"sum by (reason) (rate(masterx_route_decisions_total[{RATE}]))", "{{reason}}"),),
            "Why each provider was chosen: best_benchmark, session_continuity, emotion_empathy, "
            "pinned, default, fallback, last_resort.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Fallbacks and failed requests by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_fallbacks_total[{RATE}]))",
                    "fallback {{category}}",
                ),
                q(
                    f"sum by (category) (rate(masterx_requests_failed_total[{RATE}]))",
                    "every provider failed {{category}}",
                ),
            ),
            "Fallbacks: served by another provider than the first choice. Failed: no provider "
            "could answer (the caller got a 503).",
            unit="reqps",
        ),
        Panel(
            "Request latency (router, provider time included)",
            "timeseries",
            quantiles("masterx_request_duration_seconds"),
            "p50 / p95 / p99 of the router's time per chat.",
            unit="s",
        ),
        Panel(
            "Router overhead vs provider time",
            "timeseries",
            (
                q(
                    "histogram_quantile(0.5, sum by (le) "
                    f"(rate(masterx_router_overhead_seconds_bucket[{RATE}])))",
                    "router overhead p50",
                ),
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_router_overhead_seconds_bucket[{RATE}])))",
                    "router overhead p99",
                ),
                q(
                    "histogram_quantile(0.5, sum by (le) "
                    f"(rate(masterx_provider_duration_seconds_bucket[{RATE}])))",
                    "provider p50",
                ),
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_provider_duration_seconds_bucket[{RATE}])))",
                    "provider p99",
                ),
            ),
            "What the router adds (detection, session read, selection) next to the time spent "
            "waiting for providers. Log scale.",
            unit="s",
            log_scale=True,
        ),
        Panel(
            "Latency p95 by provider",
            "timeseries",
            (
                q(
                    "histogram_quantile(0.95, sum by (le, provider) "
                    f"(rate(masterx_request_duration_seconds_bucket[{RATE}])))",
                    "{{provider}}",
                ),
            ),
            "p95 of the router's time per chat, by the provider that answered.",
            unit="s",
        ),
        Panel(
            "Gateway API requests by route and status",
            "timeseries",
            (
                q(
                    "sum by (route, status) "
                    f"(rate(masterx_http_requests_total{{{NOT_API}}}[{RATE}]))",
                    "{{route}} {{status}}",
                ),
            ),
            "HTTP answers of the gateway (probes and /metrics left out).",
            unit="reqps",
        ),
        Panel(
            "Gateway latency p99 by route",
            "timeseries",
            (
                q(
                    "histogram_quantile(0.99, sum by (le, route) "
                    f"(rate(masterx_http_request_duration_seconds_bucket{{{NOT_API}}}[{RATE}])))",
                    "{{route}}",
                ),
            ),
            "From request to the end of the response body, in the gateway.",
            unit="s",
        ),
        Panel(
            "gRPC calls by service, method and code",
            "timeseries",
            (
                q(
                    f"sum by (service, method, code) (rate(masterx_grpc_requests_total[{RATE}]))",
                    "{{service}} {{method}} {{code}}",
                ),
            ),
            "Calls handled by the router, health and benchmark services.",
            unit="reqps",
        ),
    ),
)
