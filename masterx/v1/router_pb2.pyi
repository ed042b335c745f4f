from masterx.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RouteReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTE_REASON_UNSPECIFIED: _ClassVar[RouteReason]
    ROUTE_REASON_PINNED: _ClassVar[RouteReason]
    ROUTE_REASON_SESSION_CONTINUITY: _ClassVar[RouteReason]
    ROUTE_REASON_BEST_BENCHMARK: _ClassVar[RouteReason]
    ROUTE_REASON_EMOTION_EMPATHY: _ClassVar[RouteReason]
    ROUTE_REASON_DEFAULT: _ClassVar[RouteReason]
    ROUTE_REASON_FALLBACK: _ClassVar[RouteReason]
    ROUTE_REASON_LAST_RESORT: _ClassVar[RouteReason]
    ROUTE_REASON_EXPLORATION: _ClassVar[RouteReason]
ROUTE_REASON_UNSPECIFIED: RouteReason
ROUTE_REASON_PINNED: RouteReason
ROUTE_REASON_SESSION_CONTINUITY: RouteReason
ROUTE_REASON_BEST_BENCHMARK: RouteReason
ROUTE_REASON_EMOTION_EMPATHY: RouteReason
ROUTE_REASON_DEFAULT: RouteReason
ROUTE_REASON_FALLBACK: RouteReason
ROUTE_REASON_LAST_RESORT: RouteReason
ROUTE_REASON_EXPLORATION: RouteReason

class ImagePart(_message.Message):
    __slots__ = ("url", "data", "media_type")
    URL_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    url: str
    data: str
    media_type: str
    def __init__(self, url: _Optional[str] = ..., data: _Optional[str] = ..., media_type: _Optional[str] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("id", "name", "arguments")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    arguments: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolCallDelta(_message.Message):
    __slots__ = ("index", "id", "name", "arguments")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    index: int
    id: str
    name: str
    arguments: str
    def __init__(self, index: _Optional[int] = ..., id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ("role", "content", "images", "tool_calls", "tool_call_id")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    images: _containers.RepeatedCompositeFieldContainer[ImagePart]
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    tool_call_id: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ..., images: _Optional[_Iterable[_Union[ImagePart, _Mapping]]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., tool_call_id: _Optional[str] = ...) -> None: ...

class Tool(_message.Message):
    __slots__ = ("name", "description", "parameters_json")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    parameters_json: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters_json: _Optional[str] = ...) -> None: ...

class ToolChoice(_message.Message):
    __slots__ = ("mode", "name")
    MODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    mode: str
    name: str
    def __init__(self, mode: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ResponseFormat(_message.Message):
    __slots__ = ("type", "name", "schema_json", "strict")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    type: str
    name: str
    schema_json: str
    strict: bool
    def __init__(self, type: _Optional[str] = ..., name: _Optional[str] = ..., schema_json: _Optional[str] = ..., strict: _Optional[bool] = ...) -> None: ...

class EmotionState(_message.Message):
    __slots__ = ("primary_emotion", "frustration", "anxiety", "sadness", "confusion", "joy")
    PRIMARY_EMOTION_FIELD_NUMBER: _ClassVar[int]
    FRUSTRATION_FIELD_NUMBER: _ClassVar[int]
    ANXIETY_FIELD_NUMBER: _ClassVar[int]
    SADNESS_FIELD_NUMBER: _ClassVar[int]
    CONFUSION_FIELD_NUMBER: _ClassVar[int]
    JOY_FIELD_NUMBER: _ClassVar[int]
    primary_emotion: str
    frustration: float
    anxiety: float
    sadness: float
    confusion: float
    joy: float
    def __init__(self, primary_emotion: _Optional[str] = ..., frustration: _Optional[float] = ..., anxiety: _Optional[float] = ..., sadness: _Optional[float] = ..., confusion: _Optional[float] = ..., joy: _Optional[float] = ...) -> None: ...

class ChatRequest(_message.Message):
    __slots__ = ("request_id", "user_id", "session_id", "messages", "provider", "model", "emotion", "context", "max_tokens", "temperature", "key_id", "tools", "tool_choice", "parallel_tool_calls", "response_format", "stop", "top_p", "seed", "remember", "cache")
    class ContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    REMEMBER_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    user_id: str
    session_id: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    provider: str
    model: str
    emotion: EmotionState
    context: _containers.ScalarMap[str, str]
    max_tokens: int
    temperature: float
    key_id: str
    tools: _containers.RepeatedCompositeFieldContainer[Tool]
    tool_choice: ToolChoice
    parallel_tool_calls: bool
    response_format: ResponseFormat
    stop: _containers.RepeatedScalarFieldContainer[str]
    top_p: float
    seed: int
    remember: bool
    cache: str
    def __init__(self, request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., session_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., emotion: _Optional[_Union[EmotionState, _Mapping]] = ..., context: _Optional[_Mapping[str, str]] = ..., max_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., key_id: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[Tool, _Mapping]]] = ..., tool_choice: _Optional[_Union[ToolChoice, _Mapping]] = ..., parallel_tool_calls: _Optional[bool] = ..., response_format: _Optional[_Union[ResponseFormat, _Mapping]] = ..., stop: _Optional[_Iterable[str]] = ..., top_p: _Optional[float] = ..., seed: _Optional[int] = ..., remember: _Optional[bool] = ..., cache: _Optional[str] = ...) -> None: ...

