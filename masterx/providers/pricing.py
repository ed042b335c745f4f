"""USD cost of a call from its token usage and a price table (USD per 1M tokens).

The table is a data file (``prices.json`` in this package); a file named by
``MASTERX_PRICE_TABLE`` overrides or extends it, model by model, and ``MASTERX_FREE_MODELS``
(comma-separated model names) lists models the operator declares free (local Ollama, vLLM).

Matching is exact, so a price cannot be dodged: ``gpt-5-pro`` never inherits ``gpt-5``'s
price. Exactly two normalisations are applied, in order, and each is tried only when the
name as given is not listed:

1. a ``vendor/`` or ``models/`` prefix is dropped (``openai/gpt-4o`` -> ``gpt-4o``);
2. a trailing snapshot date is dropped, ``-YYYY-MM-DD`` or ``-YYYYMMDD``
   (``gpt-4o-2024-08-06`` -> ``gpt-4o``, ``claude-haiku-4-5-20251001`` -> ``claude-haiku-4-5``).

Anything else (``-pro``, ``-latest``, ``-preview``) must be listed itself, or it is unpriced:
:meth:`PriceTable.price_for` returns None, :meth:`PriceTable.cost` 0.0 (an auto-routed model
is always priced: ``tests/providers/test_pricing.py`` checks every simulated and default
model), and :func:`require_pinnable` refuses to pin it before any call is made.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from masterx.providers.base import Usage
from masterx.providers.table_files import read_table_text

PRICE_TABLE_VARIABLE = "MASTERX_PRICE_TABLE"
FREE_MODELS_VARIABLE = "MASTERX_FREE_MODELS"

_SNAPSHOT_DATE = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8})$")


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float


ZERO_PRICE = Price(0.0, 0.0)


class UnpricedModelError(ValueError):
    """A model with no price was pinned; the message names it and says how to price it."""

    def __init__(self, model: str) -> None:
        super().__init__(
            f"model {model!r} has no price in the price table, so it cannot be pinned: "
            f"add it to a {PRICE_TABLE_VARIABLE} file, or list it in {FREE_MODELS_VARIABLE} "
            "if it costs nothing"
        )
        self.model = model


def candidate_names(model: str) -> list[str]:
    """The names ``model`` is looked up under, in order (the two rules of the module doc)."""
    names = [model]
    bare = model.rsplit("/", 1)[-1]
    names.append(bare)
    for name in (model, bare):
        undated = _SNAPSHOT_DATE.sub("", name)
        names.append(undated)
    return [name for name in dict.fromkeys(names) if name]


class PriceTable:
    def __init__(self, prices: dict[str, Price], free_models: Iterable[str] = ()) -> None:
        self._prices = prices
        self._free = frozenset(name.strip() for name in free_models if name.strip())

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        overrides: Path | None = None,
        free_models: Iterable[str] = (),
    ) -> PriceTable:
        """The packaged table (or ``path``), with the models of ``overrides`` replacing it.

        Raises ValueError naming the file for a file that cannot be read, is not UTF-8 JSON,
        or holds a price that is not a finite number >= 0.
        """
        if path is None:
            packaged = resources.files("masterx.providers").joinpath("prices.json")
            prices = _parse(_read(packaged, "prices.json"), "prices.json")
        else:
            prices = _parse(_read(path, str(path)), str(path))
        if overrides is not None:
            prices.update(_parse(_read(overrides, str(overrides)), str(overrides)))
        return cls(prices, free_models)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> PriceTable:
        """The table ``MASTERX_PRICE_TABLE`` and ``MASTERX_FREE_MODELS`` describe; a bad file
        is a ValueError naming the variable and the file."""
        override = environ.get(PRICE_TABLE_VARIABLE, "").strip()
        free = environ.get(FREE_MODELS_VARIABLE, "").split(",")
        try:
            return cls.load(overrides=Path(override) if override else None, free_models=free)
        except ValueError as error:
            if not override or not str(error).startswith(f"price table {Path(override)}:"):
                raise
            raise ValueError(f"{PRICE_TABLE_VARIABLE}: {error}") from None

    def price_for(self, model: str) -> Price | None:
        """The model's price, or None when no rule of the module doc finds it."""
        for name in candidate_names(model):
            if name in self._prices:
                return self._prices[name]
            if name in self._free:
                return ZERO_PRICE
        return None

    def is_priced(self, model: str) -> bool:
        return self.price_for(model) is not None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        price = self.price_for(model)
        if price is None:
            return 0.0
        return (
            prompt_tokens * price.input_per_million + completion_tokens * price.output_per_million
        ) / 1_000_000

    def cost_of(self, usage: Usage, model: str) -> float:
        return self.cost(model, usage.prompt_tokens, usage.completion_tokens)

    def worst_case_cost(self, model: str, prompt_tokens: int, max_tokens: int) -> float:
        """The most a call can cost if the provider honours ``max_tokens``.

        Raises :class:`UnpricedModelError` for an unpriced model.
        """
        price = require_pinnable(self, model)
        return (
            prompt_tokens * price.input_per_million + max_tokens * price.output_per_million
        ) / 1_000_000


def require_pinnable(prices: PriceTable, model: str) -> Price:
    """The price of a model a request pins; :class:`UnpricedModelError` when it has none."""
    price = prices.price_for(model)
    if price is None:
        raise UnpricedModelError(model)
    return price


def _read(source: Path | Traversable, origin: str) -> str:
    return read_table_text(source, "price table", origin)


def _number(value: Any) -> float | None:
    """A price as a float; None unless a real, finite number >= 0 (not a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _parse(text: str, origin: str) -> dict[str, Price]:
    try:
        raw = json.loads(text)
    except ValueError as error:  # JSONDecodeError, or an integer literal too long to convert
        raise ValueError(f"price table {origin}: not valid JSON ({error})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"price table {origin}: expected an object of model -> price")
    prices = {}
    for model, entry in raw.items():
        if model.startswith("_"):
            continue
        if not isinstance(entry, dict) or "input" not in entry or "output" not in entry:
            raise ValueError(
                f"price table {origin}: model {model!r} needs numeric "
                "'input' and 'output' (USD per 1M tokens)"
            )
        prices[model] = Price(
            _price(entry, "input", model, origin), _price(entry, "output", model, origin)
        )
    return prices


def _price(entry: dict[str, Any], side: str, model: str, origin: str) -> float:
    number = _number(entry[side])
    if number is None:
        raise ValueError(
            f"price table {origin}: model {model!r} field {side!r}: "
            f"{json.dumps(entry[side])[:60]} is not a finite number >= 0 (USD per 1M tokens)"
        )
    return number
