"""What a request needs of a model, and which providers can serve it (README, "Capability
routing").

The needs come from the request (:func:`needs_of`: tools, a JSON format, images, its estimated
length and requested output); :func:`screen` judges every configured provider's model against
the capability table (``masterx/providers/capability_check.py``) before any ranking, so a
provider that cannot serve the request is never ranked nor a fallback, and is listed with the
reason. Capability is a filter, never a score.
"""

from __future__ import annotations

from masterx.chat.contract import ChatRequest, Exclusion
from masterx.providers.capabilities import CapabilityTable
from masterx.providers.capability_check import Candidate, RequestNeeds, judge_candidates
from masterx.providers.chat_parts import json_text
from masterx.providers.tokens import approximate_tokens


class CapabilityError(ValueError):
    """No provider (or not the pinned one) can serve the request; the message names why."""


def needs_of(request: ChatRequest, *, stream: bool = False) -> RequestNeeds:
    """What ``request`` needs; ``stream``: its tool calls must stream too."""
    options = request.options
    output = options.response_format
    text = sum(approximate_tokens(t.content) for t in request.turns if t.content)
    schemas = sum(approximate_tokens(json_text(t.parameters)) for t in options.tools)
    return RequestNeeds(
        tools=bool(options.tools),
        parallel_tool_calls=bool(options.tools) and options.parallel_tool_calls is True,
        streaming_tool_calls=bool(options.tools) and stream,
        json_mode=output is not None and output.kind == "json_object",
        json_schema=output is not None and output.kind == "json_schema",
        vision=any(t.images for t in request.turns),
        prompt_tokens=text + schemas,
        max_output_tokens=request.max_tokens,
    )


def screen(
    needs: RequestNeeds,
    models: dict[str, str],
    kinds: dict[str, str],
    table: CapabilityTable,
) -> tuple[dict[str, str], tuple[Exclusion, ...]]:
    """The providers (name: model) that can serve ``needs``, and the ones excluded, why."""
    verdicts = judge_candidates(
        needs, (Candidate(name, kinds[name], model) for name, model in models.items()), table
    )
    allowed = {v.candidate.provider: v.candidate.model for v in verdicts if v.can_serve}
    excluded = tuple(
        Exclusion(
            v.candidate.provider,
            v.candidate.model,
            "; ".join(s.reason for s in v.shortfalls),
        )
        for v in verdicts
        if not v.can_serve
    )
    return allowed, excluded


def refusal(excluded: tuple[Exclusion, ...], pinned: str = "") -> CapabilityError:
    listed = "; ".join(f"{e.provider}/{e.model}: {e.reason}" for e in excluded)
    if pinned:
        return CapabilityError(f"the pinned {pinned} cannot serve this request: {listed}")
    return CapabilityError(f"no provider can serve this request: {listed}")
