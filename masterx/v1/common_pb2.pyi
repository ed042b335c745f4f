from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CATEGORY_UNSPECIFIED: _ClassVar[Category]
    CATEGORY_CODING: _ClassVar[Category]
    CATEGORY_MATH: _ClassVar[Category]
    CATEGORY_RESEARCH: _ClassVar[Category]
    CATEGORY_LANGUAGE: _ClassVar[Category]
    CATEGORY_EMPATHY: _ClassVar[Category]
    CATEGORY_GENERAL: _ClassVar[Category]

class BreakerState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BREAKER_STATE_UNSPECIFIED: _ClassVar[BreakerState]
    BREAKER_STATE_CLOSED: _ClassVar[BreakerState]
    BREAKER_STATE_HALF_OPEN: _ClassVar[BreakerState]
    BREAKER_STATE_OPEN: _ClassVar[BreakerState]

class FailureKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_KIND_UNSPECIFIED: _ClassVar[FailureKind]
    FAILURE_KIND_TIMEOUT: _ClassVar[FailureKind]
    FAILURE_KIND_CONNECTION: _ClassVar[FailureKind]
    FAILURE_KIND_SERVER: _ClassVar[FailureKind]
    FAILURE_KIND_RATE_LIMITED: _ClassVar[FailureKind]
    FAILURE_KIND_AUTH: _ClassVar[FailureKind]
    FAILURE_KIND_BAD_REQUEST: _ClassVar[FailureKind]
    FAILURE_KIND_CANCELLED: _ClassVar[FailureKind]
CATEGORY_UNSPECIFIED: Category
CATEGORY_CODING: Category
CATEGORY_MATH: Category
CATEGORY_RESEARCH: Category
CATEGORY_LANGUAGE: Category
CATEGORY_EMPATHY: Category
CATEGORY_GENERAL: Category
BREAKER_STATE_UNSPECIFIED: BreakerState
BREAKER_STATE_CLOSED: BreakerState
BREAKER_STATE_HALF_OPEN: BreakerState
BREAKER_STATE_OPEN: BreakerState
FAILURE_KIND_UNSPECIFIED: FailureKind
FAILURE_KIND_TIMEOUT: FailureKind
FAILURE_KIND_CONNECTION: FailureKind
FAILURE_KIND_SERVER: FailureKind
FAILURE_KIND_RATE_LIMITED: FailureKind
FAILURE_KIND_AUTH: FailureKind
FAILURE_KIND_BAD_REQUEST: FailureKind
FAILURE_KIND_CANCELLED: FailureKind

class Usage(_message.Message):
    __slots__ = ("prompt_tokens", "completion_tokens", "total_tokens")
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    def __init__(self, prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ...) -> None: ...
