"""Can a provider's model serve this request? A pure check of a request's needs against
:class:`masterx.providers.capabilities.ModelCapabilities`.

The rule: a candidate serves a request when its model is in the table, has every capability the
request needs, and the prompt plus the requested output fit its context window and output
limit; otherwise each unmet need is one :class:`Shortfall`, in the fixed order of
``CAPABILITIES``, so the same request always gets the same explanation. Capability is a filter,
never a score: this module ranks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from masterx.providers.capabilities import CapabilityTable, ModelCapabilities

Capability = Literal[
    "known_model",
    "tools",
    "parallel_tool_calls",
    "streaming_tool_calls",
    "json_mode",
    "json_schema",
    "vision",
    "context_window",
    "max_output_tokens",
]
CAPABILITIES: tuple[Capability, ...] = get_args(Capability)  # the order shortfalls are named in


@dataclass(frozen=True)
class RequestNeeds:
    """What a request asks of a model; the default asks nothing beyond text in, text out."""

    tools: bool = False
    parallel_tool_calls: bool = False
    streaming_tool_calls: bool = False  # tools offered on a streamed request
    json_mode: bool = False
    json_schema: bool = False
    vision: bool = False
    prompt_tokens: int = 0  # estimated
    max_output_tokens: int | None = None  # as requested; None: the model's default

    @property
    def plain(self) -> bool:
        return not (
            self.tools
            or self.parallel_tool_calls
            or self.streaming_tool_calls
            or self.json_mode
            or self.json_schema
            or self.vision
        )


@dataclass(frozen=True)
class Shortfall:
    capability: Capability
    reason: str  # short, names the capability, for the decision's explain output


@dataclass(frozen=True)
class Candidate:
    provider: str  # the configured provider name
    kind: str  # its kind: openai, anthropic, gemini, groq, openai_compatible
    model: str


@dataclass(frozen=True)
class Verdict:
    candidate: Candidate
    shortfalls: tuple[Shortfall, ...]

    @property
    def can_serve(self) -> bool:
        return not self.shortfalls


_FLAG_REASONS: tuple[tuple[Capability, str], ...] = (
    ("tools", "no tool calling"),
    ("parallel_tool_calls", "no parallel tool calls"),
    ("streaming_tool_calls", "no streamed tool calls"),
    ("json_mode", "no JSON mode"),
    ("json_schema", "no JSON schema output"),
    ("vision", "no image input (vision)"),
)


def shortfalls_of(needs: RequestNeeds, capabilities: ModelCapabilities | None) -> list[Shortfall]:
    """What ``capabilities`` lacks for ``needs``; empty when it can serve the request. A model
    the table does not know serves only plain requests (nothing is known about it beyond text)."""
    if capabilities is None:
        if needs.plain:
            return []
        return [Shortfall("known_model", "capabilities unknown for this model")]
    found = [
        Shortfall(capability, reason)
        for capability, reason in _FLAG_REASONS
        if getattr(needs, capability) and not getattr(capabilities, capability)
    ]
    output = needs.max_output_tokens or 0
    if needs.prompt_tokens + output > capabilities.context_window:
        found.append(
            Shortfall(
                "context_window",
                f"context window {capabilities.context_window} tokens < "
                f"{needs.prompt_tokens} prompt + {output} output",
            )
        )
    if output > capabilities.max_output_tokens:
        found.append(
            Shortfall(
                "max_output_tokens",
                f"max output {capabilities.max_output_tokens} tokens < {output} requested",
            )
        )
    return found


def judge_candidates(
    needs: RequestNeeds, candidates: Iterable[Candidate], table: CapabilityTable
) -> list[Verdict]:
    """One verdict per candidate, in the order given."""
    return [
        Verdict(
            candidate,
            tuple(shortfalls_of(needs, table.capabilities_of(candidate.kind, candidate.model))),
        )
        for candidate in candidates
    ]
