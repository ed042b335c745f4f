"""The MasterX Grafana dashboards, as code: ``python deploy/grafana/dashboards.py`` writes them.

Each dashboard is a list of panels, each panel a few PromQL queries over metrics the services
export; the JSON files in ``dashboards/`` (provisioned into Grafana) are generated from here,
and a test fails when they differ. Every query uses the ``datasource`` variable, so the files
also import into a Grafana whose Prometheus data source has another name.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

OUT_DIR = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"
RANGE = "$__range"
# The gateway's own endpoints, left out of "API traffic".
NOT_API = 'route!~"/healthz|/readyz|/metrics"'

PanelKind = Literal["timeseries", "stat", "state-timeline", "bargauge", "table"]


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    kind: PanelKind
    queries: tuple[Query, ...]
    description: str
    unit: str = "short"
    width: int = 12
    height: int = 8
    stacked: bool = False
    log_scale: bool = False
    decimals: int | None = None
    mappings: tuple[dict[str, Any], ...] = ()
    max_value: float | None = None


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)


def q(expr: str, legend: str = "", instant: bool = False) -> Query:
    return Query(" ".join(expr.split()), legend, instant)


def quantiles(metric: str, by: str = "", what: str = "") -> tuple[Query, ...]:
    group = f"le, {by}" if by else "le"
    return tuple(
        q(
            f"histogram_quantile({p}, sum by ({group}) (rate({metric}_bucket[{RATE}])))",
            f"{what}p{int(p * 100)}" + (f" {{{{{by}}}}}" if by else ""),
        )
        for p in (0.5, 0.95, 0.99)
    )


BREAKER_STATES = (
    {
        "type": "value",
        "options": {
            "0": {"text": "CLOSED", "color": "green", "index": 0},
            "1": {"text": "HALF_OPEN", "color": "yellow", "index": 1},
            "2": {"text": "OPEN", "color": "red", "index": 2},
        },
    },
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

BREAKER = "max by (provider) (masterx_breaker_state)"

PROVIDER_HEALTH = Dashboard(
    "masterx-provider-health",
    "MasterX / Provider health",
    "Circuit breakers per provider (held in Redis by the health service) and call outcomes.",
    (
        Panel(
            "Breaker state",
            "state-timeline",
            (q(BREAKER, "{{provider}}"),),
            "CLOSED: calls flow. OPEN: calls skipped until the (backed-off) timeout. HALF_OPEN: "
            "a few probes decide.",
            width=24,
            height=7,
            mappings=BREAKER_STATES,
        ),
        Panel(
            "Providers available",
            "stat",
            (q(f"sum({BREAKER} < bool 2)"),),
            "Providers whose breaker admits calls (alert MasterxAllProvidersUnavailable at 0).",
            width=6,
            height=4,
        ),
        Panel(
            "Breakers open",
            "stat",
            (q(f"count({BREAKER} == 2) or vector(0)"),),
            "Providers skipped by routing right now.",
            width=6,
            height=4,
        ),
        Panel(
            "Router deciding without health",
            "stat",
            (q("max(masterx_router_breaker_degraded)"),),
            "1 while some router cannot reach the health service and uses its in-process breaker.",
            width=6,
            height=4,
        ),
        Panel(
            "Outcome reports lost",
            "stat",
            (q(f"sum(increase(masterx_router_breaker_reports_failed_total[{RANGE}]))"),),
            "Outcome reports a router could not deliver to the health service, in the range.",
            width=6,
            height=4,
            decimals=0,
        ),
        Panel(
            "Failures by provider and kind",
            "timeseries",
            (
                q(
                    "sum by (provider, kind) "
                    f'(rate(masterx_provider_outcomes_total{{outcome="failure"}}[{RATE}]))',
                    "{{provider}} {{kind}}",
                ),
            ),
            "Failed provider calls reported to health: timeout, connection, server, "
            "rate_limited, auth, bad_request.",
            unit="reqps",
            stacked=True,
        ),
        Panel(
            "Call outcomes by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider, outcome) (rate(masterx_provider_outcomes_total[{RATE}]))",
                    "{{provider}} {{outcome}}",
                ),
            ),
            "Successes and failures reported to the health service.",
            unit="reqps",
        ),
        Panel(
            "Breaker transitions",
            "timeseries",
            (
                q(
                    "sum by (provider, from, to) "
                    f"(increase(masterx_breaker_transitions_total[{RATE}]))",
                    "{{provider}} {{from}} -> {{to}}",
                ),
            ),
            "State changes, counted once across health replicas.",
            decimals=0,
        ),
        Panel(
            "Transitions in the range",
            "table",
            (
                q(
                    "sum by (provider, from, to) "
                    f"(increase(masterx_breaker_transitions_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "How many times each breaker moved, per direction.",
            decimals=0,
        ),
        Panel(
            "Breaker call latency p99",
            "timeseries",
            (
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_breaker_report_duration_seconds_bucket[{RATE}])))",
                    "Report p99",
                ),
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(masterx_breaker_acquire_duration_seconds_bucket[{RATE}])))",
                    "Acquire p99 (half-open probes)",
                ),
            ),
            "Time the health service takes to apply a Report or decide an Acquire (Redis "
            "included).",
            unit="s",
            width=24,
        ),
    ),
)

SCORE = 'max by (provider, category) (masterx_benchmark_score{{kind="{kind}"}})'

BENCHMARKS = Dashboard(
    "masterx-benchmarks",
    "MasterX / Benchmarks",
    "Benchmark scores per provider and category (what routing follows), runs and test outcomes.",
    (
        Panel(
            "Final score by provider and category",
            "timeseries",
            (q(SCORE.format(kind="final"), "{{provider}} / {{category}}"),),
            "quality, speed and cost combined with the category's weights (0-100).",
            max_value=100,
        ),
        Panel(
            "Quality score by provider and category",
            "timeseries",
            (q(SCORE.format(kind="quality"), "{{provider}} / {{category}}"),),
            "Mean graded quality of the answers (0-100).",
            max_value=100,
        ),
        Panel(
            "Latest final scores",
            "bargauge",
            (q(SCORE.format(kind="final"), "{{provider}} / {{category}}", instant=True),),
            "The scores routing uses now.",
            max_value=100,
        ),
        Panel(
            "Speed and cost scores (mean over categories)",
            "timeseries",
            (
                q(
                    'avg by (provider, kind) (masterx_benchmark_score{kind=~"speed|cost"})',
                    "{{provider}} {{kind}}",
                ),
            ),
            "Normalised across the run's providers: the fastest / cheapest is 100.",
            max_value=100,
        ),
        Panel(
            "Mean run duration by trigger and status",
            "timeseries",
            (
                q(
                    "sum by (trigger, status) (masterx_benchmark_run_duration_seconds_sum) "
                    "/ sum by (trigger, status) (masterx_benchmark_run_duration_seconds_count)",
                    "{{trigger}} {{status}}",
                ),
            ),
            "Wall time of a benchmark run (schedule or manual), since the services started.",
            unit="s",
        ),
        Panel(
            "Runs finished",
            "timeseries",
            (
                q(
                    "sum by (trigger, status) (masterx_benchmark_run_duration_seconds_count)",
                    "{{trigger}} {{status}}",
                ),
            ),
            "Runs finished since the benchmark replicas started, by trigger and final status.",
            decimals=0,
        ),
        Panel(
            "Test outcomes by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider, outcome) (rate(masterx_benchmark_tests_total[{RATE}]))",
                    "{{provider}} {{outcome}}",
                ),
            ),
            "Benchmark tests graded per second: correct, partial, wrong, or the provider's "
            "failure kind.",
            unit="ops",
            stacked=True,
        ),
        Panel(
            "Age of the newest benchmark results",
            "stat",
            (q("masterx:benchmark_results:age_seconds"),),
            "From the recording rule in deploy/prometheus/rules (alert "
            "MasterxBenchmarkResultsStale at twice the interval).",
            unit="s",
        ),
    ),
)

COST = Dashboard(
    "masterx-cost",
    "MasterX / Cost",
    "Provider spend in USD (usage x the price table) and tokens, by provider and category.",
    (
        Panel(
            "Spend in the range",
            "stat",
            (q(f"sum(increase(masterx_cost_usd_total[{RANGE}]))"),),
            "USD spent on providers over the dashboard's time range.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Spend rate",
            "stat",
            (q(f"sum(rate(masterx_cost_usd_total[{RATE}])) * 3600"),),
            "USD per hour at the current pace.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Cost per 1,000 chats",
            "stat",
            (
                q(
                    f"1000 * sum(rate(masterx_cost_usd_total[{RATE}])) "
                    f"/ sum(rate(masterx_route_decisions_total[{RATE}]))"
                ),
            ),
            "USD per thousand answered chats.",
            unit="currencyUSD",
            width=6,
            height=4,
            decimals=4,
        ),
        Panel(
            "Tokens in the range",
            "stat",
            (q(f"sum(increase(masterx_tokens_total[{RANGE}]))"),),
            "Prompt and completion tokens over the dashboard's time range.",
            width=6,
            height=4,
            decimals=0,
        ),
        Panel(
            "USD per hour by provider",
            "timeseries",
            (
                q(
                    f"sum by (provider) (rate(masterx_cost_usd_total[{RATE}])) * 3600",
                    "{{provider}}",
                ),
            ),
            "Spend rate by provider.",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "USD per hour by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_cost_usd_total[{RATE}])) * 3600",
                    "{{category}}",
                ),
            ),
            "Spend rate by chat category.",
            unit="currencyUSD",
            stacked=True,
        ),
        Panel(
            "Tokens per second by provider and direction",
            "timeseries",
            (
                q(
                    f"sum by (provider, direction) (rate(masterx_tokens_total[{RATE}]))",
                    "{{provider}} {{direction}}",
                ),
            ),
            "Prompt and completion tokens.",
            unit="short",
        ),
        Panel(
            "Tokens per second by category",
            "timeseries",
            (
                q(
                    f"sum by (category) (rate(masterx_tokens_total[{RATE}]))",
                    "{{category}}",
                ),
            ),
            "Prompt plus completion tokens.",
            unit="short",
            stacked=True,
        ),
        Panel(
            "Spend by provider and category in the range",
            "table",
            (
                q(
                    f"sum by (provider, category) (increase(masterx_cost_usd_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "USD over the dashboard's time range.",
            unit="currencyUSD",
            width=24,
            decimals=4,
        ),
    ),
)

CONTINUITY = (
    f'(sum(rate(masterx_route_decisions_total{{reason="session_continuity"}}[{RATE}])) '
    f"or vector(0)) / sum(rate(masterx_route_decisions_total[{RATE}]))"
)

SESSIONS = Dashboard(
    "masterx-sessions",
    "MasterX / Sessions",
    "Conversation continuity: chats kept with the session's provider, topic changes, and the "
    "session and usage writes behind them.",
    (
        Panel(
            "Session continuity share",
            "stat",
            (q(CONTINUITY),),
            "Chats that stayed with their session's provider (reason session_continuity).",
            unit="percentunit",
            width=8,
            height=4,
        ),
        Panel(
            "Topic changes in the range",
            "stat",
            (q(f"sum(increase(masterx_session_topic_changes_total[{RANGE}]))"),),
            "Sessions re-routed because a confident new category started a new topic.",
            width=8,
            height=4,
            decimals=0,
        ),
        Panel(
            "Session writes waiting",
            "stat",
            (q('sum(masterx_store_writes_pending{collection="sessions"})'),),
            "Session updates buffered in the routers, not yet in MongoDB.",
            width=8,
            height=4,
        ),
        Panel(
            "Continuity share over time",
            "timeseries",
            (q(CONTINUITY, "session_continuity"),),
            "Share of chats routed by session continuity.",
            unit="percentunit",
            max_value=1,
        ),
        Panel(
            "Topic changes (from -> to)",
            "timeseries",
            (
                q(
                    "sum by (from_topic, to_topic) "
                    f"(rate(masterx_session_topic_changes_total[{RATE}]))",
                    "{{from_topic}} -> {{to_topic}}",
                ),
            ),
            "Topic changes per second, by the old and the new topic.",
            unit="ops",
            stacked=True,
        ),
        Panel(
            "Topic changes in the range (from -> to)",
            "table",
            (
                q(
                    "sum by (from_topic, to_topic) "
                    f"(increase(masterx_session_topic_changes_total[{RANGE}]))",
                    instant=True,
                ),
            ),
            "Which topics conversations move between.",
            decimals=0,
        ),
        Panel(
            "Session and usage writes to MongoDB",
            "timeseries",
            (
                q(
                    f"sum by (collection) (rate(masterx_store_writes_total[{RATE}]))",
                    "{{collection}}",
                ),
            ),
            "Buffered writes stored per second (sessions, usage), off the hot path.",
            unit="ops",
        ),
    ),
)

DASHBOARDS = (ROUTING, PROVIDER_HEALTH, BENCHMARKS, COST, SESSIONS)


def _field_config(panel: Panel) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": panel.unit, "min": 0}
    if panel.decimals is not None:
        defaults["decimals"] = panel.decimals
    if panel.max_value is not None:
        defaults["max"] = panel.max_value
    if panel.mappings:
        defaults["mappings"] = list(panel.mappings)
        defaults["max"] = 2
        defaults["color"] = {"mode": "thresholds"}
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [
                {"color": "green", "value": None},
                {"color": "yellow", "value": 1},
                {"color": "red", "value": 2},
            ],
        }
    if panel.kind == "timeseries":
        defaults["custom"] = {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 20 if panel.stacked else 0,
            "stacking": {"mode": "normal" if panel.stacked else "none", "group": "A"},
            "scaleDistribution": (
                {"type": "log", "log": 10} if panel.log_scale else {"type": "linear"}
            ),
            "spanNulls": False,
            "showPoints": "never",
        }
        if panel.log_scale:
            del defaults["min"]
    return {"defaults": defaults, "overrides": []}


def _options(panel: Panel) -> dict[str, Any]:
    if panel.kind == "stat":
        return {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value",
            "graphMode": "area",
            "textMode": "auto",
        }
    if panel.kind == "bargauge":
        return {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "orientation": "horizontal",
            "displayMode": "gradient",
            "showUnfilled": True,
        }
    if panel.kind == "table":
        return {"showHeader": True, "sortBy": [{"displayName": "Value", "desc": True}]}
    legend = {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]}
    if panel.kind == "state-timeline":
        return {"showValue": "auto", "mergeValues": True, "rowHeight": 0.8, "legend": legend}
    return {"legend": legend, "tooltip": {"mode": "multi", "sort": "desc"}}


def _targets(panel: Panel) -> list[dict[str, Any]]:
    targets = []
    for index, query in enumerate(panel.queries):
        target: dict[str, Any] = {
            "refId": chr(ord("A") + index),
            "datasource": DATASOURCE,
            "expr": query.expr,
            "legendFormat": query.legend or "__auto",
            "range": not query.instant,
            "instant": query.instant,
        }
        if query.instant:
            target["format"] = "table"
        targets.append(target)
    return targets


def render(dashboard: Dashboard) -> dict[str, Any]:
    panels = []
    x = y = row_height = 0
    for number, panel in enumerate(dashboard.panels, start=1):
        if x + panel.width > 24:
            x, y, row_height = 0, y + row_height, 0
        rendered: dict[str, Any] = {
            "id": number,
            "type": panel.kind,
            "title": panel.title,
            "description": panel.description,
            "datasource": DATASOURCE,
            "gridPos": {"h": panel.height, "w": panel.width, "x": x, "y": y},
            "fieldConfig": _field_config(panel),
            "options": _options(panel),
            "targets": _targets(panel),
        }
        if panel.kind == "table":
            rendered["transformations"] = [
                {"id": "organize", "options": {"excludeByName": {"Time": True}}}
            ]
        panels.append(rendered)
        x += panel.width
        row_height = max(row_height, panel.height)
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": ["masterx"],
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-1h", "to": "now"},
        "timezone": "browser",
        "annotations": {"list": []},
        "links": [
            {
                "type": "dashboards",
                "tags": ["masterx"],
                "title": "MasterX",
                "asDropdown": True,
                "includeVars": True,
                "keepTime": True,
            }
        ],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                    "refresh": 1,
                    "options": [],
                }
            ]
        },
        "panels": panels,
    }


def file_name(dashboard: Dashboard) -> str:
    return dashboard.uid.removeprefix("masterx-") + ".json"


def rendered_files() -> dict[str, str]:
    """File name -> JSON text, exactly as committed under ``dashboards/``."""
    return {
        file_name(d): json.dumps(render(d), indent=2, ensure_ascii=False) + "\n" for d in DASHBOARDS
    }


def main() -> int:
    OUT_DIR.mkdir(exist_ok=True)
    for name, text in rendered_files().items():
        (OUT_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
