"""Which providers the simulator plays, and the adapter that calls any provider."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from typing import Any

import httpx

from masterx.providers.adapter import HttpProviderAdapter
from masterx.providers.anthropic import AnthropicMessagesFormat
from masterx.providers.base import PROVIDER_KINDS, ProviderAdapter, ProviderSpec
from masterx.providers.gemini import GeminiFormat
from masterx.providers.openai_compat import OpenAIChatFormat
from masterx.providers.pricing import PriceTable
from masterx.providers.tokens import TokenCounter
from masterx.providers.transport import ProviderTimeouts
from masterx.providers.wire import WireFormat

SIMULATED_FILE = "simulated_providers.json"
_SIMULATED_FIELDS = ("name", "kind", "model", "path")


def simulated_providers(simulator_url: str) -> list[ProviderSpec]:
    """The providers the simulator plays, each in its own wire format under
    ``{simulator_url}{path}`` (``/openai/v1``, ``/anthropic``, ``/gemini/v1beta`` ...).

    A broken ``simulated_providers.json`` is a ValueError naming the file and the entry.
    """
    base = simulator_url.rstrip("/")
    return [
        ProviderSpec(
            name=entry["name"],
            kind=entry["kind"],
            model=entry["model"],
            base_url=f"{base}{entry['path']}",
            simulated=True,
        )
        for entry in package_entries(SIMULATED_FILE, _SIMULATED_FIELDS)
    ]


def package_entries(file: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The entries of a packaged provider list (``simulated_providers.json``,
    ``known_providers.json``): each an object with a non-empty string for every one of
    ``fields`` (``api_key_variables``: a list of strings), a known ``kind``, a unique ``name``.
    Anything else is a ValueError naming the file, the entry and the field."""
    try:
        raw = json.loads(resources.files("masterx.providers").joinpath(file).read_bytes())
    except (OSError, ValueError) as error:  # ValueError: JSONDecodeError, UnicodeDecodeError
        raise ValueError(f"{file}: cannot be read as UTF-8 JSON ({error})") from None
    if not isinstance(raw, list):
        raise ValueError(f"{file}: expected a list of provider entries")
    names: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"{file}: entry {index + 1}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected an object")
        for field in fields:
            value = entry.get(field)
            ok = (
                isinstance(value, list) and all(isinstance(v, str) and v for v in value)
                if field == "api_key_variables"
                else isinstance(value, str) and value.strip() != ""
            )
            if not ok:
                raise ValueError(f"{where}: field {field!r} is missing or not valid")
        if entry["kind"] not in PROVIDER_KINDS:
            raise ValueError(
                f"{where}: kind {entry['kind']!r} is not one of {', '.join(PROVIDER_KINDS)}"
            )
        if entry["name"] in names:
            raise ValueError(f"{where}: provider name {entry['name']!r} is used twice")
        names.add(entry["name"])
    return raw


@cache
def default_price_table() -> PriceTable:
    """The price table of this process's environment (``MASTERX_PRICE_TABLE``,
    ``MASTERX_FREE_MODELS``), as the services load it; read once. Services load it themselves
    at start-up (so a bad file stops them cleanly) and pass it to :func:`build_adapter`."""
    return PriceTable.from_environment(os.environ)


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
