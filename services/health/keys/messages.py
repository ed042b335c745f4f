"""Keys and admissions between the domain (``masterx/keys``) and ``keys.proto``: the one
conversion at the health service's boundary."""

from __future__ import annotations

from typing import Any

from masterx.keys.admission import Admission, Enforcement, Reservation
from masterx.keys.policy import OPTIONAL_FIELDS, ApiKey, KeyFieldError, KeyPolicy
from masterx.v1 import keys_pb2
from services.health.keys.redis_limiter import KeyUsage

_OPTIONAL = ("name", *OPTIONAL_FIELDS)
UNLIMITED = -1


def fields_message(policy: KeyPolicy) -> keys_pb2.KeyFields:
    message = keys_pb2.KeyFields(name=policy.name, models=keys_pb2.ModelPins(pins=policy.models))
    for field in OPTIONAL_FIELDS:
        value = getattr(policy, field)
        if value is not None:
            setattr(message, field, value)
    return message


def key_message(key: ApiKey) -> keys_pb2.ApiKey:
    return keys_pb2.ApiKey(
        key_id=key.key_id,
        fields=fields_message(key.policy),
        created_at=key.created_at.timestamp(),
        updated_at=key.updated_at.timestamp(),
        revoked_at=key.revoked_at.timestamp() if key.revoked_at else 0.0,
        revoked=key.revoked,
    )


def field_values(message: keys_pb2.KeyFields, clear: list[str] | None = None) -> dict[str, Any]:
    """The fields a request set (and None for each it clears), for ``policy_from``."""
    values: dict[str, Any] = {f: getattr(message, f) for f in _OPTIONAL if message.HasField(f)}
    if message.HasField("models"):
        values["models"] = list(message.models.pins)
    for field in clear or []:
        if field not in OPTIONAL_FIELDS:
            raise KeyFieldError(
                field, f"cannot be cleared; clear one of {', '.join(OPTIONAL_FIELDS)}"
            )
        if field in values:
            raise KeyFieldError(field, "is both set and cleared")
        values[field] = None
    return values


def usage_message(key_id: str, usage: KeyUsage) -> keys_pb2.KeyUsage:
    return keys_pb2.KeyUsage(
        key_id=key_id,
        requests_last_minute=usage.requests_last_minute,
        tokens_last_minute=usage.tokens_last_minute,
        spent_day_usd=usage.spent_day_usd,
        held_day_usd=usage.held_day_usd,
        spent_month_usd=usage.spent_month_usd,
        held_month_usd=usage.held_month_usd,
    )


def reservation_message(reservation: Reservation) -> keys_pb2.Reservation:
    return keys_pb2.Reservation(
        reservation_id=reservation.reservation_id,
        key_id=reservation.key_id,
        tokens=reservation.tokens,
        worst_case_micros=reservation.worst_case_micros,
        enforcement=reservation.enforcement.value,
        user=reservation.user or "",
    )


def reservation_of(message: keys_pb2.Reservation) -> Reservation:
    try:
        enforcement = Enforcement(message.enforcement)
    except ValueError:
        raise KeyFieldError("reservation.enforcement", "must be 'shared' or 'local'") from None
    if not message.reservation_id or not message.key_id:
        raise KeyFieldError("reservation", "needs the reservation_id and key_id Admit returned")
    return Reservation(
        message.reservation_id,
        message.key_id,
        message.tokens,
        message.worst_case_micros,
        enforcement,
        message.user or None,
    )


def admit_reply(key_id: str, answer: Admission) -> keys_pb2.AdmitReply:
    def number(value: float | None) -> float:
        return UNLIMITED if value is None else value

    reply = keys_pb2.AdmitReply(
        admitted=answer.admitted,
        key_id=key_id,
        retry_after_s=number(answer.retry_after_s) if not answer.admitted else 0.0,
        remaining_requests=int(number(answer.remaining_requests)),
        remaining_tokens=int(number(answer.remaining_tokens)),
        remaining_budget_usd=number(answer.remaining_budget_usd),
        enforcement=answer.enforcement.value,
    )
    if answer.refused_by is not None:
        reply.refused_by = answer.refused_by.value
        reply.code = answer.refused_by.code
        reply.message = (
            f"API key {key_id} is revoked"
            if answer.refused_by.value == "revoked"
            else f"API key {key_id}: {answer.refused_by.value} limit reached"
        )
    if answer.reservation is not None:
        reply.reservation.CopyFrom(reservation_message(answer.reservation))
    return reply
