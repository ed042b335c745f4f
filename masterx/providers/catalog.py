"""Which providers exist, and the adapter that calls each."""

from __future__ import annotations

import json
from importlib import resources

import httpx

from masterx.providers.base import ProviderAdapter, ProviderSpec
from masterx.providers.openai_compat import OpenAICompatibleAdapter


def simulated_providers(simulator_url: str) -> list[ProviderSpec]:
    """The providers the simulator plays, each under ``{simulator_url}/{name}/v1``."""
    text = resources.files("masterx.providers").joinpath("simulated_providers.json").read_text()
    base = simulator_url.rstrip("/")
    return [
        ProviderSpec(
            name=entry["name"], kind=entry["kind"], model=entry["model"],
            base_url=f"{base}/{entry['name']}/v1", simulated=True,
        )
        for entry in json.loads(text)
    ]


def build_adapter(spec: ProviderSpec, timeout: httpx.Timeout) -> ProviderAdapter:
    if spec.kind in ("openai", "groq", "openai_compatible"):
        return OpenAICompatibleAdapter(spec, timeout)
    raise ValueError(f"provider {spec.name!r}: no adapter for kind {spec.kind!r}")
