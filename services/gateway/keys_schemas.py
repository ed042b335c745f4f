"""Bodies of the key admin endpoints (``routes/keys.py``) and their translation to and from
``keys.proto``. Limits absent from a body are unlimited (create) or unchanged (update); in an
update, ``null`` removes a limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from masterx.chat.contract import CacheScope
from masterx.keys.policy import (
    MAX_PINS,
    MAX_RATE,
    MAX_TOKENS_CAP,
    MAX_USD,
    NAME,
    OPTIONAL_FIELDS,
    PIN,
)
from masterx.v1 import keys_pb2

KeyName = Annotated[str, Field(min_length=1, max_length=64, pattern=NAME.pattern)]
Usd = Annotated[float, Field(ge=0, le=MAX_USD, allow_inf_nan=False)]
Rate = Annotated[int, Field(ge=1, le=MAX_RATE)]
Pin = Annotated[str, Field(pattern=f"(^auto$)|({PIN.pattern})")]
STRICT_BODY = ConfigDict(extra="forbid", strict=True)
_KEY_EXAMPLE: dict[str, Any] = {
    "id": "3f9a0c1b2d4e",
    "name": "tutor-app",
    "budget_day_usd": None,
    "budget_month_usd": 50.0,
    "user_budget_day_usd": 0.5,
    "rpm": 600,
    "tpm": 200000,
    "max_tokens": 4096,
    "models": ["auto", "openai/gpt-4o-mini"],
    "cache": "key",
    "created_at": "2026-01-01T12:00:00Z",
    "updated_at": "2026-01-01T12:00:00Z",
    "revoked": False,
    "revoked_at": None,
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class KeyLimitsIn(BaseModel):
    """A key's limits; an absent one is unlimited (create) or unchanged (update)."""

    model_config = STRICT_BODY

    budget_day_usd: Usd | None = Field(None, description="USD per UTC day.")
    budget_month_usd: Usd | None = Field(None, description="USD per UTC calendar month.")
    user_budget_day_usd: Usd | None = Field(
        None, description="USD per UTC day for each learner (the request's user / user_id)."
    )
    rpm: Rate | None = Field(None, description="Requests in any 60 s.")
    tpm: Rate | None = Field(None, description="Tokens (prompt + max_tokens) in any 60 s.")
    max_tokens: Annotated[int, Field(ge=1, le=MAX_TOKENS_CAP)] | None = Field(
        None, description="Largest max_tokens a request may ask for."
    )
    models: list[Pin] | None = Field(
        None,
        max_length=MAX_PINS,
        description="What a request may pin: provider/model or provider/*; auto always.",
    )
    cache: CacheScope | None = Field(
        None,
        description="The response cache of the key's requests: off, key (answers shared only "
        "among this key's requests) or shared (with every key whose cache is shared); absent "
        "or null: the gateway's MASTERX_CACHE_SCOPE.",
    )


class KeyCreateIn(KeyLimitsIn):
    """A new key: a name, and any limits."""

    name: KeyName = Field(..., description="What the key is for (tutor-app).")
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "tutor-app",
                    "budget_month_usd": 50,
                    "rpm": 600,
                    "tpm": 200000,
                    "models": ["auto", "openai/gpt-4o-mini"],
                }
            ]
        },
    )


