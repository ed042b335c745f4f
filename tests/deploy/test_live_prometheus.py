"""A real Prometheus (Debian's) scrapes the running local stack while traffic flows; then every
PromQL expression of every dashboard panel and every rule returns at least one series."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.deploy import queries
from tests.deploy.promql import expand_grafana
from tests.deploy.tools import PROMETHEUS_DIR, ROOT, binary
from tests.deploy.traffic import ADMIN_TOKEN, CACHED_CATEGORY, Traffic, poll
from tooling.stack import Stack, StackConfig
from tooling.stack.readiness import free_port

pytestmark = pytest.mark.e2e

SCRAPE = "1s"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("observed")).with_free_ports()
    env = {
        "MASTERX_SCORES_REFRESH_SECONDS": "0.5",
        "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
        "MASTERX_BREAKER_TIMEOUT_SECONDS": "1",
        "MASTERX_BREAKER_SWEEP_SECONDS": "0.2",
        "MASTERX_ADMIN_TOKEN": ADMIN_TOKEN,
        "MASTERX_CACHE_CATEGORIES": CACHED_CATEGORY.value,
    }
    with Stack(replace(config, env=env)) as running:
        yield running


def _scrape_config(stack: Stack) -> dict[str, Any]:
    """deploy/prometheus/prometheus-local.yml, on the stack's free ports, scraping every second."""
    config: dict[str, Any] = yaml.safe_load(
        (PROMETHEUS_DIR / "prometheus-local.yml").read_text(encoding="utf-8")
    )
    c = stack.config
    ports = {
        "gateway": c.gateway_port,
        "router": c.router_metrics_port,
        "health": c.health_metrics_port,
        "benchmark": c.benchmark_metrics_port,
    }
    config["global"].update(scrape_interval=SCRAPE, evaluation_interval=SCRAPE)
    config["rule_files"] = [str(PROMETHEUS_DIR / rule) for rule in config["rule_files"]]
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": [f"{c.host}:{ports[job['job_name']]}"]}]
    return config


@pytest.fixture(scope="module")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("prometheus")
    config = directory / "prometheus.yml"
    config.write_text(yaml.safe_dump(_scrape_config(stack)), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (directory / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary("prometheus"),
            f"--config.file={config}",
            f"--storage.tsdb.path={directory / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=directory,
    )
    try:

        def targets_up() -> bool:
            assert process.poll() is None, (directory / "prometheus.log").read_text()
            try:
                answer = httpx.get(f"{url}/api/v1/query", params={"query": "sum(up)"}, timeout=2)
            except httpx.TransportError:
                return False
            result = answer.json()["data"]["result"] if answer.status_code == 200 else []
            return bool(result) and float(result[0]["value"][1]) == 4

        poll(targets_up, "Prometheus to scrape the four services", timeout=30)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


@dataclass(frozen=True)
class Answer:
    query: queries.Query
    series: int
    nonzero: bool


def _ask(prometheus: str, query: queries.Query) -> Answer:
    reply = httpx.get(
        f"{prometheus}/api/v1/query", params={"query": expand_grafana(query.expr)}, timeout=10
    )
    assert reply.status_code == 200, f"{query.source}: {reply.text}"
    result = reply.json()["data"]["result"]
    values = [float(r["value"][1]) for r in result]
    return Answer(query, len(result), any(v != 0 and not math.isnan(v) for v in values))


def _wait_for_a_scrape(prometheus: str) -> None:
    """Until every target has been scraped again (what happened so far is in Prometheus)."""
    moment = time.time()

    def scraped() -> bool:
        reply = httpx.get(
            f"{prometheus}/api/v1/query", params={"query": "min(timestamp(up))"}, timeout=5
        ).json()["data"]["result"]
        return bool(reply) and float(reply[0]["value"][1]) > moment

    poll(scraped, "a scrape", timeout=10)


def _report(capsys: pytest.CaptureFixture[str], lines: list[str]) -> None:
    """Shown in the test run's output whatever the capture mode."""
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_every_dashboard_and_rule_query_returns_data(
    stack: Stack, prometheus: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with httpx.Client() as http:
        traffic = Traffic(stack, http)
        try:
            traffic.import_scores()
            for round_number in (1, 2):  # twice, a scrape apart: counters go up between samples
                run_id = traffic.start_benchmark_run()
                traffic.everyday_chats(session=f"observed-{round_number}")
                traffic.nobody_answers()
                keyed = traffic.keyed_chats()  # spend and limit hits per key
                assert keyed == ([200] * 3 if round_number == 1 else [200, 200, 429]), keyed
                traffic.cached_chats(round_number)  # a response-cache miss, then a hit
                traffic.best_provider_fails(chats=5)  # its breaker opens
                traffic.best_provider_recovers()  # half-open, then closed
                traffic.wait_for_run(run_id)
                _wait_for_a_scrape(prometheus)
        finally:
            traffic.close()

    asked = [
        *queries.dashboard_queries(),
        *queries.recording_queries(),
        *(queries.measured(a) for a in queries.alert_queries()),
    ]
    answers: dict[str, Answer] = {}

    def all_answered() -> bool:
        for query in asked:
            if query.source not in answers or not answers[query.source].series:
                answers[query.source] = _ask(prometheus, query)
        return all(a.series for a in answers.values())

    try:
        poll(all_answered, "every query to return data", timeout=90, every=1.0)
    finally:
        dashboard = [a for a in answers.values() if "json:" in a.query.source]
        rules = [a for a in answers.values() if "json:" not in a.query.source]
        _report(
            capsys,
            [
                f"live Prometheus: {sum(bool(a.series) for a in dashboard)}/{len(dashboard)} "
                f"dashboard queries and {sum(bool(a.series) for a in rules)}/{len(rules)} rule "
                f"queries returned data ({sum(a.nonzero for a in answers.values())} with a "
                "non-zero value)",
                *(
                    f"  no data: {a.query.source}: {a.query.expr}"
                    for a in answers.values()
                    if not a.series
                ),
                *(
                    f"  zero / NaN: {a.query.source}"
                    for a in answers.values()
                    if a.series and not a.nonzero
                ),
            ],
        )


def test_the_container_health_check_passes_against_the_running_services(stack: Stack) -> None:
    c = stack.config
    ports = {
        ("http", "gateway"): ("MASTERX_GATEWAY_PORT", c.gateway_port),
        ("http", "simulator"): ("MASTERX_SIMULATOR_PORT", c.simulator_port),
        ("grpc", "router"): ("MASTERX_ROUTER_GRPC_PORT", c.router_grpc_port),
        ("grpc", "health"): ("MASTERX_HEALTH_GRPC_PORT", c.health_grpc_port),
        ("grpc", "benchmark"): ("MASTERX_BENCHMARK_GRPC_PORT", c.benchmark_grpc_port),
    }
    for (kind, component), (variable, port) in ports.items():
        result = subprocess.run(
            [sys.executable, str(ROOT / "deploy/docker/healthcheck.py"), kind, component],
            env={variable: str(port), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, (component, result.stderr)
