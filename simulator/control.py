"""The control endpoint: change a simulated provider's behaviour at run time.

``POST /_control/providers/{name}`` with ``{"mode": "ok" | "error" | "timeout" | "reset" |
"rate_limit", "status": 503, "retry_after_s": 5, "latency_ms": 0}`` and, beyond those,
``"failure_rate": 0.1`` (background failures), ``"report_usage": false`` and
``"quality": {"coding": 0.2}`` (the probability that a benchmark prompt of that category is
answered correctly, merged over the override's earlier values; a category set to ``null``, or
``"quality": null``, goes back to the profile's); every
field optional: ``mode: ok`` restores the profile (then applies the other fields given); a body
without ``mode``, or with another mode, keeps the fields already set. ``latency_ms: null`` /
``failure_rate: null`` go back to the profile's. ``GET /_control/providers`` shows profiles,
overrides, the effective quality and call counters; ``GET /_control/providers/{name}/received``
the messages of its last 50 calls (``{"provider", "requests": [{"model", "stream", "messages":
[{"role", "content"}]}]}``, oldest first, every call that reached an outcome, failed ones
too); ``POST /_control/reset`` restores every provider, zeroes the counters and forgets what
was received.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from masterx.logs import log_event
from simulator.exchange import json_response
from simulator.profiles import CATEGORIES, Category
from simulator.state import MODES, Override, ProviderState

logger = logging.getLogger("simulator.control")
_FIELDS = {
    "mode",
    "status",
    "retry_after_s",
    "latency_ms",
    "failure_rate",
    "report_usage",
    "quality",
}


class ControlError(ValueError):
    pass


def override_from(current: Override, body: Any) -> Override:
    if not isinstance(body, dict):
        raise ControlError("expected a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ControlError(f"unknown field(s) {', '.join(unknown)}; expected {sorted(_FIELDS)}")
    mode = body.get("mode", current.mode)
    if mode not in MODES:
        raise ControlError(f"mode must be one of {', '.join(MODES)}")
    override = Override() if body.get("mode") == "ok" else replace(current, mode=mode)
    if "status" in body:
        status = body["status"]
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ControlError("status must be an HTTP error status (400-599)")
        override = replace(override, status=status)
    if "retry_after_s" in body:
        override = replace(override, retry_after_s=_number(body, "retry_after_s", 0, None))
    if "latency_ms" in body:
        override = replace(override, latency_ms=_optional(body, "latency_ms", 0, None))
    if "failure_rate" in body:
        override = replace(override, failure_rate=_optional(body, "failure_rate", 0, 1))
    if "report_usage" in body:
        if not isinstance(body["report_usage"], bool):
            raise ControlError("report_usage must be true or false")
        override = replace(override, report_usage=body["report_usage"])
    if "quality" in body:
        override = replace(override, quality=_quality(override.quality, body["quality"]))
    return override


def _quality(current: dict[Category, float], change: Any) -> dict[Category, float]:
    if change is None:
        return {}
    if not isinstance(change, dict):
        raise ControlError("quality must be an object of category -> probability in [0, 1]")
    unknown = sorted(set(change) - set(CATEGORIES))
    if unknown:
        raise ControlError(
            f"quality: unknown category {', '.join(unknown)}; expected {', '.join(CATEGORIES)}"
        )
    quality = dict(current)
    for category, value in change.items():
        if value is None:
            quality.pop(category, None)
        else:
            quality[category] = _number(change, category, 0, 1, f"quality.{category}")
    return quality


class ControlRoutes:
    def __init__(self, states: dict[str, ProviderState], seed: int) -> None:
        self._states = states
        self._seed = seed

    async def list_providers(self, request: Request) -> Response:
        return json_response(
            {
                "seed": self._seed,
                "providers": {name: state.describe() for name, state in self._states.items()},
            }
        )

    async def received(self, request: Request) -> Response:
        name = request.path_params["name"]
        state = self._states.get(name)
        if state is None:
            return _problem(404, f"unknown simulated provider {name!r}")
        return json_response({"provider": name, "requests": list(state.received)})

    async def change_provider(self, request: Request) -> Response:
        name = request.path_params["name"]
        state = self._states.get(name)
        if state is None:
            return _problem(404, f"unknown simulated provider {name!r}")
        try:
            override = override_from(state.override, orjson.loads(await request.body() or b"{}"))
        except orjson.JSONDecodeError:
            return _problem(400, "the body is not valid JSON")
        except ControlError as error:
            return _problem(400, str(error))
        state.apply(override)
        log_event(logger, "provider_override", provider=name, mode=override.mode)
        return json_response({name: state.describe()})

    async def reset(self, request: Request) -> Response:
        for state in self._states.values():
            state.restore()
        log_event(logger, "providers_restored")
        return json_response({"providers": sorted(self._states)})


def _number(
    body: dict[str, Any], name: str, low: float, high: float | None, label: str | None = None
) -> float:
    value = body[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < low
        or (high is not None and value > high)
    ):
        bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ControlError(f"{label or name} must be a number {bounds}")
    return float(value)


def _optional(body: dict[str, Any], name: str, low: float, high: float | None) -> float | None:
    return None if body[name] is None else _number(body, name, low, high)


def _problem(status: int, message: str) -> Response:
    return json_response(
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        },
        status,
    )
