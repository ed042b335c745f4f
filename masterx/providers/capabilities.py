"""What each provider kind's models can do: tools, JSON output, images, context and output size.

The table is a data file (``capabilities.json`` in this package, with the vendor documentation
it was transcribed from); a file named by ``MASTERX_CAPABILITY_TABLE`` overrides or extends it,
model by model. A model is found by its exact name under its provider kind: a dated or longer
name never inherits a shorter one's entry, because a snapshot can differ from its family
(``gpt-4o-2024-05-13`` has no JSON schema, ``gpt-4o`` has). What a request needs of a model is
checked by :func:`masterx.providers.capability_check.shortfalls_of`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from masterx.providers.base import PROVIDER_KINDS
from masterx.providers.table_files import read_table_text

CAPABILITY_TABLE_VARIABLE = "MASTERX_CAPABILITY_TABLE"
FLAGS = (
    "tools",
    "parallel_tool_calls",
    "json_mode",
    "json_schema",
    "vision",
    "streaming_tool_calls",
)
SIZES = ("context_window", "max_output_tokens")


@dataclass(frozen=True)
class ModelCapabilities:
    tools: bool
    parallel_tool_calls: bool
    json_mode: bool
    json_schema: bool
    vision: bool
    streaming_tool_calls: bool
    context_window: int  # tokens, prompt and output together
    max_output_tokens: int


class CapabilityTableError(ValueError):
    """A capability file that cannot be used; the message names the file, model and field."""


class CapabilityTable:
    def __init__(self, entries: dict[tuple[str, str], ModelCapabilities]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, path: Path | None = None, overrides: Path | None = None) -> CapabilityTable:
        """The packaged table (or ``path``), with the entries of ``overrides`` merged over it."""
        if path is None:
            packaged = resources.files("masterx.providers").joinpath("capabilities.json")
            entries = _parse(_read(packaged, "capabilities.json"), "capabilities.json", {})
        else:
            entries = _parse(_read(path, str(path)), str(path), {})
        if overrides is not None:
            entries.update(_parse(_read(overrides, str(overrides)), str(overrides), entries))
        return cls(entries)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> CapabilityTable:
        """The packaged table with the file ``MASTERX_CAPABILITY_TABLE`` names merged over it;
        a bad file is a :class:`CapabilityTableError` naming the variable and the file."""
        override = environ.get(CAPABILITY_TABLE_VARIABLE, "").strip()
        try:
            return cls.load(overrides=Path(override) if override else None)
        except CapabilityTableError as error:
            if not override or not str(error).startswith(f"capability table {Path(override)}:"):
                raise
            raise CapabilityTableError(f"{CAPABILITY_TABLE_VARIABLE}: {error}") from None

    def capabilities_of(self, kind: str, model: str) -> ModelCapabilities | None:
        """The entry for exactly this kind and model; None when the table does not know it."""
        return self._entries.get((kind, model))

    def models(self) -> list[tuple[str, str]]:
        """Every (kind, model) the table knows, sorted."""
        return sorted(self._entries)


def _read(source: Path | Traversable, origin: str) -> str:
    return read_table_text(source, "capability table", origin, CapabilityTableError)


def _parse(
    text: str, origin: str, known: Mapping[tuple[str, str], ModelCapabilities]
) -> dict[tuple[str, str], ModelCapabilities]:
    try:
        raw = json.loads(text)
    except ValueError as error:  # JSONDecodeError, or an integer literal too long to convert
        raise CapabilityTableError(f"capability table {origin}: not valid JSON ({error})") from None
    kinds = raw.get("kinds") if isinstance(raw, dict) else None
    if not isinstance(kinds, dict):
        raise CapabilityTableError(
            f'capability table {origin}: expected {{"kinds": {{kind: {{model: {{...}}}}}}}}'
        )
    entries = {}
    for kind, models in kinds.items():
        if kind not in PROVIDER_KINDS:
            raise CapabilityTableError(
                f"capability table {origin}: unknown provider kind {kind!r}; expected one of "
                f"{', '.join(PROVIDER_KINDS)}"
            )
        if not isinstance(models, dict):
            raise CapabilityTableError(
                f"capability table {origin}: kind {kind!r} must map model names to entries"
            )
        for model, entry in models.items():
            where = f"capability table {origin}: {kind}/{model}"
            entries[(kind, model)] = _entry(entry, where, known.get((kind, model)))
    return entries


def _entry(entry: Any, where: str, base: ModelCapabilities | None) -> ModelCapabilities:
    if not isinstance(entry, dict):
        raise CapabilityTableError(f"{where}: expected an object of capabilities")
    names = {f.name for f in fields(ModelCapabilities)}
    unknown = sorted(set(entry) - names)
    if unknown:
        raise CapabilityTableError(
            f"{where}: unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(names))}"
        )
    missing = sorted(names - set(entry)) if base is None else []
    if missing:
        raise CapabilityTableError(f"{where}: missing field(s) {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name, value in entry.items():
        if name in FLAGS and not isinstance(value, bool):
            raise CapabilityTableError(f"{where}: field {name} must be true or false")
        if name in SIZES and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise CapabilityTableError(f"{where}: field {name} must be a positive integer (tokens)")
        values[name] = value
    capabilities = ModelCapabilities(**values) if base is None else replace(base, **values)
    if capabilities.max_output_tokens > capabilities.context_window:
        raise CapabilityTableError(
            f"{where}: field max_output_tokens ({capabilities.max_output_tokens}) exceeds "
            f"context_window ({capabilities.context_window})"
        )
    return capabilities
