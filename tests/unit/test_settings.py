"""Settings are validated at start-up with messages that name the variable."""

from __future__ import annotations

import pytest

from masterx.settings import CommonSettings, SettingsError, load_settings
from services.router.settings import RouterSettings


def test_defaults_describe_the_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MASTERX_ROUTER_TARGET", "MASTERX_ROUTER_GRPC_PORT", "MASTERX_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(CommonSettings)
    assert settings.router_target == "127.0.0.1:50051"
    assert settings.redis_url == "redis://127.0.0.1:6390/0"


def test_a_port_override_moves_the_default_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASTERX_HEALTH_TARGET", raising=False)
    monkeypatch.setenv("MASTERX_HEALTH_GRPC_PORT", "60052")
    assert load_settings(CommonSettings).health_target == "127.0.0.1:60052"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MASTERX_GATEWAY_PORT", "not-a-port"),
        ("MASTERX_GATEWAY_PORT", "70000"),
        ("MASTERX_REDIS_URL", "http://localhost:6379"),
        ("MASTERX_LOG_LEVEL", "LOUD"),
        ("MASTERX_PROVIDER_TIMEOUT_SECONDS", "-1"),
    ],
)
def test_a_bad_variable_is_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError):
        load_settings(RouterSettings)
    message = capsys.readouterr().err
    assert "invalid configuration" in message
    assert variable in message and repr(value) in message


def test_default_provider_order_is_a_clean_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERX_DEFAULT_PROVIDER_ORDER", " groq, ,openai ")
    assert load_settings(RouterSettings).default_order == ["groq", "openai"]
