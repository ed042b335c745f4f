from masterx.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_SUCCESS: _ClassVar[Outcome]
    OUTCOME_FAILURE: _ClassVar[Outcome]
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_SUCCESS: Outcome
OUTCOME_FAILURE: Outcome

class AcquireRequest(_message.Message):
    __slots__ = ("provider",)
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    provider: str
    def __init__(self, provider: _Optional[str] = ...) -> None: ...

class AcquireReply(_message.Message):
    __slots__ = ("admitted", "state", "permit_id", "retry_after_s")
    ADMITTED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PERMIT_ID_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_S_FIELD_NUMBER: _ClassVar[int]
    admitted: bool
    state: _common_pb2.BreakerState
    permit_id: str
    retry_after_s: float
    def __init__(self, admitted: _Optional[bool] = ..., state: _Optional[_Union[_common_pb2.BreakerState, str]] = ..., permit_id: _Optional[str] = ..., retry_after_s: _Optional[float] = ...) -> None: ...

class ReportRequest(_message.Message):
    __slots__ = ("provider", "outcome", "kind", "latency_ms", "permit_id", "retry_after_s", "request_id")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    PERMIT_ID_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_S_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    provider: str
    outcome: Outcome
    kind: _common_pb2.FailureKind
    latency_ms: float
    permit_id: str
    retry_after_s: float
    request_id: str
    def __init__(self, provider: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., kind: _Optional[_Union[_common_pb2.FailureKind, str]] = ..., latency_ms: _Optional[float] = ..., permit_id: _Optional[str] = ..., retry_after_s: _Optional[float] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReportReply(_message.Message):
    __slots__ = ("state",)
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: _common_pb2.BreakerState
    def __init__(self, state: _Optional[_Union[_common_pb2.BreakerState, str]] = ...) -> None: ...

class ReportBatchRequest(_message.Message):
    __slots__ = ("reports",)
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[ReportRequest]
    def __init__(self, reports: _Optional[_Iterable[_Union[ReportRequest, _Mapping]]] = ...) -> None: ...

class ReportBatchReply(_message.Message):
    __slots__ = ("states",)
    STATES_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[_common_pb2.BreakerState]
    def __init__(self, states: _Optional[_Iterable[_Union[_common_pb2.BreakerState, str]]] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ProviderStatus(_message.Message):
    __slots__ = ("provider", "state", "failures_in_window", "successes_in_window", "consecutive_failures", "last_error_kind", "last_error_at", "open_until", "consecutive_opens", "latency_ewma_ms", "half_open_in_flight", "config_problem", "updated_at")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURES_IN_WINDOW_FIELD_NUMBER: _ClassVar[int]
    SUCCESSES_IN_WINDOW_FIELD_NUMBER: _ClassVar[int]
    CONSECUTIVE_FAILURES_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_KIND_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_AT_FIELD_NUMBER: _ClassVar[int]
    OPEN_UNTIL_FIELD_NUMBER: _ClassVar[int]
    CONSECUTIVE_OPENS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_EWMA_MS_FIELD_NUMBER: _ClassVar[int]
    HALF_OPEN_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_PROBLEM_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    provider: str
    state: _common_pb2.BreakerState
    failures_in_window: int
    successes_in_window: int
    consecutive_failures: int
    last_error_kind: _common_pb2.FailureKind
    last_error_at: float
    open_until: float
    consecutive_opens: int
    latency_ewma_ms: float
    half_open_in_flight: int
    config_problem: bool
    updated_at: float
    def __init__(self, provider: _Optional[str] = ..., state: _Optional[_Union[_common_pb2.BreakerState, str]] = ..., failures_in_window: _Optional[int] = ..., successes_in_window: _Optional[int] = ..., consecutive_failures: _Optional[int] = ..., last_error_kind: _Optional[_Union[_common_pb2.FailureKind, str]] = ..., last_error_at: _Optional[float] = ..., open_until: _Optional[float] = ..., consecutive_opens: _Optional[int] = ..., latency_ewma_ms: _Optional[float] = ..., half_open_in_flight: _Optional[int] = ..., config_problem: _Optional[bool] = ..., updated_at: _Optional[float] = ...) -> None: ...

class StatusReply(_message.Message):
    __slots__ = ("providers",)
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    providers: _containers.RepeatedCompositeFieldContainer[ProviderStatus]
    def __init__(self, providers: _Optional[_Iterable[_Union[ProviderStatus, _Mapping]]] = ...) -> None: ...

class WatchStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
