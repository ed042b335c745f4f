"""API keys in MongoDB (collection ``api_keys``): one document per key, by id.

A document holds the key's policy (``masterx/keys/policy.py``), ``token_sha256`` (the secret
itself is never stored: ``masterx/keys/token.py``), ``created_at``, ``updated_at`` and
``revoked_at`` (revocation is soft: the document stays for the usage history). Lookups for
authentication go through a per-replica cache whose entries live at most ``cache_ttl_s``
(<= 1 s), so an update or a revocation reaches every replica within that time even when
Redis, which carries the revocation at once, is down.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from masterx.keys.policy import ApiKey, KeyPolicy, policy_from
from masterx.keys.token import KEY_ID, IssuedToken, issue_token, key_id_of, token_matches
from masterx.quoting import quoted

COLLECTION = "api_keys"
MAX_CACHE_TTL_S = 1.0
MAX_CACHED_KEYS = 10_000  # made-up ids cannot grow the cache without bound


class KeyNotFoundError(LookupError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"no API key with id {quoted(key_id)}")
        self.key_id = key_id


def _document(key: ApiKey) -> dict[str, Any]:
    policy = asdict(key.policy)
    policy["models"] = list(key.policy.models)
    return {
        "_id": key.key_id,
        **policy,
        "token_sha256": key.token_sha256,
        "created_at": key.created_at,
        "updated_at": key.updated_at,
        "revoked_at": key.revoked_at,
    }


def _key(document: Mapping[str, Any]) -> ApiKey:
    policy = KeyPolicy(
        name=document["name"],
        budget_day_usd=document.get("budget_day_usd"),
        budget_month_usd=document.get("budget_month_usd"),
        user_budget_day_usd=document.get("user_budget_day_usd"),
        rpm=document.get("rpm"),
        tpm=document.get("tpm"),
        max_tokens=document.get("max_tokens"),
        models=tuple(document.get("models") or ("auto",)),
        cache=document.get("cache"),
    )
    return ApiKey(
        key_id=document["_id"],
        policy=policy,
        token_sha256=document["token_sha256"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        revoked_at=document.get("revoked_at"),
    )


class KeyStore:
    def __init__(
        self,
        database: AsyncDatabase[dict[str, Any]],
        cache_ttl_s: float = MAX_CACHE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= cache_ttl_s <= MAX_CACHE_TTL_S:
            raise ValueError(f"key cache TTL must be between 0 and {MAX_CACHE_TTL_S} s")
        self._keys: AsyncCollection[dict[str, Any]] = database[COLLECTION]
        self._ttl = cache_ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}

    @staticmethod
    def _now() -> datetime:
        """Now, to the millisecond that BSON keeps, so a stored key equals the one returned."""
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    async def create(self, values: Mapping[str, Any]) -> tuple[ApiKey, IssuedToken]:
        """A new key from validated ``values``; the token is for the caller to show once."""
        policy = policy_from(values)
        issued = issue_token()
        now = self._now()
        key = ApiKey(issued.key_id, policy, issued.token_sha256, now, now)
        await self._keys.insert_one(_document(key))
        return key, issued

    async def list(self) -> list[ApiKey]:
        cursor = self._keys.find({}).sort([("created_at", 1), ("_id", 1)])
        return [_key(document) async for document in cursor]

    async def get(self, key_id: str) -> ApiKey:
        document = await self._keys.find_one({"_id": key_id}) if KEY_ID.match(key_id) else None
        if document is None:
            raise KeyNotFoundError(key_id)
        return _key(document)

    async def update(self, key_id: str, changes: Mapping[str, Any]) -> ApiKey:
        """Apply validated ``changes`` (None clears a limit); a revoked key can still change."""
        key = await self.get(key_id)
        policy = key.policy.updated(changes)
        fields = _document(ApiKey(key_id, policy, key.token_sha256, key.created_at, self._now()))
        for fixed in ("_id", "token_sha256", "created_at", "revoked_at"):
            fields.pop(fixed)
        await self._keys.update_one({"_id": key_id}, {"$set": fields})
        self._cache.pop(key_id, None)
        return await self.get(key_id)

    async def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (idempotent: the first ``revoked_at`` stays)."""
        await self.get(key_id)
        now = self._now()
        await self._keys.update_one(
            {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": now, "updated_at": now}}
        )
        self._cache.pop(key_id, None)
        return await self.get(key_id)

    async def authenticate(self, token: str) -> ApiKey | None:
        """The key a bearer token belongs to (revoked or not), or None when none matches."""
        key_id = key_id_of(token)
        if key_id is None:
            return None
        now = self._clock()
        cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now:
            key = cached[1]
        else:
            try:
                key = await self.get(key_id)
            except KeyNotFoundError:
                key = None
            if len(self._cache) >= MAX_CACHED_KEYS:
                self._cache.clear()
            self._cache[key_id] = (now + self._ttl, key)
        if key is None or not token_matches(token, key.token_sha256):
            return None
        return key
