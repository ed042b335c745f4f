"""Start-up refuses settings that make no sense, naming the variable (review F2, F3, F7).

Each case would otherwise start and break at run time: a store URL or database name that the
client library refuses with a traceback (or silently reads as something else), JSON that
pydantic-settings cannot parse, a number without an upper bound (``inf`` deadlines that gRPC
takes as already expired, a session idle time that overflows datetime).
"""

from __future__ import annotations

import pytest
from pydantic_settings import BaseSettings

import masterx.settings
import masterx.store_urls
from masterx.settings import CommonSettings, SettingsError, load_settings
from services.benchmark.settings import BenchmarkSettings
from services.gateway.settings import GatewaySettings
from services.health.settings import HealthSettings
from services.router.settings import RouterSettings

PASSWORD = "s3cr3tpw"


def _refused(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cls: type[BaseSettings],
    variable: str,
    value: str,
) -> str:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError):
        load_settings(cls)
    message = capsys.readouterr().err
    assert message.startswith("invalid configuration:")
    assert f"  {variable}: " in message
    return message


SERVICES = [RouterSettings, GatewaySettings, HealthSettings, BenchmarkSettings]


@pytest.mark.parametrize("cls", SERVICES)
def test_the_defaults_are_valid(cls: type[BaseSettings]) -> None:
    load_settings(cls)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("MASTERX_MONGODB_DATABASE", "a.b", "cannot hold '.'"),
        ("MASTERX_MONGODB_DATABASE", "a b", "cannot hold ' '"),
        ("MASTERX_MONGODB_DATABASE", "$x", "cannot hold '$'"),
        ("MASTERX_MONGODB_DATABASE", "x" * 64, "at most 63 bytes"),
        ("MASTERX_REDIS_URL", "redis://127.0.0.1:abc/0", "port is not a number"),
        ("MASTERX_REDIS_URL", "redis://127.0.0.1:0/0", "port is not a number"),
        ("MASTERX_REDIS_URL", "redis://h:1/0?socket_timeout=x", "socket_timeout"),
        ("MASTERX_REDIS_URL", "redis://h:1/0?sockettimeout=1", "sockettimeout"),
        ("MASTERX_REDIS_URL", "redis://h:1/0?ssl_cert_reqs=none", "ssl_cert_reqs"),
        ("MASTERX_REDIS_URL", "redis://127.0.0.1:19379/x", "database"),
        ("MASTERX_REDIS_URL", "redis://h:1/-1", "not a number"),
        ("MASTERX_REDIS_URL", "redis://h:1?db=-1", "not a number"),
        ("MASTERX_REDIS_URL", "redis://", "no host"),
        ("MASTERX_REDIS_URL", "redis://ho st:1/0", "not a host name"),
        ("MASTERX_MONGODB_URL", "mongodb://", "at least one hostname"),
        ("MASTERX_MONGODB_URL", "mongodb://127.0.0.1:99999/", "Port"),
        ("MASTERX_MONGODB_URL", f"mongodb://user:{PASSWORD}@host:27017,/", "Empty host"),
        ("MASTERX_MONGODB_URL", f"mongodb://u:{PASSWORD}@ho st:27017/", "not a host name"),
        ("MASTERX_MONGODB_URL", "mongodb://h/?tls=maybe", "tls"),
        ("MASTERX_MONGODB_URL", "mongodb://h/?tsl=true", "Unknown option"),
        ("MASTERX_MONGODB_URL", "mongodb://h/?tls=true&tlsCAFile=/no/such.pem", "No such file"),
        ("MASTERX_REDIS_URL", "unix://", "no socket path"),
        ("MASTERX_MONGODB_URL", "mongodb+srv://cluster.example.com:27017/", "port"),
        ("MASTERX_BIND_HOST", "", "no host"),
        ("MASTERX_BIND_HOST", "999.1.1.1", "not a valid IPv4 address"),
        ("MASTERX_BIND_HOST", "a b", "not a host name"),
    ],
)
def test_a_bad_store_url_or_name_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    reason: str,
) -> None:
    assert reason in _refused(monkeypatch, capsys, CommonSettings, variable, value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MASTERX_REDIS_URL", f"redis://u:{PASSWORD}@h:abc/0"),
        ("MASTERX_REDIS_URL", f"redis://u:{PASSWORD[:4]}/{PASSWORD[4:]}@h:1/0"),
        ("MASTERX_REDIS_URL", f"redis://:{PASSWORD}@h:1/0?socket_timeout=x"),
        ("MASTERX_MONGODB_URL", f"mongodb://user:{PASSWORD[:4]}/{PASSWORD[4:]}@host:27017/"),
        ("MASTERX_MONGODB_URL", f"mongodb://user:{PASSWORD[:4]}?{PASSWORD[4:]}@host:27017/"),
        ("MASTERX_MONGODB_URL", f"mongodb://user:{PASSWORD[:4]}:{PASSWORD[4:]}@host:27017/"),
        ("MASTERX_MONGODB_URL", f"mongodb://user:{PASSWORD}@host:99999/"),
    ],
)
def test_an_error_never_shows_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    message = _refused(monkeypatch, capsys, CommonSettings, variable, value)
    assert PASSWORD[:4] not in message and PASSWORD[4:] not in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MASTERX_REDIS_URL", "rediss://user:pw@redis.example.com:6380/3?ssl_cert_reqs=none"),
        ("MASTERX_REDIS_URL", "redis://[::1]:6379/15?socket_timeout=2&protocol=3"),
        ("MASTERX_REDIS_URL", "redis://redis:6379"),
        ("MASTERX_REDIS_URL", "redis://h:1/31"),  # a server configured with more databases
        ("MASTERX_REDIS_URL", "unix:///var/run/redis/redis.sock?db=1"),
        ("MASTERX_MONGODB_URL", "mongodb://u:p%2Fw@a:1,b:2/db?replicaSet=rs&authSource=admin"),
        ("MASTERX_MONGODB_URL", "mongodb+srv://u:pw@cluster.example.com/?retryWrites=true"),
        ("MASTERX_MONGODB_URL", "mongodb://%2Ftmp%2Fmongodb-27017.sock/"),
        ("MASTERX_MONGODB_DATABASE", "masterx_test-1"),
        ("MASTERX_BIND_HOST", "0.0.0.0"),
        ("MASTERX_BIND_HOST", "::"),
        ("MASTERX_BIND_HOST", "router.masterx.svc.cluster.local"),
    ],
)
def test_good_store_urls_and_hosts_are_accepted(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    load_settings(CommonSettings)


def test_without_the_client_libraries_only_the_url_structure_is_checked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gateway's image holds neither redis nor pymongo (it uses no store)."""
    monkeypatch.setattr(masterx.store_urls, "_library", lambda name: None)
    monkeypatch.setenv("MASTERX_REDIS_URL", "redis://h:1/0?socket_timeout=x")
    monkeypatch.setenv("MASTERX_MONGODB_URL", "mongodb://h/?tls=maybe")
    load_settings(GatewaySettings)
    message = _refused(monkeypatch, capsys, GatewaySettings, "MASTERX_REDIS_URL", "redis://h:x/0")
    assert "port is not a number" in message


def test_the_cache_redis_url_is_checked_as_well(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = _refused(
        monkeypatch, capsys, RouterSettings, "MASTERX_CACHE_REDIS_URL", "redis://h:abc/0"
    )
    assert "port is not a number" in message


@pytest.mark.parametrize("value", ["", "abc", "{", "nan"])
def test_weights_that_are_not_json_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    message = _refused(monkeypatch, capsys, BenchmarkSettings, "MASTERX_BENCHMARK_WEIGHTS", value)
    assert "not valid JSON" in message and "Traceback" not in message


@pytest.mark.parametrize(
    ("cls", "variable", "value"),
    [
        (GatewaySettings, "MASTERX_ROUTER_TIMEOUT_SECONDS", "inf"),
        (GatewaySettings, "MASTERX_ROUTER_TIMEOUT_SECONDS", "3601"),
        (GatewaySettings, "MASTERX_QUERY_TIMEOUT_SECONDS", "1e300"),
        (GatewaySettings, "MASTERX_MAX_MESSAGE_CHARS", "1e20"),
        (GatewaySettings, "MASTERX_MAX_BODY_BYTES", "99999999999999999999"),
        (GatewaySettings, "MASTERX_MAX_CONNECTIONS", "1e20"),
        (HealthSettings, "MASTERX_BREAKER_TIMEOUT_SECONDS", "inf"),
        (HealthSettings, "MASTERX_BREAKER_MAX_TIMEOUT_SECONDS", "86401"),
        (HealthSettings, "MASTERX_BREAKER_WINDOW_SECONDS", "1e9"),
        (HealthSettings, "MASTERX_BREAKER_FAILURE_THRESHOLD", "1e20"),
        (HealthSettings, "MASTERX_BREAKER_HALF_OPEN_MAX_CALLS", "100000"),
        (HealthSettings, "MASTERX_PROVIDER_TIMEOUT_SECONDS", "inf"),
        (RouterSettings, "MASTERX_SESSION_IDLE_SECONDS", "1e12"),
        (RouterSettings, "MASTERX_SESSION_IDLE_SECONDS", "inf"),
        (RouterSettings, "MASTERX_PROVIDER_CONNECT_TIMEOUT_SECONDS", "inf"),
        (RouterSettings, "MASTERX_PROVIDER_READ_TIMEOUT_SECONDS", "1e9"),
        (RouterSettings, "MASTERX_SCORES_REFRESH_SECONDS", "inf"),
        (RouterSettings, "MASTERX_SESSION_CACHE_TTL_SECONDS", "inf"),
        (RouterSettings, "MASTERX_SESSION_CACHE_SIZE", "1e20"),
        (RouterSettings, "MASTERX_USAGE_BUFFER_SIZE", "1e20"),
        (RouterSettings, "MASTERX_DRIFT_MIN_WEIGHT", "inf"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_MAX_AGE_HOURS", "inf"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_INTERVAL_SECONDS", "1e-7"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_INTERVAL_SECONDS", "43201"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_MAX_TOKENS", "1e20"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_SANDBOX_CONCURRENCY", "65"),
    ],
)
def test_a_number_past_its_bound_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cls: type[BaseSettings],
    variable: str,
    value: str,
) -> None:
    if variable == "MASTERX_PROVIDER_TIMEOUT_SECONDS":  # not refused for the permit TTL rule
        monkeypatch.setenv("MASTERX_BREAKER_PERMIT_TTL_SECONDS", "86400")
    _refused(monkeypatch, capsys, cls, variable, value)


def test_infinity_is_no_number_even_within_bounds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = _refused(
        monkeypatch, capsys, GatewaySettings, "MASTERX_ROUTER_TIMEOUT_SECONDS", "inf"
    )
    assert "finite number" in message


@pytest.mark.parametrize(
    ("cls", "variable", "value"),
    [
        (GatewaySettings, "MASTERX_ROUTER_TIMEOUT_SECONDS", "3600"),
        (RouterSettings, "MASTERX_SESSION_IDLE_SECONDS", str(365 * 86_400)),
        (HealthSettings, "MASTERX_BREAKER_MAX_TIMEOUT_SECONDS", "86400"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_INTERVAL_SECONDS", "1"),
        (BenchmarkSettings, "MASTERX_BENCHMARK_SANDBOX_CONCURRENCY", "64"),
    ],
)
def test_a_number_at_its_bound_is_accepted(
    monkeypatch: pytest.MonkeyPatch, cls: type[BaseSettings], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    load_settings(cls)


def test_a_sandbox_wall_limit_below_its_cpu_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASTERX_BENCHMARK_SANDBOX_CPU_SECONDS", "20")
    monkeypatch.setenv("MASTERX_BENCHMARK_SANDBOX_WALL_SECONDS", "10")
    with pytest.raises(SettingsError):
        load_settings(BenchmarkSettings)
    assert "MASTERX_BENCHMARK_SANDBOX_WALL_SECONDS" in capsys.readouterr().err
