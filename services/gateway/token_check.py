"""A managed key's token checked on the calls that spend nothing (costs, feedback, route,
providers, benchmarks, sessions, models): the chat calls have it checked by ``Admit``
(``spend.py``), every other API call by the keys service's ``Authenticate`` here, before the
request is bound to the key's id (``auth.py``). A token's shape names a key id, which is not
secret (it comes back in ``x-masterx-key-id``): only its hash proves the caller holds the key.

A check is remembered for :data:`REMEMBERED_S` per token (its SHA-256, never the token), as the
keys service remembers a key: a revoked key is refused everywhere within about a second.
"""

from __future__ import annotations

import hashlib
import time

from services.gateway.errors import GatewayError, unauthenticated
from services.gateway.keys_upstream import KeysUpstream

REMEMBERED_S = 1.0
MAX_REMEMBERED = 10_000
NOT_VALID = "the API key is not valid"
# The calls that admit their request (and so check its token) themselves: POST only.
ADMITTING_PATHS = frozenset({"/v1/chat/completions", "/v1/messages", "/api/v1/chat"})


class TokenCheck:
    """Whether a managed key's token is its key's and the key not revoked."""

    def __init__(self, keys: KeysUpstream, timeout_s: float) -> None:
        self._keys = keys
        self._timeout_s = timeout_s
        self._checked: dict[bytes, tuple[float, GatewayError | None]] = {}

    async def problem(self, token: str, key_id: str) -> GatewayError | None:
        """None when ``token`` holds key ``key_id``, live; else the 401 (or the keys service's
        own error: 503 when it cannot be reached)."""
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        now = time.monotonic()
        remembered = self._checked.get(digest)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        try:
            reply = await self._keys.authenticate(token, self._timeout_s)
        except GatewayError as error:
            if error.status != 401:
                return error  # not an answer about the token: never remembered
            found: GatewayError | None = unauthenticated(NOT_VALID, "invalid_api_key")
        else:
            if reply.key_id != key_id:
                found = unauthenticated(NOT_VALID, "invalid_api_key")
            elif reply.revoked:
                found = unauthenticated("the API key is revoked", "invalid_api_key")
            else:
                found = None
        if len(self._checked) >= MAX_REMEMBERED:
            self._checked.clear()
        self._checked[digest] = (now + REMEMBERED_S, found)
        return found


def needs_check(method: str, path: str) -> bool:
    """Whether a request's managed token must be checked here (not by its own Admit)."""
    return not (method == "POST" and path in ADMITTING_PATHS)
