"""Which providers the simulator plays, and the adapter that calls any provider."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import httpx

from masterx.providers.adapter import HttpProviderAdapter
from masterx.providers.anthropic import AnthropicMessagesFormat
from masterx.providers.base import ProviderAdapter, ProviderSpec
from masterx.providers.gemini import GeminiFormat
from masterx.providers.openai_compat import OpenAIChatFormat
from masterx.providers.pricing import PriceTable
from masterx.providers.tokens import TokenCounter
from masterx.providers.transport import ProviderTimeouts
from masterx.providers.wire import WireFormat


def simulated_providers(simulator_url: str) -> list[ProviderSpec]:
    """The providers the simulator plays, each in its own wire format under
    ``{simulator_url}{path}`` (``/openai/v1``, ``/anthropic``, ``/gemini/v1beta`` ...)."""
    text = resources.files("masterx.providers").joinpath("simulated_providers.json").read_text()
    base = simulator_url.rstrip("/")
    return [
        ProviderSpec(
            name=entry["name"],
            kind=entry["kind"],
            model=entry["model"],
            base_url=f"{base}{entry['path']}",
            simulated=True,
        )
        for entry in json.loads(text)
    ]


@cache
def default_price_table() -> PriceTable:
    return PriceTable.load()


@cache
def default_token_counter() -> TokenCounter:
    return TokenCounter()


def wire_format(spec: ProviderSpec) -> WireFormat:
    if spec.kind == "openai":
        return OpenAIChatFormat(max_tokens_field="max_completion_tokens")
    if spec.kind in ("groq", "openai_compatible"):
        return OpenAIChatFormat(max_tokens_field="max_tokens")
    if spec.kind == "anthropic":
        return AnthropicMessagesFormat()
    if spec.kind == "gemini":
        return GeminiFormat()
    raise ValueError(f"provider {spec.name!r}: no adapter for kind {spec.kind!r}")


def build_adapter(
    spec: ProviderSpec,
    timeout: httpx.Timeout | ProviderTimeouts,
    *,
    prices: PriceTable | None = None,
    counter: TokenCounter | None = None,
) -> ProviderAdapter:
    """An adapter with its own connection pool; ``aclose()`` it when done."""
    return HttpProviderAdapter(
        spec,
        wire_format(spec),
        ProviderTimeouts.of(timeout),
        prices or default_price_table(),
        counter or default_token_counter(),
    )
