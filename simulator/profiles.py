"""Simulated provider profiles: wire format, models, latency, failures and quality."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

Category = Literal["coding", "math", "research", "language", "empathy", "general"]
CATEGORIES: tuple[Category, ...] = get_args(Category)
Wire = Literal["openai", "anthropic", "gemini"]
FailureMode = Literal["error", "timeout", "reset", "rate_limit"]
FAILURE_MODES: tuple[FailureMode, ...] = get_args(FailureMode)


@dataclass(frozen=True)
class Latency:
    mean_ms: float
    jitter_ms: float


@dataclass(frozen=True)
class FailurePlan:
    rate: float  # probability that a call fails on its own, before any control override
    kind: FailureMode
    status: int  # for kind "error"
    retry_after_s: float  # for kind "rate_limit"


SUPPORT_FLAGS = ("tools", "json_mode", "json_schema", "vision")


@dataclass(frozen=True)
class ModelSupport:
    """What a simulated model accepts; a request needing more gets the provider's 400. The
    shipped profiles agree with masterx/providers/capabilities.json (a test checks it)."""

    tools: bool
    json_mode: bool
    json_schema: bool
    vision: bool


@dataclass(frozen=True)
class ProviderProfile:
    name: str
    wire: Wire
    models: tuple[str, ...]
    latency: dict[Category, Latency]
    failure: FailurePlan
    quality: dict[Category, float]
    supports: dict[str, ModelSupport]  # per model

    def describe(self) -> dict[str, Any]:
        return {
            "wire": self.wire,
            "models": list(self.models),
            "latency_ms": {c: [v.mean_ms, v.jitter_ms] for c, v in self.latency.items()},
            "failure": {
                "rate": self.failure.rate,
                "kind": self.failure.kind,
                "status": self.failure.status,
                "retry_after_s": self.failure.retry_after_s,
            },
            "quality": dict(self.quality),
            "supports": {m: asdict(s) for m, s in self.supports.items()},
        }


def read_json(path: Path, origin: str) -> Any:
    """The JSON document of ``path``; a ValueError starting with ``origin`` when it cannot be
    read, is not UTF-8 or is not JSON."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"{origin}: cannot read ({error.strerror or error})") from None
    return parse_json(data, origin)


def parse_json(data: bytes, origin: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{origin}: not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{origin}: not valid JSON ({error.msg}: line {error.lineno} column {error.colno})"
        ) from None


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def load_profiles(path: Path | None = None) -> dict[str, ProviderProfile]:
    """Every provider profile of ``path`` (None: the packaged profiles.json); a ValueError
    naming the file, the provider and the field of the first problem."""
    if path is None:
        origin = "packaged profiles.json"
        data = resources.files("simulator").joinpath("profiles.json").read_bytes()
        document = parse_json(data, origin)
    else:
        origin = f"profiles file {path}"
        document = read_json(path, origin)
    if not isinstance(document, dict):
        raise ValueError(
            f"{origin}: expected a JSON object with a 'providers' list, got {_type_name(document)}"
        )
    if "providers" not in document:
        raise ValueError(f"{origin}: field 'providers' is missing (the list of provider profiles)")
    entries = document["providers"]
    if not isinstance(entries, list):
        raise ValueError(f"{origin}: field 'providers' must be a list, got {_type_name(entries)}")
    if not entries:
        raise ValueError(f"{origin}: field 'providers' is empty: list at least one provider")
    profiles: dict[str, ProviderProfile] = {}
    first_index: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{origin}: providers[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected an object, got {_type_name(entry)}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: field 'name' must be a non-empty string")
        if name in profiles:
            raise ValueError(
                f"{origin}: provider {name!r}: listed twice "
                f"(providers[{first_index[name]}] and providers[{index}])"
            )
        try:
            profiles[name] = _profile(entry)
        except ValueError as error:
            raise ValueError(f"{origin}: provider {name!r}: {error}") from None
        first_index[name] = index
    return profiles


def _field(entry: dict[str, Any], dotted: str) -> Any:
    """``entry["a"]["b"]`` for ``"a.b"``; a ValueError naming the field when it is missing."""
    value: Any = entry
    path: list[str] = []
    for key in dotted.split("."):
        if not isinstance(value, dict):
            raise ValueError(f"field {'.'.join(path)!r} must be an object")
        path.append(key)
        if key not in value:
            raise ValueError(f"field {'.'.join(path)!r} is missing")
        value = value[key]
    return value


def _number(entry: dict[str, Any], dotted: str, low: float, high: float | None = None) -> float:
    """A finite number (not a boolean) in [low, high]."""
    return _checked_number(_field(entry, dotted), dotted, low, high)


def _checked_number(value: Any, name: str, low: float, high: float | None = None) -> float:
    bounds = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < low
        or (high is not None and value > high)
    ):
        raise ValueError(f"field {name!r} must be a number {bounds}, got {value!r}")
    return float(value)


