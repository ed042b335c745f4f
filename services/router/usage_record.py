"""The usage record: one MongoDB document per chat request, in collection ``usage``.

Written by the router after each reply (``bookkeeping.py``, through a write buffer) and read by
the cost ledger (``costs.py``): its schema is here, once, with the fields the ledger groups and
sums. The key is made here, once per record: a caller's request id is not unique (a client
chooses it), so it is only a field, and ten requests that share one leave ten records.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from masterx.chat.contract import Attempt, ChatReply, ChatRequest
from masterx.domain import Category
from masterx.providers.base import Usage
from services.router.decision import Decision

COLLECTION = "usage"
Status = Literal["ok", "failed", "stream_failed", "cancelled"]
# What the provider billed: answered calls, and streams the client left (the text sent so far).
BILLED: tuple[Status, ...] = ("ok", "cancelled")

# What the cost ledger reads: it groups by these and sums those.
PROVIDER, CATEGORY, DAY = "provider", "category", "day"
# The caller's API key as the gateway names it (ChatRequest.key_id: a managed key's id, a
# static key's hash prefix, "" without a key) and the learner (the request's user).
KEY_ID, USER_ID = "key_id", "user_id"
COST_USD, PROMPT_TOKENS, COMPLETION_TOKENS = "cost_usd", "prompt_tokens", "completion_tokens"
# A request answered from the response cache: ``cached`` true, cost and tokens 0 (no provider
# was called), and what the original call cost in ``cost_saved_usd``.
CACHED, COST_SAVED_USD = "cached", "cost_saved_usd"
CREATED_AT = "created_at"
GROUPS = (PROVIDER, CATEGORY, DAY, KEY_ID, USER_ID)


def usage_day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def usage_document(
    request: ChatRequest,
    decision: Decision,
    reply: ChatReply | None,
    attempts: Sequence[Attempt],
    status: Status,
    latency_ms: float,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The record of one request: who answered (None when nobody did), what it used and cost
    (a cache hit used nothing: its tokens and cost are 0, what it saved is recorded)."""
    created = created or datetime.now(UTC)
    cached = reply is not None and reply.cached
    usage = reply.usage if reply and not cached else Usage(0, 0)
    category: Category = decision.category
    return {
        "_id": uuid.uuid4().hex,
        "request_id": request.request_id,
        USER_ID: request.user_id,
        KEY_ID: request.key_id,
        "session_id": decision.session_id,
        PROVIDER: reply.routing.provider if reply else None,
        "model": reply.routing.model if reply else None,
        CATEGORY: category.value,
        "reason": reply.routing.reason.value if reply else None,
        "emotion": decision.emotion.as_dict(),
        PROMPT_TOKENS: usage.prompt_tokens,
        COMPLETION_TOKENS: usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        COST_USD: reply.cost_usd if reply else 0.0,
        CACHED: cached,
        COST_SAVED_USD: reply.cost_saved_usd if reply else 0.0,
        "latency_ms": latency_ms,
        "status": status,
        "attempts": [
            {
                "provider": a.provider,
                "model": a.model,
                "ok": a.ok,
                "kind": a.kind.value if a.kind else None,
                "latency_ms": round(a.latency_ms, 3),
            }
            for a in attempts
        ],
        CREATED_AT: created,
        DAY: usage_day(created),
    }
