"""What a request needs of a model, and which providers can serve it (README, "Capability
routing").

The needs come from the request (:func:`needs_of`: tools, a JSON format, images, its estimated
length and requested output); :func:`screen` judges every configured provider's model against
the capability table (``masterx/providers/capability_check.py``) before any ranking, so a
provider that cannot serve the request is never ranked nor a fallback, and is listed with the
reason. Capability is a filter, never a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from masterx.chat.contract import ChatRequest, Exclusion
from masterx.providers.capabilities import CapabilityTable
from masterx.providers.capability_check import (
    CAPABILITIES,
    Candidate,
    Capability,
    RequestNeeds,
    Verdict,
    judge_candidates,
)
from masterx.providers.chat_parts import json_text
from masterx.providers.tokens import approximate_tokens


class CapabilityError(ValueError):
    """No provider (or not the pinned one) can serve the request; the message names why, and
    ``field`` the request's field that asks for what is missing (None when the providers lack
    different things)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# The request field (the chat APIs' name for it) that asks for each capability.
FIELD_OF: dict[Capability, str] = {
    "known_model": "model",
    "tools": "tools",
    "parallel_tool_calls": "parallel_tool_calls",
    "streaming_tool_calls": "stream",
    "json_mode": "response_format",
    "json_schema": "response_format",
    "vision": "messages",
    "context_window": "messages",
    "max_output_tokens": "max_tokens",
}


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


@dataclass(frozen=True)
class Screening:
    """Who can serve a request: ``allowed`` (name: model), and the verdicts of the rest."""

    allowed: dict[str, str]
    refused: tuple[Verdict, ...]

    @property
    def excluded(self) -> tuple[Exclusion, ...]:
        return tuple(
            Exclusion(
                v.candidate.provider, v.candidate.model, "; ".join(s.reason for s in v.shortfalls)
            )
            for v in self.refused
        )


def screen(
    needs: RequestNeeds,
    models: dict[str, str],
    kinds: dict[str, str],
    table: CapabilityTable,
) -> Screening:
    """The providers that can serve ``needs``, and the ones excluded, why."""
    verdicts = judge_candidates(
        needs, (Candidate(name, kinds[name], model) for name, model in models.items()), table
    )
    return Screening(
        {v.candidate.provider: v.candidate.model for v in verdicts if v.can_serve},
        tuple(v for v in verdicts if not v.can_serve),
    )


def refusal(screening: Screening, pinned: str = "") -> CapabilityError:
    """The 400 for a request nobody (or not the pinned ``<provider>/<model>``) can serve; its
    field is the one every refused provider lacks first, in the order of ``CAPABILITIES``."""
    listed = "; ".join(f"{e.provider}/{e.model}: {e.reason}" for e in screening.excluded)
    lacking = [{s.capability for s in v.shortfalls} for v in screening.refused]
    shared = set.intersection(*lacking) if lacking else set()
    first = next((c for c in CAPABILITIES if c in shared), None)
    field = FIELD_OF[first] if first else None
    if pinned:
        return CapabilityError(f"the pinned {pinned} cannot serve this request: {listed}", field)
    return CapabilityError(f"no provider can serve this request: {listed}", field)
