from masterx.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_STATUS_UNSPECIFIED: _ClassVar[RunStatus]
    RUN_STATUS_PENDING: _ClassVar[RunStatus]
    RUN_STATUS_RUNNING: _ClassVar[RunStatus]
    RUN_STATUS_COMPLETED: _ClassVar[RunStatus]
    RUN_STATUS_FAILED: _ClassVar[RunStatus]
RUN_STATUS_UNSPECIFIED: RunStatus
RUN_STATUS_PENDING: RunStatus
RUN_STATUS_RUNNING: RunStatus
RUN_STATUS_COMPLETED: RunStatus
RUN_STATUS_FAILED: RunStatus

class RunBenchmarksRequest(_message.Message):
    __slots__ = ("categories", "providers", "trigger")
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedScalarFieldContainer[_common_pb2.Category]
    providers: _containers.RepeatedScalarFieldContainer[str]
    trigger: str
    def __init__(self, categories: _Optional[_Iterable[_Union[_common_pb2.Category, str]]] = ..., providers: _Optional[_Iterable[str]] = ..., trigger: _Optional[str] = ...) -> None: ...

class RunBenchmarksReply(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class GetRunRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class ProviderProgress(_message.Message):
    __slots__ = ("provider", "tests_done", "tests_total", "tests_failed", "failures")
    class FailuresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TESTS_DONE_FIELD_NUMBER: _ClassVar[int]
    TESTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    TESTS_FAILED_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    provider: str
    tests_done: int
    tests_total: int
    tests_failed: int
    failures: _containers.ScalarMap[str, int]
    def __init__(self, provider: _Optional[str] = ..., tests_done: _Optional[int] = ..., tests_total: _Optional[int] = ..., tests_failed: _Optional[int] = ..., failures: _Optional[_Mapping[str, int]] = ...) -> None: ...

class BenchmarkRun(_message.Message):
    __slots__ = ("run_id", "status", "categories", "providers", "tests_done", "tests_total", "progress", "errors", "started_at", "finished_at", "trigger")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    TESTS_DONE_FIELD_NUMBER: _ClassVar[int]
    TESTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    status: RunStatus
    categories: _containers.RepeatedScalarFieldContainer[_common_pb2.Category]
    providers: _containers.RepeatedScalarFieldContainer[str]
    tests_done: int
    tests_total: int
    progress: _containers.RepeatedCompositeFieldContainer[ProviderProgress]
    errors: _containers.RepeatedScalarFieldContainer[str]
    started_at: float
    finished_at: float
    trigger: str
    def __init__(self, run_id: _Optional[str] = ..., status: _Optional[_Union[RunStatus, str]] = ..., categories: _Optional[_Iterable[_Union[_common_pb2.Category, str]]] = ..., providers: _Optional[_Iterable[str]] = ..., tests_done: _Optional[int] = ..., tests_total: _Optional[int] = ..., progress: _Optional[_Iterable[_Union[ProviderProgress, _Mapping]]] = ..., errors: _Optional[_Iterable[str]] = ..., started_at: _Optional[float] = ..., finished_at: _Optional[float] = ..., trigger: _Optional[str] = ...) -> None: ...

class GetLatestRequest(_message.Message):
    __slots__ = ("categories", "max_age_hours", "known_version", "with_live")
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    MAX_AGE_HOURS_FIELD_NUMBER: _ClassVar[int]
    KNOWN_VERSION_FIELD_NUMBER: _ClassVar[int]
    WITH_LIVE_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedScalarFieldContainer[_common_pb2.Category]
    max_age_hours: float
    known_version: int
    with_live: bool
    def __init__(self, categories: _Optional[_Iterable[_Union[_common_pb2.Category, str]]] = ..., max_age_hours: _Optional[float] = ..., known_version: _Optional[int] = ..., with_live: _Optional[bool] = ...) -> None: ...

class ScoreWeights(_message.Message):
    __slots__ = ("quality", "speed", "cost")
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    SPEED_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    quality: float
    speed: float
    cost: float
    def __init__(self, quality: _Optional[float] = ..., speed: _Optional[float] = ..., cost: _Optional[float] = ...) -> None: ...

class BenchmarkScore(_message.Message):
    __slots__ = ("provider", "model", "category", "quality_score", "speed_score", "cost_score", "final_score", "latency_p50_ms", "latency_p95_ms", "mean_cost_usd", "tests", "run_id", "measured_at", "imported", "weights", "failed_tests", "quality_uncertainty", "within_tolerance", "has_live", "live_quality", "live_uncertainty", "live_effective_tests", "prior_weight", "rating_weight", "signal_weight", "fallen")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    SPEED_SCORE_FIELD_NUMBER: _ClassVar[int]
    COST_SCORE_FIELD_NUMBER: _ClassVar[int]
    FINAL_SCORE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_P50_MS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_P95_MS_FIELD_NUMBER: _ClassVar[int]
    MEAN_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TESTS_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    MEASURED_AT_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    FAILED_TESTS_FIELD_NUMBER: _ClassVar[int]
    QUALITY_UNCERTAINTY_FIELD_NUMBER: _ClassVar[int]
    WITHIN_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    HAS_LIVE_FIELD_NUMBER: _ClassVar[int]
    LIVE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    LIVE_UNCERTAINTY_FIELD_NUMBER: _ClassVar[int]
    LIVE_EFFECTIVE_TESTS_FIELD_NUMBER: _ClassVar[int]
    PRIOR_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    RATING_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    FALLEN_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    category: _common_pb2.Category
    quality_score: float
    speed_score: float
    cost_score: float
    final_score: float
    latency_p50_ms: float
    latency_p95_ms: float
    mean_cost_usd: float
    tests: int
    run_id: str
    measured_at: float
    imported: bool
    weights: ScoreWeights
    failed_tests: int
    quality_uncertainty: float
    within_tolerance: bool
    has_live: bool
    live_quality: float
    live_uncertainty: float
    live_effective_tests: float
    prior_weight: float
    rating_weight: float
    signal_weight: float
    fallen: bool
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.Category, str]] = ..., quality_score: _Optional[float] = ..., speed_score: _Optional[float] = ..., cost_score: _Optional[float] = ..., final_score: _Optional[float] = ..., latency_p50_ms: _Optional[float] = ..., latency_p95_ms: _Optional[float] = ..., mean_cost_usd: _Optional[float] = ..., tests: _Optional[int] = ..., run_id: _Optional[str] = ..., measured_at: _Optional[float] = ..., imported: _Optional[bool] = ..., weights: _Optional[_Union[ScoreWeights, _Mapping]] = ..., failed_tests: _Optional[int] = ..., quality_uncertainty: _Optional[float] = ..., within_tolerance: _Optional[bool] = ..., has_live: _Optional[bool] = ..., live_quality: _Optional[float] = ..., live_uncertainty: _Optional[float] = ..., live_effective_tests: _Optional[float] = ..., prior_weight: _Optional[float] = ..., rating_weight: _Optional[float] = ..., signal_weight: _Optional[float] = ..., fallen: _Optional[bool] = ...) -> None: ...

class GetLatestReply(_message.Message):
    __slots__ = ("scores", "version", "unchanged")
    SCORES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    scores: _containers.RepeatedCompositeFieldContainer[BenchmarkScore]
    version: int
    unchanged: bool
    def __init__(self, scores: _Optional[_Iterable[_Union[BenchmarkScore, _Mapping]]] = ..., version: _Optional[int] = ..., unchanged: _Optional[bool] = ...) -> None: ...

class ImportResultsRequest(_message.Message):
    __slots__ = ("scores", "source")
    SCORES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    scores: _containers.RepeatedCompositeFieldContainer[BenchmarkScore]
    source: str
    def __init__(self, scores: _Optional[_Iterable[_Union[BenchmarkScore, _Mapping]]] = ..., source: _Optional[str] = ...) -> None: ...

class ImportResultsReply(_message.Message):
    __slots__ = ("run_id", "imported")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    imported: int
    def __init__(self, run_id: _Optional[str] = ..., imported: _Optional[int] = ...) -> None: ...