class KeyPatchIn(KeyLimitsIn):
    """The fields to change; null removes a limit."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"rpm": 1200, "budget_day_usd": None}]},
    )

    name: KeyName | None = Field(None, description="A new name.")


class KeyOut(BaseModel):
    """An API key as stored: its limits (null: none of that kind), never its secret."""

    model_config = _examples(_KEY_EXAMPLE)

    id: str = Field(..., description="The key's id (the 12 hex digits after mx-).")
    name: str = Field(..., description="What the key is for.")
    budget_day_usd: float | None = Field(..., description="USD per UTC day.")
    budget_month_usd: float | None = Field(..., description="USD per UTC calendar month.")
    user_budget_day_usd: float | None = Field(..., description="USD per UTC day per learner.")
    rpm: int | None = Field(..., description="Requests in any 60 s.")
    tpm: int | None = Field(..., description="Tokens in any 60 s.")
    max_tokens: int | None = Field(..., description="Largest max_tokens a request may ask for.")
    models: list[str] = Field(..., description="What a request may pin; auto always.")
    cache: CacheScope | None = Field(
        None, description="Its response cache: off, key or shared; null: the gateway's default."
    )
    created_at: datetime = Field(..., description="When the key was created.")
    updated_at: datetime = Field(..., description="When it last changed.")
    revoked: bool = Field(..., description="Revoked keys are refused on every replica.")
    revoked_at: datetime | None = Field(..., description="When it was revoked.")


class KeyCreatedOut(KeyOut):
    """A new key, with its secret: shown in this response only."""

    model_config = _examples({**_KEY_EXAMPLE, "key": "mx-3f9a0c1b2d4e-" + "x" * 43})

    key: str = Field(..., description="The secret (mx-<id>-...): shown this once, never again.")


class KeyListOut(BaseModel):
    """Every key, revoked ones included, oldest first."""

    model_config = _examples({"keys": [_KEY_EXAMPLE]})

    keys: list[KeyOut] = Field(..., description="The keys.")


class KeyUsageOut(BaseModel):
    """A key's counters in Redis now (UTC periods)."""

    model_config = _examples(
        {
            "id": "3f9a0c1b2d4e",
            "requests_last_minute": 12,
            "tokens_last_minute": 9800,
            "spent_day_usd": 1.25,
            "held_day_usd": 0.02,
            "spent_month_usd": 31.5,
            "held_month_usd": 0.02,
        }
    )

    id: str = Field(..., description="The key's id.")
    requests_last_minute: int = Field(..., description="Requests admitted in the last 60 s.")
    tokens_last_minute: int = Field(
        ..., description="Their tokens in the last 60 s (actual once settled, else estimated)."
    )
    spent_day_usd: float = Field(..., description="Charged this UTC day (settled calls).")
    held_day_usd: float = Field(..., description="Reserved this day by calls still running.")
    spent_month_usd: float = Field(..., description="Charged this UTC month.")
    held_month_usd: float = Field(..., description="Reserved this month by calls still running.")


def fields_message(body: KeyLimitsIn) -> tuple[keys_pb2.KeyFields, list[str]]:
    """The fields a body set, and the limits it set to null (to clear)."""
    message = keys_pb2.KeyFields()
    cleared = []
    for field in sorted(body.model_fields_set):
        value: Any = getattr(body, field)
        if value is None:
            cleared.append(field)
        elif field == "models":
            message.models.pins.extend(value)
        else:
            setattr(message, field, value)
    return message, cleared


def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def key_out(key: keys_pb2.ApiKey) -> KeyOut:
    fields = key.fields
    limits: dict[str, Any] = {
        field: getattr(fields, field) if fields.HasField(field) else None
        for field in OPTIONAL_FIELDS
    }
    return KeyOut(
        id=key.key_id,
        name=fields.name,
        models=list(fields.models.pins),
        created_at=_time(key.created_at),
        updated_at=_time(key.updated_at),
        revoked=key.revoked,
        revoked_at=_time(key.revoked_at) if key.revoked else None,
        **limits,
    )


def usage_out(usage: keys_pb2.KeyUsage) -> KeyUsageOut:
    return KeyUsageOut(
        id=usage.key_id,
        requests_last_minute=usage.requests_last_minute,
        tokens_last_minute=usage.tokens_last_minute,
        spent_day_usd=usage.spent_day_usd,
        held_day_usd=usage.held_day_usd,
        spent_month_usd=usage.spent_month_usd,
        held_month_usd=usage.held_month_usd,
    )
