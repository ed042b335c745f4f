from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ModelPins(_message.Message):
    __slots__ = ("pins",)
    PINS_FIELD_NUMBER: _ClassVar[int]
    pins: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, pins: _Optional[_Iterable[str]] = ...) -> None: ...

class KeyFields(_message.Message):
    __slots__ = ("name", "budget_day_usd", "budget_month_usd", "user_budget_day_usd", "rpm", "tpm", "max_tokens", "models", "cache")
    NAME_FIELD_NUMBER: _ClassVar[int]
    BUDGET_DAY_USD_FIELD_NUMBER: _ClassVar[int]
    BUDGET_MONTH_USD_FIELD_NUMBER: _ClassVar[int]
    USER_BUDGET_DAY_USD_FIELD_NUMBER: _ClassVar[int]
    RPM_FIELD_NUMBER: _ClassVar[int]
    TPM_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    name: str
    budget_day_usd: float
    budget_month_usd: float
    user_budget_day_usd: float
    rpm: int
    tpm: int
    max_tokens: int
    models: ModelPins
    cache: str
    def __init__(self, name: _Optional[str] = ..., budget_day_usd: _Optional[float] = ..., budget_month_usd: _Optional[float] = ..., user_budget_day_usd: _Optional[float] = ..., rpm: _Optional[int] = ..., tpm: _Optional[int] = ..., max_tokens: _Optional[int] = ..., models: _Optional[_Union[ModelPins, _Mapping]] = ..., cache: _Optional[str] = ...) -> None: ...

class ApiKey(_message.Message):
    __slots__ = ("key_id", "fields", "created_at", "updated_at", "revoked_at", "revoked")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    fields: KeyFields
    created_at: float
    updated_at: float
    revoked_at: float
    revoked: bool
    def __init__(self, key_id: _Optional[str] = ..., fields: _Optional[_Union[KeyFields, _Mapping]] = ..., created_at: _Optional[float] = ..., updated_at: _Optional[float] = ..., revoked_at: _Optional[float] = ..., revoked: _Optional[bool] = ...) -> None: ...

class CreateKeyRequest(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: KeyFields
    def __init__(self, fields: _Optional[_Union[KeyFields, _Mapping]] = ...) -> None: ...

class CreateKeyReply(_message.Message):
    __slots__ = ("key", "token")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    key: ApiKey
    token: str
    def __init__(self, key: _Optional[_Union[ApiKey, _Mapping]] = ..., token: _Optional[str] = ...) -> None: ...

class ListKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListKeysReply(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[ApiKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[ApiKey, _Mapping]]] = ...) -> None: ...

class GetKeyRequest(_message.Message):
    __slots__ = ("key_id",)
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    def __init__(self, key_id: _Optional[str] = ...) -> None: ...

class UpdateKeyRequest(_message.Message):
    __slots__ = ("key_id", "fields", "clear")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    CLEAR_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    fields: KeyFields
    clear: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, key_id: _Optional[str] = ..., fields: _Optional[_Union[KeyFields, _Mapping]] = ..., clear: _Optional[_Iterable[str]] = ...) -> None: ...

class RevokeKeyRequest(_message.Message):
    __slots__ = ("key_id",)
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    def __init__(self, key_id: _Optional[str] = ...) -> None: ...

class KeyUsage(_message.Message):
    __slots__ = ("key_id", "requests_last_minute", "tokens_last_minute", "spent_day_usd", "held_day_usd", "spent_month_usd", "held_month_usd")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_LAST_MINUTE_FIELD_NUMBER: _ClassVar[int]
    TOKENS_LAST_MINUTE_FIELD_NUMBER: _ClassVar[int]
    SPENT_DAY_USD_FIELD_NUMBER: _ClassVar[int]
    HELD_DAY_USD_FIELD_NUMBER: _ClassVar[int]
    SPENT_MONTH_USD_FIELD_NUMBER: _ClassVar[int]
    HELD_MONTH_USD_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    requests_last_minute: int
    tokens_last_minute: int
    spent_day_usd: float
    held_day_usd: float
    spent_month_usd: float
    held_month_usd: float
    def __init__(self, key_id: _Optional[str] = ..., requests_last_minute: _Optional[int] = ..., tokens_last_minute: _Optional[int] = ..., spent_day_usd: _Optional[float] = ..., held_day_usd: _Optional[float] = ..., spent_month_usd: _Optional[float] = ..., held_month_usd: _Optional[float] = ...) -> None: ...