class RankedProvider(_message.Message):
    __slots__ = ("provider", "model", "score", "state", "has_evidence", "quality", "quality_uncertainty", "tests", "speed_score", "cost_score", "within_tolerance", "has_live", "benchmark_quality", "benchmark_tests", "prior_weight", "rating_weight", "signal_weight", "fallen")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    HAS_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    QUALITY_UNCERTAINTY_FIELD_NUMBER: _ClassVar[int]
    TESTS_FIELD_NUMBER: _ClassVar[int]
    SPEED_SCORE_FIELD_NUMBER: _ClassVar[int]
    COST_SCORE_FIELD_NUMBER: _ClassVar[int]
    WITHIN_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    HAS_LIVE_FIELD_NUMBER: _ClassVar[int]
    BENCHMARK_QUALITY_FIELD_NUMBER: _ClassVar[int]
    BENCHMARK_TESTS_FIELD_NUMBER: _ClassVar[int]
    PRIOR_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    RATING_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    FALLEN_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    score: float
    state: _common_pb2.BreakerState
    has_evidence: bool
    quality: float
    quality_uncertainty: float
    tests: int
    speed_score: float
    cost_score: float
    within_tolerance: bool
    has_live: bool
    benchmark_quality: float
    benchmark_tests: int
    prior_weight: float
    rating_weight: float
    signal_weight: float
    fallen: bool
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., score: _Optional[float] = ..., state: _Optional[_Union[_common_pb2.BreakerState, str]] = ..., has_evidence: _Optional[bool] = ..., quality: _Optional[float] = ..., quality_uncertainty: _Optional[float] = ..., tests: _Optional[int] = ..., speed_score: _Optional[float] = ..., cost_score: _Optional[float] = ..., within_tolerance: _Optional[bool] = ..., has_live: _Optional[bool] = ..., benchmark_quality: _Optional[float] = ..., benchmark_tests: _Optional[int] = ..., prior_weight: _Optional[float] = ..., rating_weight: _Optional[float] = ..., signal_weight: _Optional[float] = ..., fallen: _Optional[bool] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ("provider", "model", "ok", "kind", "error", "latency_ms")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    ok: bool
    kind: _common_pb2.FailureKind
    error: str
    latency_ms: float
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., ok: _Optional[bool] = ..., kind: _Optional[_Union[_common_pb2.FailureKind, str]] = ..., error: _Optional[str] = ..., latency_ms: _Optional[float] = ...) -> None: ...

