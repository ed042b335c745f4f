"""Errors do not echo secrets, and the public probes do not print internal addresses.

The attack (issue 20, "Also"): a settings error printed the value given, so a mistyped MongoDB
URL showed its password in the start-up log; ``/readyz`` printed the router's address.
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from masterx.settings import SettingsError, load_settings
from services.router.settings import RouterSettings
from tests.gateway.running import gateway_settings, running_gateway

PASSWORD = "hunter2-Sup3rSecret"


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("MASTERX_")]:
        monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MASTERX_MONGODB_URL", f"mongo://admin:{PASSWORD}@db.internal:27017/"),
        ("MASTERX_MONGODB_URL", f"postgres://{PASSWORD}@db.internal/"),
        ("MASTERX_REDIS_URL", f"http://:{PASSWORD}@cache.internal:6379/0"),
        ("MASTERX_SIMULATOR_URL", f"ftp://user:{PASSWORD}@sim.internal/"),
    ],
)
def test_a_bad_store_url_is_named_without_its_password(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError):
        load_settings(RouterSettings)
    message = capsys.readouterr().err
    assert variable in message
    assert PASSWORD not in message, message
    assert "***@" in message  # the rest of the URL is shown, to find the typo


def test_a_service_that_refuses_its_settings_prints_no_secret(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTERX_")}
    env |= {
        "MASTERX_MONGODB_URL": f"mongodb+srv//admin:{PASSWORD}@cluster0.example.net/",
        "MASTERX_BIND_HOST": "0.0.0.0",
        "MASTERX_API_KEYS": "",
        "MASTERX_ADMIN_TOKEN": PASSWORD,
    }
    for module in ("services.gateway", "services.router"):
        done = subprocess.run(
            [sys.executable, "-m", module], env=env, capture_output=True, timeout=60, check=False
        )
        assert done.returncode == 2, done.stderr.decode()
        output = (done.stdout + done.stderr).decode()
        assert "MASTERX_MONGODB_URL" in output and PASSWORD not in output, output


def test_readyz_does_not_print_the_routers_address() -> None:
    unreachable = "10.11.12.13:50051"
    settings = gateway_settings(unreachable)
    with running_gateway(settings) as url:
        reply = httpx.get(f"{url}/readyz", timeout=10)
    assert reply.status_code == 503
    assert reply.json()["error"]["code"] == "router_unavailable"
    assert "10.11.12.13" not in reply.text and "50051" not in reply.text
