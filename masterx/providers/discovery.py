"""Which providers to call, found in the environment.

Real providers:
- the well-known ones of ``known_providers.json``, each switched on by its API key variable
  (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``, ``GEMINI_API_KEY`` or ``GOOGLE_API_KEY``,
  ``GROQ_API_KEY``, ``EMERGENT_LLM_KEY``);
- any number of others, each described by ``MASTERX_PROVIDER_<NAME>_BASE_URL`` and ``_MODEL``
  (both required), ``_API_KEY`` and ``_KIND`` (default ``openai_compatible``). The same
  variables override a well-known provider's defaults (``MASTERX_PROVIDER_OPENAI_MODEL``), and
  an explicit ``_BASE_URL`` switches a provider on without a key (Ollama, vLLM).

Simulated providers (the simulator at ``simulator_url``) are used when no real provider is
configured; ``MASTERX_SIMULATED_PROVIDERS=1`` forces them, ``=0`` forbids them.

Refused with a :class:`DiscoveryError` naming the variable: a base URL (or the simulator URL,
when it is used) without a host, with a bad host or a port outside 1-65535; a
``MASTERX_PROVIDER_<NAME>_<SUFFIX>`` whose suffix is none of the four (a typo such as
``_BASEURL``); an unknown ``_KIND``. A broken packaged provider list is a ValueError naming it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from masterx.hosts import host_problem
from masterx.logs import log_event
from masterx.ports import is_port
from masterx.providers.base import PROVIDER_KINDS, ProviderSpec
from masterx.providers.catalog import package_entries, simulated_providers
from masterx.providers.provider_names import (
    CONFIGURED_PROVIDER_NAME,
    CONFIGURED_PROVIDER_NAME_RULE,
)
from masterx.settings import redact_url

logger = logging.getLogger("masterx.providers.discovery")

SIMULATED_VARIABLE = "MASTERX_SIMULATED_PROVIDERS"
PROVIDER_PREFIX = "MASTERX_PROVIDER_"
SIMULATOR_URL_VARIABLE = "MASTERX_SIMULATOR_URL"
_SETTINGS = ("BASE_URL", "API_KEY", "MODEL", "KIND")
# Service settings that share the prefix (router settings): not a provider's.
_NOT_PROVIDER_SETTINGS = frozenset(
    ("TIMEOUT_SECONDS", "CONNECT_TIMEOUT_SECONDS", "READ_TIMEOUT_SECONDS")
)
_KNOWN_FILE = "known_providers.json"
_KNOWN_FIELDS = ("name", "kind", "base_url", "model", "api_key_variables")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class DiscoveryError(ValueError):
    """The environment describes no usable set of providers; the message names the variable."""


@dataclass(frozen=True)
class ProviderDiscovery:
    providers: list[ProviderSpec]
    simulated: bool
    reason: str


def discover_providers(environ: Mapping[str, str], simulator_url: str) -> list[ProviderSpec]:
    return discover(environ, simulator_url).providers


def discover(environ: Mapping[str, str], simulator_url: str) -> ProviderDiscovery:
    forced = _simulated_switch(environ.get(SIMULATED_VARIABLE, ""))
    real = configured_providers(environ)
    problem = url_problem(simulator_url)
    if problem and (forced is True or (forced is None and not real)):
        raise DiscoveryError(f"{SIMULATOR_URL_VARIABLE}: {problem}")
    if forced is True:
        found = ProviderDiscovery(
            simulated_providers(simulator_url), True, f"{SIMULATED_VARIABLE}=1"
        )
    elif real:
        found = ProviderDiscovery(real, False, "provider configuration in the environment")
    elif forced is False:
        raise DiscoveryError(
            f"{SIMULATED_VARIABLE}=0 but no real provider is configured: set an API key "
            "(OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GROQ_API_KEY, EMERGENT_LLM_KEY) "
            f"or {PROVIDER_PREFIX}<NAME>_BASE_URL and _MODEL"
        )
    else:
        found = ProviderDiscovery(
            simulated_providers(simulator_url), True, "no provider API key in the environment"
        )
    log_event(
        logger,
        "providers_discovered",
        simulated=found.simulated,
        reason=found.reason,
        providers=[f"{p.name} ({p.kind}, {p.model})" for p in found.providers],
    )
    return found


def configured_providers(environ: Mapping[str, str]) -> list[ProviderSpec]:
    """The real providers the environment configures (well-known first, then by name)."""
    settings = _provider_settings(environ)
    found = []
    for entry in _known_providers():
        name = entry["name"]
        given = settings.pop(name, {})
        key = given.get("API_KEY") or next(
            (environ[v] for v in entry["api_key_variables"] if environ.get(v, "").strip()), ""
        )
        if key.strip() or "BASE_URL" in given:
            found.append(_spec(name, {**_defaults(entry), **given, "API_KEY": key.strip()}))
    for name in sorted(settings):
        missing = [s for s in ("BASE_URL", "MODEL") if s not in settings[name]]
        if missing:
            variables = ", ".join(f"{PROVIDER_PREFIX}{name.upper()}_{s}" for s in missing)
            raise DiscoveryError(f"provider {name!r} needs {variables}")
        found.append(_spec(name, {"KIND": "openai_compatible", **settings[name]}))
    return found


def _spec(name: str, values: dict[str, str]) -> ProviderSpec:
    kind = values["KIND"].strip().lower()
    variable = f"{PROVIDER_PREFIX}{name.upper()}"
    if kind not in PROVIDER_KINDS:
        raise DiscoveryError(f"{variable}_KIND: {kind!r} is not one of {', '.join(PROVIDER_KINDS)}")
    base_url = values["BASE_URL"].strip()
    problem = url_problem(base_url)
    if problem:
        raise DiscoveryError(f"{variable}_BASE_URL: {problem}")
    model = values["MODEL"].strip()
    if not model:
        raise DiscoveryError(f"{variable}_MODEL: must not be empty")
    return ProviderSpec(
        name=name,
        kind=kind,
        base_url=base_url,
        model=model,
        api_key=values.get("API_KEY", "").strip(),
    )


def _provider_settings(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    settings: dict[str, dict[str, str]] = {}
    for variable, value in environ.items():
        if not variable.startswith(PROVIDER_PREFIX) or not value.strip():
            continue
        rest = variable[len(PROVIDER_PREFIX) :]
        setting = next((s for s in _SETTINGS if rest.endswith("_" + s)), None)
        if setting is None:
            if rest in _NOT_PROVIDER_SETTINGS:
                continue
            raise DiscoveryError(
                f"{variable}: not a provider setting; expected {PROVIDER_PREFIX}<NAME>_ followed "
                f"by one of {', '.join(_SETTINGS)}"
            )
        name = rest[: -len(setting) - 1].lower()
        if CONFIGURED_PROVIDER_NAME.fullmatch(name) is None:
            raise DiscoveryError(f"{variable}: provider names are {CONFIGURED_PROVIDER_NAME_RULE}")
        settings.setdefault(name, {})[setting] = value
    return settings


def _known_providers() -> list[dict[str, Any]]:
    return package_entries(_KNOWN_FILE, _KNOWN_FIELDS)


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable http(s) base URL (no host, a bad host or port, spaces);
    None when it is."""
    shown = redact_url(url)[:80]
    if not url.startswith(("http://", "https://")):
        return f"expected an http:// or https:// URL, got {shown!r}"
    if any(c.isspace() for c in url):
        return f"{shown!r} contains white space"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return f"{shown!r} is not a valid URL (its host or port cannot be read)"
    host = parsed.host
    if not host:
        return f"{shown!r} has no host"
    problem = host_problem(host)
    if problem is not None:
        return f"{shown!r}: {problem}"
    if parsed.port is not None and not is_port(parsed.port):
        return f"{shown!r}: port {parsed.port} is not in 1-65535"
    return None


def _defaults(entry: dict[str, Any]) -> dict[str, str]:
    return {"BASE_URL": entry["base_url"], "MODEL": entry["model"], "KIND": entry["kind"]}


def _simulated_switch(value: str) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise DiscoveryError(f"{SIMULATED_VARIABLE}: expected 0 or 1, got {value!r}")