class RouteDecision(_message.Message):
    __slots__ = ("provider", "model", "category", "confidence", "emotion", "reason", "score", "ranking", "topic_changed", "session_id", "explanation", "excluded", "cache")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RANKING_FIELD_NUMBER: _ClassVar[int]
    TOPIC_CHANGED_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    category: _common_pb2.Category
    confidence: float
    emotion: EmotionState
    reason: RouteReason
    score: float
    ranking: _containers.RepeatedCompositeFieldContainer[RankedProvider]
    topic_changed: bool
    session_id: str
    explanation: str
    excluded: _containers.RepeatedCompositeFieldContainer[ExcludedProvider]
    cache: str
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.Category, str]] = ..., confidence: _Optional[float] = ..., emotion: _Optional[_Union[EmotionState, _Mapping]] = ..., reason: _Optional[_Union[RouteReason, str]] = ..., score: _Optional[float] = ..., ranking: _Optional[_Iterable[_Union[RankedProvider, _Mapping]]] = ..., topic_changed: _Optional[bool] = ..., session_id: _Optional[str] = ..., explanation: _Optional[str] = ..., excluded: _Optional[_Iterable[_Union[ExcludedProvider, _Mapping]]] = ..., cache: _Optional[str] = ...) -> None: ...

class ExcludedProvider(_message.Message):
    __slots__ = ("provider", "model", "reason")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    provider: str
    model: str
    reason: str
    def __init__(self, provider: _Optional[str] = ..., model: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ChatReply(_message.Message):
    __slots__ = ("request_id", "response", "cost_usd", "latency_ms", "usage", "finish_reason", "decision", "attempts", "tool_calls", "cost_saved_usd")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    COST_SAVED_USD_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    response: str
    cost_usd: float
    latency_ms: float
    usage: _common_pb2.Usage
    finish_reason: str
    decision: RouteDecision
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    cost_saved_usd: float
    def __init__(self, request_id: _Optional[str] = ..., response: _Optional[str] = ..., cost_usd: _Optional[float] = ..., latency_ms: _Optional[float] = ..., usage: _Optional[_Union[_common_pb2.Usage, _Mapping]] = ..., finish_reason: _Optional[str] = ..., decision: _Optional[_Union[RouteDecision, _Mapping]] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., cost_saved_usd: _Optional[float] = ...) -> None: ...

class AttemptList(_message.Message):
    __slots__ = ("attempts",)
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    def __init__(self, attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ...) -> None: ...

class StreamError(_message.Message):
    __slots__ = ("provider", "message", "kind")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    provider: str
    message: str
    kind: _common_pb2.FailureKind
    def __init__(self, provider: _Optional[str] = ..., message: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.FailureKind, str]] = ...) -> None: ...

class ChatChunk(_message.Message):
    __slots__ = ("decision", "delta", "final", "error", "tool_call")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FIELD_NUMBER: _ClassVar[int]
    decision: RouteDecision
    delta: str
    final: ChatReply
    error: StreamError
    tool_call: ToolCallDelta
    def __init__(self, decision: _Optional[_Union[RouteDecision, _Mapping]] = ..., delta: _Optional[str] = ..., final: _Optional[_Union[ChatReply, _Mapping]] = ..., error: _Optional[_Union[StreamError, _Mapping]] = ..., tool_call: _Optional[_Union[ToolCallDelta, _Mapping]] = ...) -> None: ...

class ListProvidersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ProviderInfo(_message.Message):
    __slots__ = ("name", "kind", "model", "simulated", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    model: str
    simulated: bool
    state: _common_pb2.BreakerState
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., model: _Optional[str] = ..., simulated: _Optional[bool] = ..., state: _Optional[_Union[_common_pb2.BreakerState, str]] = ...) -> None: ...

