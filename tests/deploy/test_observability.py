"""Prometheus configuration, rules and Grafana dashboards, checked without a running stack:
promtool passes, generated files are current, and every query names metrics and labels the
services really export."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.deploy import metric_catalogue, promql, queries
from tests.deploy.tools import DEPLOY, PROMETHEUS_DIR, ROOT, SERVICES, binary, load_yaml

CONFIGS = ("prometheus.yml", "prometheus-local.yml", "prometheus-kubernetes.yml")
ALERTS = {
    "MasterxBreakerOpen",
    "MasterxHighErrorRatio",
    "MasterxBenchmarkResultsStale",
    "MasterxRouterOverheadOverBudget",
    "MasterxAllProvidersUnavailable",
    "MasterxServiceDown",
    "MasterxQualityDrift",
}


def _module(path: Path) -> ModuleType:
    """A script of deploy/ (not a package), imported by path."""
    name = f"masterx_deploy_{path.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being defined
        spec.loader.exec_module(module)
    return sys.modules[name]


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary("promtool"), *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


@pytest.mark.parametrize("config", CONFIGS)
def test_promtool_accepts_the_scrape_configuration(config: str) -> None:
    result = _promtool("check", "config", str(PROMETHEUS_DIR / config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_accepts_the_rules() -> None:
    result = _promtool("check", "rules", str(PROMETHEUS_DIR / "rules" / "masterx.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_alert_fires_on_its_condition_and_not_below_it() -> None:
    tests = sorted(str(p) for p in (PROMETHEUS_DIR / "tests").glob("*.test.yml"))
    result = _promtool("test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr
    tested = {
        a
        for p in tests
        for t in load_yaml(Path(p))["tests"]
        for a in (c["alertname"] for c in t.get("alert_rule_test", []))
    }
    assert tested == ALERTS


@pytest.mark.parametrize("config", CONFIGS)
def test_every_configuration_names_its_jobs_after_the_services(config: str) -> None:
    document = load_yaml(PROMETHEUS_DIR / config)
    jobs = {job["job_name"] for job in document["scrape_configs"]} - {"prometheus"}
    assert jobs == set(SERVICES)
    assert document["rule_files"] == ["rules/*.yml"]


def test_the_alerts_cover_what_the_operators_asked_for() -> None:
    alerts = {q.source.removeprefix("alert ") for q in queries.alert_queries()}
    assert alerts == ALERTS
    for alert in queries.alert_queries():
        queries.measured(alert)  # the `<series> <op> <number>` shape the live test relies on


def test_the_prometheus_rule_for_the_operator_is_current() -> None:
    generator = _module(PROMETHEUS_DIR / "operator_rules.py")
    assert generator.TARGET.read_text(encoding="utf-8") == generator.rendered(), (
        "run: python deploy/prometheus/operator_rules.py"
    )


def test_the_dashboards_are_generated_from_dashboards_py() -> None:
    generator = _module(DEPLOY / "grafana" / "dashboards.py")
    expected: dict[str, str] = generator.rendered_files()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in queries.dashboard_files()}
    assert on_disk == expected, "run: python deploy/grafana/dashboards.py"


def _dashboards() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in queries.dashboard_files()}


def test_every_panel_queries_prometheus_through_the_datasource_variable() -> None:
    for name, dashboard in _dashboards().items():
        assert dashboard["templating"]["list"][0]["name"] == "datasource"
        ids = [p["id"] for p in dashboard["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in dashboard["panels"]:
            assert panel["targets"], f"{name}: {panel['title']} has no query"
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, f"{name}: {panel['title']}"


def _all_queries() -> list[queries.Query]:
    return [
        *queries.dashboard_queries(),
        *queries.recording_queries(),
        *queries.alert_queries(),
    ]


def test_every_query_names_series_the_services_export() -> None:
    exported = metric_catalogue.exported_series()
    recorded = {q.source.removeprefix("record ") for q in queries.recording_queries()}
    for query in _all_queries():
        names = promql.metric_names(promql.expand_grafana(query.expr))
        assert names, f"{query.source}: no metric found in {query.expr}"
        unknown = names - set(exported) - recorded
        assert not unknown, f"{query.source}: {unknown} is not exported by any service"


def test_every_label_a_query_uses_is_a_label_of_its_metrics() -> None:
    exported = metric_catalogue.exported_series()
    recorded = {q.source.removeprefix("record "): q.expr for q in queries.recording_queries()}

    def labels_of(name: str) -> frozenset[str]:
        if name in recorded:
            inner = promql.metric_names(recorded[name])
            return frozenset().union(*(labels_of(n) for n in inner))
        return exported[name]

    for query in _all_queries():
        expr = promql.expand_grafana(query.expr)
        available = metric_catalogue.TARGET_LABELS.union(
            *(labels_of(n) for n in promql.metric_names(expr))
        )
        used = promql.label_names(expr) | promql.legend_labels([query.legend])
        assert used <= available, f"{query.source}: {used - available} not on {expr}"


def test_the_query_reader_finds_metrics_and_labels() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (le, provider) (rate(masterx_request_duration_seconds_"
        'bucket{category="math"}[5m]))) / on() group_left sum(up{job=~"a|b"}) or vector(0)'
    )
    assert promql.metric_names(expr) == {"masterx_request_duration_seconds_bucket", "up"}
    assert promql.label_names(expr) == {"le", "provider", "category", "job"}


# What the operators asked to see, by dashboard: (panel type, metric the panel must query).
REQUIRED = {
    "routing.json": [
        ("timeseries", "masterx_route_decisions_total", "provider"),
        ("timeseries", "masterx_route_decisions_total", "category"),
        ("timeseries", "masterx_route_decisions_total", "reason"),
        ("timeseries", "masterx_fallbacks_total", "category"),
        ("timeseries", "masterx_request_duration_seconds_bucket", "le"),
        ("timeseries", "masterx_router_overhead_seconds_bucket", "le"),
        ("timeseries", "masterx_provider_duration_seconds_bucket", "le"),
    ],
    "provider-health.json": [
        ("state-timeline", "masterx_breaker_state", "provider"),
        ("timeseries", "masterx_provider_outcomes_total", "kind"),
        ("timeseries", "masterx_breaker_transitions_total", "to"),
    ],
    "benchmarks.json": [
        ("timeseries", "masterx_benchmark_score", "category"),
        ("timeseries", "masterx_benchmark_run_duration_seconds_sum", "trigger"),
    ],
    "cost.json": [
        ("timeseries", "masterx_cost_usd_total", "provider"),
        ("timeseries", "masterx_cost_usd_total", "category"),
        ("timeseries", "masterx_tokens_total", "direction"),
    ],
    "sessions.json": [
        ("timeseries", "masterx_session_topic_changes_total", "to_topic"),
        ("timeseries", "masterx_route_decisions_total", "reason"),
    ],
    "feedback.json": [
        ("timeseries", "masterx_feedback_ratings_total", "provider"),
        ("timeseries", "masterx_feedback_ratings_total", "category"),
        ("timeseries", "masterx_feedback_ratings_total", "rating"),
        ("timeseries", "masterx_feedback_sessions_moved_total", "provider"),
    ],
}


def test_the_dashboards_hold_the_panels_asked_for() -> None:
    dashboards = _dashboards()
    assert set(dashboards) == set(REQUIRED)
    for name, wanted in REQUIRED.items():
        panels = dashboards[name]["panels"]
        for kind, metric, label in wanted:
            assert any(
                panel["type"] == kind
                and any(
                    metric in promql.metric_names(promql.expand_grafana(t["expr"]))
                    and label in promql.label_names(t["expr"])
                    for t in panel["targets"]
                )
                for panel in panels
            ), f"{name}: no {kind} panel on {metric} by {label}"
    benchmarks = dashboards["benchmarks.json"]["panels"]
    kinds = {
        k
        for p in benchmarks
        for t in p["targets"]
        for k in ("final", "quality")
        if f'kind="{k}"' in t["expr"]
    }
    assert kinds == {"final", "quality"}