def _latency(entry: dict[str, Any], category: Category) -> Latency:
    dotted = f"latency_ms.{category}"
    spread = _field(entry, dotted)
    if not isinstance(spread, list) or len(spread) != 2:
        raise ValueError(f"field {dotted!r} must be [mean, jitter] in milliseconds")
    return Latency(
        _checked_number(spread[0], f"{dotted}[0] (mean)", 0),
        _checked_number(spread[1], f"{dotted}[1] (jitter)", 0),
    )


def _models(entry: dict[str, Any]) -> tuple[str, ...]:
    models = _field(entry, "models")
    if not isinstance(models, list) or not models:
        raise ValueError("field 'models' must be a non-empty list of model names")
    if not all(isinstance(m, str) and m.strip() for m in models):
        raise ValueError("field 'models' must list non-empty strings")
    twice = sorted({m for m in models if models.count(m) > 1})
    if twice:
        raise ValueError(f"field 'models' lists {', '.join(twice)} more than once")
    return tuple(models)


def _failure(entry: dict[str, Any]) -> FailurePlan:
    kind = _field(entry, "failure.kind")
    if kind not in FAILURE_MODES:
        raise ValueError(f"field 'failure.kind' must be one of {', '.join(FAILURE_MODES)}")
    status = _field(entry, "failure.status")
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(
            f"field 'failure.status' must be an HTTP error status (400-599), got {status!r}"
        )
    return FailurePlan(
        _number(entry, "failure.rate", 0, 1),
        cast(FailureMode, kind),
        status,
        _number(entry, "failure.retry_after_s", 0),
    )


def _profile(entry: dict[str, Any]) -> ProviderProfile:
    wire = _field(entry, "wire")
    if wire not in get_args(Wire):
        raise ValueError(f"field 'wire': unknown wire format {wire!r}")
    models = _models(entry)
    failure = _failure(entry)
    latency = {c: _latency(entry, c) for c in CATEGORIES}
    try:
        quality = {c: _number(entry, f"quality.{c}", 0, 1) for c in CATEGORIES}
    except ValueError as error:
        raise ValueError(f"{error} (quality values are probabilities in [0, 1])") from None
    supports = _field(entry, "supports")
    return ProviderProfile(
        name=str(entry["name"]),
        wire=cast(Wire, wire),
        models=models,
        latency=latency,
        failure=failure,
        quality=quality,
        supports={model: _support(supports, model) for model in models},
    )


def _support(supports: dict[str, Any], model: str) -> ModelSupport:
    """``supports[model]``: every flag of SUPPORT_FLAGS, true or false."""
    flags = supports.get(model) if isinstance(supports, dict) else None
    if not isinstance(flags, dict):
        raise ValueError(f"supports: model {model!r} needs an entry ({', '.join(SUPPORT_FLAGS)})")
    wrong = [f for f in SUPPORT_FLAGS if not isinstance(flags.get(f), bool)]
    unknown = sorted(set(flags) - set(SUPPORT_FLAGS))
    if wrong or unknown:
        raise ValueError(
            f"supports.{model}: "
            + (
                f"{', '.join(wrong)} must be true or false"
                if wrong
                else f"unknown field(s) {', '.join(unknown)}"
            )
        )
    return ModelSupport(**{f: flags[f] for f in SUPPORT_FLAGS})
