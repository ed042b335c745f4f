"""gRPC addresses: targets checked at start-up, and a server that cannot listen exits with a
message naming the address and its variables instead of a traceback (review F1, F8)."""

from __future__ import annotations

import socket

import pytest

from masterx.grpc_channels import ROUND_ROBIN, channel_target
from masterx.grpc_server import GrpcServiceSpec, run_grpc_service
from masterx.settings import CommonSettings, SettingsError, load_settings
from tooling.stack.readiness import free_port


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("not a target", "has no port"),
        ("127.0.0.1:99999", "not a number in 1-65535"),
        ("router:0", "not a number in 1-65535"),
        ("router", "has no port"),
        ("dns:///h:1,h:2", "dns:/// takes one name"),
        ("dns:///router", "has no port"),
        ("localhost:1,localhost:2", "IPv4 addresses only"),
        ("127.0.0.1:1,router:2", "IPv4 addresses only"),
        ("ipv4:router:1,router:2", "IPv4 addresses only"),
        ("::1:50051", "IPv6 address goes in brackets"),
        ("http://router:50051", "is not one of"),
        (",", "no target"),
    ],
)
def test_a_bad_target_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], target: str, reason: str
) -> None:
    monkeypatch.setenv("MASTERX_HEALTH_TARGET", target)
    with pytest.raises(SettingsError):
        load_settings(CommonSettings)
    message = capsys.readouterr().err
    assert "MASTERX_HEALTH_TARGET: " in message and reason in message
    with pytest.raises(ValueError, match=r"\w"):
        channel_target(target)


@pytest.mark.parametrize(
    ("target", "grpc_target", "balanced"),
    [
        ("router:50051", "router:50051", False),
        ("[::1]:50051", "[::1]:50051", False),
        ("dns:///router.masterx.svc.cluster.local:50051", None, True),
        ("dns://8.8.8.8:53/router:50051", None, True),
        ("10.0.0.1:1, 10.0.0.2:1", "ipv4:10.0.0.1:1,10.0.0.2:1", True),
        ("ipv6:[::1]:1,[::1]:2", "ipv6:[::1]:1,[::1]:2", True),
    ],
)
def test_good_targets_are_accepted(
    monkeypatch: pytest.MonkeyPatch, target: str, grpc_target: str | None, balanced: bool
) -> None:
    monkeypatch.setenv("MASTERX_ROUTER_TARGET", target)
    assert load_settings(CommonSettings).router_target == target
    address, options = channel_target(target)
    assert address == (grpc_target or target)
    assert (ROUND_ROBIN in options) == balanced


def _spec(name: str, host: str, port: int) -> GrpcServiceSpec:
    return GrpcServiceSpec(
        name=name,
        service_names=[],
        register=lambda server: None,
        host=host,
        port=port,
        metrics_port=free_port(),
        grace_seconds=0,
    )


async def test_an_unresolvable_bind_host_exits_naming_the_variables() -> None:
    with pytest.raises(SystemExit) as raised:
        await run_grpc_service(_spec("router", "abc.invalid", free_port()))
    message = str(raised.value.code)
    assert message.startswith("router: cannot listen on abc.invalid:")
    assert "(MASTERX_BIND_HOST / MASTERX_ROUTER_GRPC_PORT)" in message
    assert "does not resolve" in message


async def test_a_port_in_use_exits_naming_the_variables() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as raised:
            await run_grpc_service(_spec("health", "127.0.0.1", port))
    message = str(raised.value.code)
    assert f"health: cannot listen on 127.0.0.1:{port}" in message
    assert "MASTERX_HEALTH_GRPC_PORT" in message and "in use" in message
