"""Simulated provider profiles: wire format, models, latency, failures and quality."""

from __future__ import annotations

import json
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


def load_profiles(path: Path | None = None) -> dict[str, ProviderProfile]:
    if path is None:
        text = resources.files("simulator").joinpath("profiles.json").read_text()
    else:
        text = path.read_text()
    origin = str(path or "profiles.json")
    profiles = {}
    for entry in json.loads(text)["providers"]:
        try:
            profile = _profile(entry)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{origin}: provider {entry.get('name')!r}: {error}") from None
        profiles[profile.name] = profile
    return profiles


def _profile(entry: dict[str, Any]) -> ProviderProfile:
    wire = entry["wire"]
    if wire not in get_args(Wire):
        raise ValueError(f"unknown wire format {wire!r}")
    failure = entry["failure"]
    if failure["kind"] not in FAILURE_MODES or not 0 <= float(failure["rate"]) <= 1:
        raise ValueError("failure needs a rate in [0, 1] and a kind in " + ", ".join(FAILURE_MODES))
    latency = {
        c: Latency(float(entry["latency_ms"][c][0]), float(entry["latency_ms"][c][1]))
        for c in CATEGORIES
    }
    quality = {c: float(entry["quality"][c]) for c in CATEGORIES}
    if not all(0 <= q <= 1 for q in quality.values()):
        raise ValueError("quality values are probabilities in [0, 1]")
    models = tuple(str(m) for m in entry["models"])
    return ProviderProfile(
        name=str(entry["name"]),
        wire=cast(Wire, wire),
        models=models,
        latency=latency,
        failure=FailurePlan(
            float(failure["rate"]),
            cast(FailureMode, failure["kind"]),
            int(failure["status"]),
            float(failure["retry_after_s"]),
        ),
        quality=quality,
        supports={model: _support(entry["supports"], model) for model in models},
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
