"""A small value that validates against a JSON schema: what the simulator puts in a tool call's
arguments and in a structured answer.

Covered: ``type`` (one or a list; Gemini's upper-case OpenAPI types too), ``enum``, ``const``,
``properties`` (every property is filled, so OpenAI's strict schemas, which require them all,
are met), ``items`` / ``prefixItems`` with ``minItems``, string ``minLength`` / ``maxLength`` /
``format``, number bounds (``minimum``, ``exclusiveMinimum``, ``maximum``, ``multipleOf``),
``anyOf`` / ``oneOf`` (the first branch), ``allOf`` (merged), ``$ref`` into ``$defs`` /
``definitions``, and ``nullable``. A string takes ``text`` when one is given (the answer the
simulator would have written), cut to ``maxLength``.
"""

from __future__ import annotations

import math
from typing import Any

_FORMATS = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00",
    "email": "learner@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
}
MAX_DEPTH = 32
# What one instance may hold, as a real provider bounds its output: a schema asking for more
# (minItems 10**8, nested arrays multiplying) is refused, not generated for minutes.
MAX_VALUES = 100_000
MAX_STRING_CHARS = 100_000


class SchemaError(ValueError):
    """A schema the simulator cannot satisfy (a broken ``$ref``, a cycle without an exit)."""


class _Budget:
    """The values one instance may still take (:data:`MAX_VALUES`)."""

    def __init__(self) -> None:
        self.left = MAX_VALUES

    def need(self, values: int) -> None:
        """Refused before any of ``values`` is made when they do not fit."""
        if values > self.left:
            raise SchemaError(f"the schema asks for more than {MAX_VALUES} values")

    def spend(self) -> None:
        self.need(1)
        self.left -= 1


def instance_of(
    schema: Any,
    text: str = "simulated",
    *,
    root: Any = None,
    depth: int = 0,
    budget: _Budget | None = None,
) -> Any:
    if depth > MAX_DEPTH:
        raise SchemaError("the schema nests deeper than the simulator follows")
    budget = _Budget() if budget is None else budget
    budget.spend()
    if schema is True or schema is None or schema == {}:
        return text
    if not isinstance(schema, dict):
        raise SchemaError("a schema must be an object")
    root = schema if root is None else root

    def inner(sub: Any) -> Any:
        return instance_of(sub, text, root=root, depth=depth + 1, budget=budget)

    if "$ref" in schema:
        return inner(_resolve(root, schema["$ref"]))
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return inner(schema[key][0])
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(root, part["$ref"]) if "$ref" in part else part
            merged = {
                **merged,
                **part,
                "properties": {**merged.get("properties", {}), **part.get("properties", {})},
            }
        return inner(merged)
    kind = _type_of(schema)
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: inner(sub) for name, sub in properties.items()}
    if kind == "array":
        return _array(schema, inner, budget)
    if kind == "string":
        return _string(schema, text)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return text


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [str(k).lower() for k in kind if str(k).lower() != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind.lower()
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _resolve(root: Any, reference: Any) -> Any:
    if not isinstance(reference, str) or not reference.startswith("#"):
        raise SchemaError(f"$ref {reference!r}: only references inside the schema are followed")
    node = root
    for part in [p for p in reference[1:].split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SchemaError(f"$ref {reference!r} points at nothing")
        node = node[part]
    return node


def _array(schema: dict[str, Any], inner: Any, budget: _Budget) -> list[Any]:
    """The prefix items, then ``minItems`` (one when unset) of ``items``, within ``maxItems``."""
    items = [inner(sub) for sub in schema.get("prefixItems") or []]
    wanted = max(int(schema.get("minItems", 1)), len(items))
    if "maxItems" in schema:
        wanted = min(wanted, int(schema["maxItems"]))
    budget.need(wanted - len(items))
    while len(items) < wanted:
        items.append(inner(schema.get("items", {})))
    return items[:wanted]


def _string(schema: dict[str, Any], text: str) -> str:
    value = _FORMATS.get(str(schema.get("format", "")), text)
    least = int(schema.get("minLength") or 0)
    if least > MAX_STRING_CHARS:
        raise SchemaError(f"minLength {least} is above the {MAX_STRING_CHARS} characters allowed")
    if len(value) < least:
        value = value + "x" * (least - len(value))
    if "maxLength" in schema:
        value = value[: int(schema["maxLength"])]
    return value


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    above = schema.get("exclusiveMinimum")
    high = schema.get("maximum")
    below = schema.get("exclusiveMaximum")
    value: float = 0
    if isinstance(low, int | float):
        value = low
    if isinstance(above, int | float) and not isinstance(above, bool):
        value = math.floor(above) + 1 if integer else above + 1
    elif above is True and isinstance(low, int | float):  # draft-4 boolean form
        value = low + 1
    if isinstance(high, int | float) and value > high:
        value = high
    if isinstance(below, int | float) and not isinstance(below, bool) and value >= below:
        value = below - 1
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        value = math.ceil(value / step) * step
    return math.ceil(value) if integer else float(value)
