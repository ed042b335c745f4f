"""What a cached answer is filed under: a hash of everything that determines the answer.

An answer may be reused only for a request that would have produced it: the same conversation
(every turn, normalised: roles, text, images, tool calls; history included, as the router sends
it), the same served model (the decision's chosen provider and model, or the pin), the same
parameters that change the output (max_tokens, temperature, tools, tool choice, response
format, stop, top_p, seed) and context, in the same namespace: a key's own (its key_id) or the
shared one. Normalising only removes differences a model never sees (line endings, the blank
space around a turn, the order of a JSON object's keys); a request that differs in anything
else gets its own entry. Pure functions, no I/O (README, "Response cache").
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import orjson

from masterx.chat.contract import CacheScope, ChatRequest
from masterx.domain import Category
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import ImagePart, ToolCall

PREFIX = "masterx:cache:v1:"  # bumped when the layout of a key or an entry changes
# Never served from the cache, whatever the configuration says: a distressed learner gets an
# answer written for them, not one written for someone else.
NEVER_CACHED = Category.EMPATHY


def namespace(scope: CacheScope, key_id: str) -> str:
    """Where a request's answers live: its key's own space, or the shared one."""
    return "shared" if scope == "shared" else f"key:{key_id}"


def _text(content: str) -> str:
    return content.replace("\r\n", "\n").strip()


def _json(text: str) -> Any:
    """A tool call's arguments as their value (key order then does not matter), or the text
    as given when it is not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def _image(image: ImagePart) -> list[str]:
    if image.url:
        return ["url", image.url]
    return ["data", image.media_type, hashlib.sha256(image.data.encode()).hexdigest()]


def _call(call: ToolCall) -> list[Any]:
    return [call.id, call.name, _json(call.arguments)]


def _turn(turn: ChatTurn) -> list[Any]:
    return [
        turn.role,
        _text(turn.content),
        [_image(i) for i in turn.images],
        [_call(c) for c in turn.tool_calls],
        turn.tool_call_id,
    ]


def _canonical(value: Any) -> bytes:
    """``value`` as JSON with sorted keys; what orjson refuses (integers beyond 64 bits in a
    caller's schema) through the standard library."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(value, sort_keys=True, ensure_ascii=True, default=str).encode()


def cache_key(request: ChatRequest, provider: str, model: str) -> str:
    """The Redis key of the answer ``provider``/``model`` gives ``request`` (its turns as the
    router sends them to the provider)."""
    material = {
        "namespace": namespace(request.cache, request.key_id),
        "provider": provider,
        "model": model,
        "turns": [_turn(t) for t in request.turns],
        "context": dict(request.context),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "options": dataclasses.asdict(request.options),
    }
    return PREFIX + hashlib.sha256(_canonical(material)).hexdigest()
