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
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from masterx.providers.base import Usage

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
        """The packaged table (or ``path``), with the models of ``overrides`` replacing it."""
        if path is None:
            text = resources.files("masterx.providers").joinpath("prices.json").read_text()
            prices = _parse(text, "prices.json")
        else:
            prices = _parse(path.read_text(), str(path))
        if overrides is not None:
            prices.update(_parse(overrides.read_text(), str(overrides)))
        return cls(prices, free_models)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> PriceTable:
        override = environ.get(PRICE_TABLE_VARIABLE, "").strip()
        free = environ.get(FREE_MODELS_VARIABLE, "").split(",")
        return cls.load(overrides=Path(override) if override else None, free_models=free)

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


def _parse(text: str, origin: str) -> dict[str, Price]:
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError(f"price table {origin}: expected an object of model -> price")
    prices = {}
    for model, entry in raw.items():
        if model.startswith("_"):
            continue
        try:
            prices[model] = Price(float(entry["input"]), float(entry["output"]))
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"price table {origin}: model {model!r} needs numeric "
                "'input' and 'output' (USD per 1M tokens)"
            ) from None
        if min(prices[model].input_per_million, prices[model].output_per_million) < 0:
            raise ValueError(f"price table {origin}: model {model!r} has a negative price")
    return prices
