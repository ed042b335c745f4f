"""The closed sets of the domain, as Python enums, and their mapping to the gRPC enums."""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from masterx.v1 import common_pb2, router_pb2


class Category(StrEnum):
    CODING = "coding"
    MATH = "math"
    RESEARCH = "research"
    LANGUAGE = "language"
    EMPATHY = "empathy"
    GENERAL = "general"

    def to_proto(self) -> common_pb2.Category:
        return cast(common_pb2.Category, common_pb2.Category.Value(f"CATEGORY_{self.name}"))

    @classmethod
    def from_proto(cls, value: int) -> Category | None:
        if value == common_pb2.CATEGORY_UNSPECIFIED:
            return None
        return cls[common_pb2.Category.Name(value).removeprefix("CATEGORY_")]

    @classmethod
    def parse(cls, text: str) -> Category:
        """A category from its name; ValueError naming the valid ones otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            valid = ", ".join(c.value for c in cls)
            raise ValueError(f"unknown category {text!r}; expected one of: {valid}") from None


class BreakerState(StrEnum):
    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"

    def to_proto(self) -> common_pb2.BreakerState:
        return cast(
            common_pb2.BreakerState, common_pb2.BreakerState.Value(f"BREAKER_STATE_{self.name}")
        )

    @classmethod
    def from_proto(cls, value: int) -> BreakerState:
        if value == common_pb2.BREAKER_STATE_UNSPECIFIED:
            return cls.CLOSED
        return cls[common_pb2.BreakerState.Name(value).removeprefix("BREAKER_STATE_")]


class FailureKind(StrEnum):
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    SERVER = "server"
    RATE_LIMITED = "rate_limited"
    AUTH = "auth"
    BAD_REQUEST = "bad_request"
    CANCELLED = "cancelled"  # the caller gave up: only its HALF_OPEN permit is returned

    @property
    def counts_against_provider(self) -> bool:
        """Whether this failure is the provider's fault (it moves the breaker)."""
        return self not in (FailureKind.AUTH, FailureKind.BAD_REQUEST, FailureKind.CANCELLED)

    def to_proto(self) -> common_pb2.FailureKind:
        return cast(
            common_pb2.FailureKind, common_pb2.FailureKind.Value(f"FAILURE_KIND_{self.name}")
        )

    @classmethod
    def from_proto(cls, value: int) -> FailureKind | None:
        if value == common_pb2.FAILURE_KIND_UNSPECIFIED:
            return None
        return cls[common_pb2.FailureKind.Name(value).removeprefix("FAILURE_KIND_")]


class RouteReason(StrEnum):
    PINNED = "pinned"
    SESSION_CONTINUITY = "session_continuity"
    BEST_BENCHMARK = "best_benchmark"
    EMOTION_EMPATHY = "emotion_empathy"
    DEFAULT = "default"
    FALLBACK = "fallback"
    LAST_RESORT = "last_resort"
    EXPLORATION = "exploration"

    def to_proto(self) -> router_pb2.RouteReason:
        return cast(
            router_pb2.RouteReason, router_pb2.RouteReason.Value(f"ROUTE_REASON_{self.name}")
        )

    @classmethod
    def from_proto(cls, value: int) -> RouteReason | None:
        if value == router_pb2.ROUTE_REASON_UNSPECIFIED:
            return None
        return cls[router_pb2.RouteReason.Name(value).removeprefix("ROUTE_REASON_")]