class ListProvidersReply(_message.Message):
    __slots__ = ("providers",)
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    providers: _containers.RepeatedCompositeFieldContainer[ProviderInfo]
    def __init__(self, providers: _Optional[_Iterable[_Union[ProviderInfo, _Mapping]]] = ...) -> None: ...

class GetCostsRequest(_message.Message):
    __slots__ = ("since", "until", "key_id", "user_id")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    since: float
    until: float
    key_id: str
    user_id: str
    def __init__(self, since: _Optional[float] = ..., until: _Optional[float] = ..., key_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class CostBucket(_message.Message):
    __slots__ = ("key", "cost_usd", "requests", "prompt_tokens", "completion_tokens", "saved_usd")
    KEY_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SAVED_USD_FIELD_NUMBER: _ClassVar[int]
    key: str
    cost_usd: float
    requests: int
    prompt_tokens: int
    completion_tokens: int
    saved_usd: float
    def __init__(self, key: _Optional[str] = ..., cost_usd: _Optional[float] = ..., requests: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., saved_usd: _Optional[float] = ...) -> None: ...

class CostsReply(_message.Message):
    __slots__ = ("since", "until", "total_cost_usd", "total_requests", "by_provider", "by_category", "by_day", "by_key", "by_user", "total_saved_usd")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COST_USD_FIELD_NUMBER: _ClassVar[int]
    TOTAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    BY_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BY_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    BY_DAY_FIELD_NUMBER: _ClassVar[int]
    BY_KEY_FIELD_NUMBER: _ClassVar[int]
    BY_USER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SAVED_USD_FIELD_NUMBER: _ClassVar[int]
    since: float
    until: float
    total_cost_usd: float
    total_requests: int
    by_provider: _containers.RepeatedCompositeFieldContainer[CostBucket]
    by_category: _containers.RepeatedCompositeFieldContainer[CostBucket]
    by_day: _containers.RepeatedCompositeFieldContainer[CostBucket]
    by_key: _containers.RepeatedCompositeFieldContainer[CostBucket]
    by_user: _containers.RepeatedCompositeFieldContainer[CostBucket]
    total_saved_usd: float
    def __init__(self, since: _Optional[float] = ..., until: _Optional[float] = ..., total_cost_usd: _Optional[float] = ..., total_requests: _Optional[int] = ..., by_provider: _Optional[_Iterable[_Union[CostBucket, _Mapping]]] = ..., by_category: _Optional[_Iterable[_Union[CostBucket, _Mapping]]] = ..., by_day: _Optional[_Iterable[_Union[CostBucket, _Mapping]]] = ..., by_key: _Optional[_Iterable[_Union[CostBucket, _Mapping]]] = ..., by_user: _Optional[_Iterable[_Union[CostBucket, _Mapping]]] = ..., total_saved_usd: _Optional[float] = ...) -> None: ...

class DeleteSessionRequest(_message.Message):
    __slots__ = ("session_id", "user_id", "key_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    user_id: str
    key_id: str
    def __init__(self, session_id: _Optional[str] = ..., user_id: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class DeleteSessionReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RateAnswerRequest(_message.Message):
    __slots__ = ("request_id", "user_id", "key_id", "rating", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    user_id: str
    key_id: str
    rating: str
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., key_id: _Optional[str] = ..., rating: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class RateAnswerReply(_message.Message):
    __slots__ = ("request_id", "provider", "model", "category", "session_id", "score", "replaced", "session_moved")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    SESSION_MOVED_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    provider: str
    model: str
    category: _common_pb2.Category
    session_id: str
    score: float
    replaced: bool
    session_moved: bool
    def __init__(self, request_id: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.Category, str]] = ..., session_id: _Optional[str] = ..., score: _Optional[float] = ..., replaced: _Optional[bool] = ..., session_moved: _Optional[bool] = ...) -> None: ...
