"""USD cost of a call from its token usage and a price table (USD per 1M tokens).

The table is a data file (``prices.json`` in this package); a file named by
``MASTERX_PRICE_TABLE`` overrides or extends it, model by model. A model the table does not
know costs 0.0: :meth:`PriceTable.price_for` tells a caller that wants to know.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from masterx.providers.base import Usage

PRICE_TABLE_VARIABLE = "MASTERX_PRICE_TABLE"


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float


class PriceTable:
    def __init__(self, prices: dict[str, Price]) -> None:
        self._prices = prices

    @classmethod
    def load(cls, path: Path | None = None, overrides: Path | None = None) -> PriceTable:
        """The packaged table (or ``path``), with the models of ``overrides`` replacing it."""
        if path is None:
            text = resources.files("masterx.providers").joinpath("prices.json").read_text()
            prices = _parse(text, "prices.json")
        else:
            prices = _parse(path.read_text(), str(path))
        if overrides is not None:
            prices.update(_parse(overrides.read_text(), str(overrides)))
        return cls(prices)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> PriceTable:
        override = environ.get(PRICE_TABLE_VARIABLE, "").strip()
        return cls.load(overrides=Path(override) if override else None)

    def price_for(self, model: str) -> Price | None:
        for name in dict.fromkeys([model, model.rsplit("/", 1)[-1]]):
            if name in self._prices:
                return self._prices[name]
            prefixes = [key for key in self._prices if name.startswith(key + "-")]
            if prefixes:
                return self._prices[max(prefixes, key=len)]
        return None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        price = self.price_for(model)
        if price is None:
            return 0.0
        return (
            prompt_tokens * price.input_per_million + completion_tokens * price.output_per_million
        ) / 1_000_000

    def cost_of(self, usage: Usage, model: str) -> float:
        return self.cost(model, usage.prompt_tokens, usage.completion_tokens)


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
