"""A request's worst case, for ``Admit``: what the chat path computes before a call.

Pinned model: ``prompt x input price + max_tokens x output price`` of that model, and an
unpriced pin is refused (:class:`~masterx.providers.pricing.UnpricedModelError` names it).
Auto-routed: the same with the dearest priced model the router may choose, so the hold covers
whichever answers (an unpriced candidate is skipped: auto-routing only reaches priced models,
``tests/providers/test_pricing.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from masterx.keys.admission import RequestEstimate
from masterx.providers.pricing import PriceTable


def estimate_request(
    prices: PriceTable,
    *,
    prompt_tokens: int,
    max_tokens: int,
    pinned_model: str | None,
    auto_models: Iterable[str] = (),
    user: str | None = None,
) -> RequestEstimate:
    if pinned_model is not None:
        worst = prices.worst_case_cost(pinned_model, prompt_tokens, max_tokens)
    else:
        costs = [
            prices.worst_case_cost(model, prompt_tokens, max_tokens)
            for model in auto_models
            if prices.is_priced(model)
        ]
        worst = max(costs, default=0.0)
    return RequestEstimate(prompt_tokens, max_tokens, worst, user)
