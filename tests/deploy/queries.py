"""Every PromQL expression the deploy files hold: dashboard panels, recording rules, alerts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.tools import DEPLOY, RULES_FILE, load_yaml

DASHBOARDS_DIR = DEPLOY / "grafana" / "dashboards"
# An alert compares one series with a threshold: `<series> <op> <number>`.
ALERT_SHAPE = re.compile(r"^(?P<series>\S+)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<threshold>[\d.e+-]+)$")


@dataclass(frozen=True)
class Query:
    source: str  # "routing.json: Requests by provider [A]", "alert MasterxBreakerOpen", ...
    expr: str
    legend: str = ""


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS_DIR.glob("*.json"))


def dashboard_queries() -> list[Query]:
    found = []
    for path in dashboard_files():
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            for target in panel["targets"]:
                found.append(
                    Query(
                        f"{path.name}: {panel['title']} [{target['refId']}]",
                        target["expr"],
                        target.get("legendFormat", ""),
                    )
                )
    return found


def rules() -> list[dict[str, str]]:
    return [rule for group in load_yaml(RULES_FILE)["groups"] for rule in group["rules"]]


def recording_queries() -> list[Query]:
    return [Query(f"record {r['record']}", r["expr"].strip()) for r in rules() if "record" in r]


def alert_queries() -> list[Query]:
    return [Query(f"alert {r['alert']}", r["expr"].strip()) for r in rules() if "alert" in r]


def measured(alert: Query) -> Query:
    """What an alert measures: its expression without the threshold comparison."""
    match = ALERT_SHAPE.match(alert.expr)
    assert match, f"{alert.source}: not of the form `<series> <op> <number>`: {alert.expr}"
    return Query(alert.source, match.group("series"))
