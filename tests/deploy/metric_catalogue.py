"""The metrics the services export, read from their source: name, type and label names.

Every ``Counter(`` / ``Gauge(`` / ``Histogram(`` definition of prometheus_client in masterx/ and
services/ (``grep -rn "Counter(\\|Gauge(\\|Histogram(" masterx services``), plus what
prometheus_client and Prometheus add on their own.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from tests.deploy.tools import ROOT

KINDS = {"Counter", "Gauge", "Histogram", "Summary"}
SUFFIXES = {
    "Counter": ("_total", "_created"),
    "Gauge": ("",),
    "Histogram": ("_bucket", "_sum", "_count", "_created"),
    "Summary": ("", "_sum", "_count", "_created"),
}
# prometheus_client's process collector, and Prometheus' own per-target series.
BUILT_IN: dict[str, frozenset[str]] = {
    "process_start_time_seconds": frozenset(),
    "process_resident_memory_bytes": frozenset(),
    "process_cpu_seconds_total": frozenset(),
    "up": frozenset(),
    "scrape_duration_seconds": frozenset(),
}
# Labels every scraped series has (the scrape configurations of deploy/prometheus).
TARGET_LABELS = frozenset({"job", "instance"})


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    labels: frozenset[str]


def _definitions() -> list[Metric]:
    found = []
    for folder in ("masterx", "services"):
        for path in (ROOT / folder).rglob("*.py"):
            if "/v1/" in path.as_posix():
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in KINDS or not node.args:
                    continue
                name = node.args[0]
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                    continue
                labels: frozenset[str] = frozenset()
                label_node = (
                    node.args[2]
                    if len(node.args) > 2
                    else next((k.value for k in node.keywords if k.arg == "labelnames"), None)
                )
                if isinstance(label_node, ast.List | ast.Tuple):
                    labels = frozenset(
                        e.value
                        for e in label_node.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
                found.append(Metric(name.value, node.func.id, labels))
    return found


@functools.cache
def exported_series() -> dict[str, frozenset[str]]:
    """Every series name the services expose -> its label names (``le`` for buckets)."""
    series: dict[str, frozenset[str]] = dict(BUILT_IN)
    for metric in _definitions():
        base = metric.name.removesuffix("_total") if metric.kind == "Counter" else metric.name
        for suffix in SUFFIXES[metric.kind]:
            labels = metric.labels | ({"le"} if suffix == "_bucket" else set())
            series[base + suffix] = frozenset(labels)
    return series
