"""The control endpoint: change a simulated provider's behaviour at run time.

``POST /_control/providers/{name}`` with ``{"mode": "ok" | "error" | "timeout" | "reset" |
"rate_limit", "status": 503, "retry_after_s": 5, "latency_ms": 0}`` and, beyond those,
``"failure_rate": 0.1`` (background failures) and ``"report_usage": false``; every
field optional: ``mode: ok`` restores the profile (then applies the other fields given), any
other mode keeps the fields already set. ``latency_ms: null`` / ``failure_rate: null`` go back
to the profile's. ``GET /_control/providers`` shows profiles, overrides and call counters;
``POST /_control/reset`` restores every provider and zeroes the counters.
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
from simulator.state import MODES, Override, ProviderState

logger = logging.getLogger("simulator.control")
_FIELDS = {"mode", "status", "retry_after_s", "latency_ms", "failure_rate", "report_usage"}


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
    override = Override() if mode == "ok" else replace(current, mode=mode)
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
    return override


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


def _number(body: dict[str, Any], name: str, low: float, high: float | None) -> float:
    value = body[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < low
        or (high is not None and value > high)
    ):
        bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ControlError(f"{name} must be a number {bounds}")
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
