"""The launcher's own settings: every bad one named before anything starts, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tooling.stack import Stack, StackConfig

REPO = Path(__file__).resolve().parents[2]


def _problems(environ: dict[str, str]) -> str:
    with pytest.raises(ValueError) as raised:
        StackConfig.from_environ(environ)
    return str(raised.value)


def _launcher(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m tooling.stack`` with only these MASTERX_* variables; every case here is
    refused before anything starts (or is ``status``, which starts nothing)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MASTERX_")}
    return subprocess.run(
        [sys.executable, "-m", "tooling.stack", *argv],
        env={**base, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bad_port_is_a_clean_exit_naming_the_variable(tmp_path: Path) -> None:
    result = _launcher(
        "run", env={"MASTERX_STACK_DIR": str(tmp_path), "MASTERX_GATEWAY_PORT": "abc"}
    )
    assert result.returncode == 2
    assert result.stderr == (
        "[masterx] invalid configuration:\n  MASTERX_GATEWAY_PORT='abc' is not a port number\n"
    )
    assert not (tmp_path / "logs").exists()  # nothing was started


def test_a_stack_dir_that_is_a_file_is_named(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("")
    for command in ("status", "run"):
        result = _launcher(command, env={"MASTERX_STACK_DIR": str(afile)})
        assert result.returncode == 2, result.stderr
        assert f"MASTERX_STACK_DIR='{afile}' is not a directory" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("raw", ["abc", "nan", "-1", "0", "inf", ""])
def test_the_startup_timeout_must_be_a_positive_finite_number(raw: str) -> None:
    message = _problems({"MASTERX_STARTUP_TIMEOUT_SECONDS": raw})
    assert message == f"MASTERX_STARTUP_TIMEOUT_SECONDS={raw!r} is not a number of seconds > 0"


def test_a_good_startup_timeout_is_read() -> None:
    config = StackConfig.from_environ({"MASTERX_STARTUP_TIMEOUT_SECONDS": "2.5"})
    assert config.startup_timeout_seconds == 2.5


def test_every_bad_variable_is_named_at_once() -> None:
    message = _problems(
        {
            "MASTERX_REDIS_PORT": "0",
            "MASTERX_GATEWAY_PORT": "x",
            "MASTERX_STARTUP_TIMEOUT_SECONDS": "y",
        }
    )
    assert message.splitlines() == [
        "MASTERX_REDIS_PORT='0' is not in 1..65535",
        "MASTERX_GATEWAY_PORT='x' is not a port number",
        "MASTERX_STARTUP_TIMEOUT_SECONDS='y' is not a number of seconds > 0",
    ]


def test_two_components_on_one_port_are_refused_naming_both() -> None:
    message = _problems({"MASTERX_GATEWAY_PORT": "19051", "MASTERX_ROUTER_GRPC_PORT": "19051"})
    assert message == (
        "MASTERX_GATEWAY_PORT and MASTERX_ROUTER_GRPC_PORT are both 19051: "
        "each component needs a port of its own"
    )


def test_a_port_on_another_components_default_is_refused() -> None:
    message = _problems({"MASTERX_GATEWAY_PORT": "50051"})
    assert "MASTERX_GATEWAY_PORT and MASTERX_ROUTER_GRPC_PORT (default) are both 50051" in message


def test_the_port_of_a_store_given_by_url_is_not_used() -> None:
    config = StackConfig.from_environ(
        {
            "MASTERX_REDIS_URL": "redis://elsewhere:6379/0",
            "MASTERX_REDIS_PORT": "18001",
            "MASTERX_GATEWAY_PORT": "18001",
        }
    )
    assert config.gateway_port == 18001


def test_the_launcher_binds_masterx_bind_host() -> None:
    config = StackConfig.from_environ({"MASTERX_BIND_HOST": "0.0.0.0"})
    env = Stack(config).service_env()
    assert env["MASTERX_BIND_HOST"] == "0.0.0.0"
    # Clients of a wildcard address connect over loopback.
    assert env["MASTERX_ROUTER_TARGET"] == f"127.0.0.1:{config.router_grpc_port}"
    assert env["MASTERX_SIMULATOR_URL"] == f"http://127.0.0.1:{config.simulator_port}"
    assert Stack(config).gateway_url == f"http://127.0.0.1:{config.gateway_port}"


def test_masterx_bind_host_wins_over_the_older_masterx_host() -> None:
    both = StackConfig.from_environ({"MASTERX_BIND_HOST": "127.0.0.3", "MASTERX_HOST": "127.0.0.2"})
    assert both.host == "127.0.0.3"
    older = StackConfig.from_environ({"MASTERX_HOST": "127.0.0.2"})
    assert older.host == "127.0.0.2" == Stack(older).service_env()["MASTERX_BIND_HOST"]
    assert StackConfig.from_environ({"MASTERX_BIND_HOST": ""}).host == "127.0.0.1"


def test_a_bind_host_that_does_not_resolve_is_named() -> None:
    message = _problems({"MASTERX_BIND_HOST": "abc.invalid"})
    assert message.startswith("MASTERX_BIND_HOST='abc.invalid' is not an IPv4 address")
