"""Just enough PromQL reading to name the metrics and labels an expression uses."""

from __future__ import annotations

import re
from collections.abc import Iterable

KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
    "atan2",
}
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
SELECTOR = re.compile(r"\{([^}]*)\}")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*\"")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
IDENTIFIER = re.compile(r"(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])\s*(\()?")
# Grafana's variables, as a query with a one-minute range would see them.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__range": "5m", "$__interval": "15s"}


def expand_grafana(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def metric_names(expr: str) -> set[str]:
    """Series names an expression selects (function names and keywords left out)."""
    text = SELECTOR.sub("{}", expr)
    text = STRING.sub('""', text)
    text = GROUPING.sub("", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    names = set()
    for match in IDENTIFIER.finditer(text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def label_names(expr: str) -> set[str]:
    """Label names used in matchers and grouping clauses."""
    names: set[str] = set()
    for group in GROUPING.findall(expr):
        names.update(n.strip() for n in group.split(",") if n.strip())
    for selector in SELECTOR.findall(expr):
        names.update(MATCHER.findall(selector))
    return names


def legend_labels(legends: Iterable[str]) -> set[str]:
    return {m for legend in legends for m in re.findall(r"\{\{\s*(\w+)\s*\}\}", legend)}
