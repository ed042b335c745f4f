"""USD cost of a call from its token usage and a price table (USD per 1M tokens)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float


class PriceTable:
    def __init__(self, prices: dict[str, Price]) -> None:
        self._prices = prices

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        if path is None:
            text = resources.files("masterx.providers").joinpath("prices.json").read_text()
        else:
            text = path.read_text()
        raw = json.loads(text)
        prices = {}
        for model, entry in raw.items():
            if model.startswith("_"):
                continue
            try:
                prices[model] = Price(float(entry["input"]), float(entry["output"]))
            except (KeyError, TypeError, ValueError):
                raise ValueError(
                    f"price table {path or 'prices.json'}: model {model!r} needs numeric "
                    "'input' and 'output' (USD per 1M tokens)"
                ) from None
        return cls(prices)

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        price = self._prices.get(model)
        if price is None:
            return 0.0
        return (prompt_tokens * price.input_per_million
                + completion_tokens * price.output_per_million) / 1_000_000