class AdmitRequest(_message.Message):
    __slots__ = ("token", "provider", "model", "user", "prompt_tokens", "max_tokens", "worst_case_usd")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    WORST_CASE_USD_FIELD_NUMBER: _ClassVar[int]
    token: str
    provider: str
    model: str
    user: str
    prompt_tokens: int
    max_tokens: int
    worst_case_usd: float
    def __init__(self, token: _Optional[str] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., user: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., max_tokens: _Optional[int] = ..., worst_case_usd: _Optional[float] = ...) -> None: ...

class AuthenticateRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class AuthenticateReply(_message.Message):
    __slots__ = ("key_id", "revoked")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    revoked: bool
    def __init__(self, key_id: _Optional[str] = ..., revoked: _Optional[bool] = ...) -> None: ...

class Reservation(_message.Message):
    __slots__ = ("reservation_id", "key_id", "tokens", "worst_case_micros", "enforcement", "user")
    RESERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    WORST_CASE_MICROS_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    reservation_id: str
    key_id: str
    tokens: int
    worst_case_micros: int
    enforcement: str
    user: str
    def __init__(self, reservation_id: _Optional[str] = ..., key_id: _Optional[str] = ..., tokens: _Optional[int] = ..., worst_case_micros: _Optional[int] = ..., enforcement: _Optional[str] = ..., user: _Optional[str] = ...) -> None: ...

class AdmitReply(_message.Message):
    __slots__ = ("admitted", "key_id", "refused_by", "code", "message", "retry_after_s", "remaining_requests", "remaining_tokens", "remaining_budget_usd", "reservation", "enforcement", "limit_requests", "limit_tokens", "cache", "max_tokens_cap")
    ADMITTED_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REFUSED_BY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_S_FIELD_NUMBER: _ClassVar[int]
    REMAINING_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_BUDGET_USD_FIELD_NUMBER: _ClassVar[int]
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_CAP_FIELD_NUMBER: _ClassVar[int]
    admitted: bool
    key_id: str
    refused_by: str
    code: str
    message: str
    retry_after_s: float
    remaining_requests: int
    remaining_tokens: int
    remaining_budget_usd: float
    reservation: Reservation
    enforcement: str
    limit_requests: int
    limit_tokens: int
    cache: str
    max_tokens_cap: int
    def __init__(self, admitted: _Optional[bool] = ..., key_id: _Optional[str] = ..., refused_by: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., retry_after_s: _Optional[float] = ..., remaining_requests: _Optional[int] = ..., remaining_tokens: _Optional[int] = ..., remaining_budget_usd: _Optional[float] = ..., reservation: _Optional[_Union[Reservation, _Mapping]] = ..., enforcement: _Optional[str] = ..., limit_requests: _Optional[int] = ..., limit_tokens: _Optional[int] = ..., cache: _Optional[str] = ..., max_tokens_cap: _Optional[int] = ...) -> None: ...

class SettleRequest(_message.Message):
    __slots__ = ("reservation", "prompt_tokens", "completion_tokens", "cost_usd")
    RESERVATION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    reservation: Reservation
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    def __init__(self, reservation: _Optional[_Union[Reservation, _Mapping]] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class SettleReply(_message.Message):
    __slots__ = ("settled",)
    SETTLED_FIELD_NUMBER: _ClassVar[int]
    settled: bool
    def __init__(self, settled: _Optional[bool] = ...) -> None: ...
