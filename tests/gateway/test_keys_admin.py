"""The key admin endpoints: the gateway in a thread, the real ApiKeys servicer over real
Redis and MongoDB on the test's event loop (so the tests use an async HTTP client)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import grpc
import httpx
import pytest
import redis.asyncio as aioredis
from pymongo.asynchronous.database import AsyncDatabase

from masterx.v1 import keys_pb2_grpc
from services.health.keys.key_store import KeyStore
from services.health.keys.local_limiter import LocalSpendLimiter
from services.health.keys.redis_limiter import RedisSpendLimiter
from services.health.keys.servicer import ApiKeysServicer
from services.health.keys.spend import SpendLimits
from tests.gateway.running import ADMIN_TOKEN, gateway_settings, running_gateway
from tooling.cli import main

KEYS = "/api/v1/admin/keys"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
Database = AsyncDatabase[dict[str, Any]]


@pytest.fixture
async def admin(
    redis_client: aioredis.Redis, mongo_db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    shared = RedisSpendLimiter(redis_client)
    servicer = ApiKeysServicer(
        KeyStore(mongo_db), SpendLimits(shared, LocalSpendLimiter(0.5)), shared
    )
    server = grpc.aio.server()
    keys_pb2_grpc.add_ApiKeysServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        settings = gateway_settings("127.0.0.1:1", health_target=f"127.0.0.1:{port}")
        with running_gateway(settings) as url:
            async with httpx.AsyncClient(base_url=url, headers=ADMIN, timeout=10) as client:
                yield client
    finally:
        await server.stop(None)


async def test_the_secret_is_shown_once_and_only_its_hash_is_stored(
    admin: httpx.AsyncClient, mongo_db: Database
) -> None:
    body = {"name": "tutor-app", "budget_month_usd": 50, "rpm": 600, "tpm": 200000,
            "models": ["auto", "openai/gpt-4o-mini"]}  # fmt: skip
    created = await admin.post(KEYS, json=body)
    assert created.status_code == 201, created.text
    key = created.json()
    secret = key["key"]
    assert secret.startswith(f"mx-{key['id']}-") and key["rpm"] == 600 and key["tpm"] == 200000
    assert key["models"] == ["auto", "openai/gpt-4o-mini"] and key["budget_day_usd"] is None
    shown_again = [await admin.get(f"{KEYS}/{key['id']}"), await admin.get(KEYS)]
    assert all(secret not in r.text and r.status_code == 200 for r in shown_again)
    document = await mongo_db["api_keys"].find_one({"_id": key["id"]})
    assert document is not None and secret not in str(document)
    assert document["token_sha256"] == hashlib.sha256(secret.encode()).hexdigest()


async def test_update_revoke_and_usage(admin: httpx.AsyncClient) -> None:
    key = (await admin.post(KEYS, json={"name": "a", "rpm": 10})).json()
    patched = await admin.patch(f"{KEYS}/{key['id']}", json={"rpm": None, "budget_day_usd": 2})
    assert patched.status_code == 200, patched.text
    assert patched.json()["rpm"] is None and patched.json()["budget_day_usd"] == 2
    revoked = await admin.delete(f"{KEYS}/{key['id']}")
    assert revoked.json()["revoked"] and revoked.json()["revoked_at"]
    listed = (await admin.get(KEYS)).json()["keys"]
    assert [(k["id"], k["revoked"]) for k in listed] == [(key["id"], True)]
    usage = await admin.get(f"{KEYS}/{key['id']}/usage")
    assert usage.status_code == 200 and usage.json()["requests_last_minute"] == 0
    assert usage.json()["spent_month_usd"] == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "param"),
    [
        ("post", KEYS, {}, "name"),
        ("post", KEYS, {"name": ""}, "name"),
        ("post", KEYS, {"name": "a", "rpm": 0}, "rpm"),
        ("post", KEYS, {"name": "a", "tpm": "lots"}, "tpm"),
        ("post", KEYS, {"name": "a", "budget_month_usd": -5}, "budget_month_usd"),
        ("post", KEYS, {"name": "a", "user_budget_day_usd": 1e12}, "user_budget_day_usd"),
        ("post", KEYS, {"name": "a", "max_tokens": 0}, "max_tokens"),
        ("post", KEYS, {"name": "a", "models": ["gpt-4o"]}, "models.0"),
        ("post", KEYS, {"name": "a", "models": "auto"}, "models"),
        ("post", KEYS, {"name": "a", "colour": "red"}, "colour"),
        ("patch", f"{KEYS}/abcdef012345", {"name": None}, "name"),
        ("patch", f"{KEYS}/abcdef012345", {"models": None}, "models"),
        ("patch", f"{KEYS}/abcdef012345", {"rpm": -1}, "rpm"),
        ("get", f"{KEYS}/not-a-key-id", None, "id"),
        ("delete", f"{KEYS}/XYZ", None, "id"),
        ("get", f"{KEYS}/XYZ/usage", None, "id"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    admin: httpx.AsyncClient, method: str, path: str, body: Any, param: str
) -> None:
    response = await admin.request(method, path, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert param.split(".")[0] in error["message"]


async def test_an_unknown_key_is_a_404_and_the_admin_token_is_required(
    admin: httpx.AsyncClient,
) -> None:
    missing = await admin.get(f"{KEYS}/ffffffffffff")
    assert missing.status_code == 404 and "ffffffffffff" in missing.json()["error"]["message"]
    anonymous = await admin.post(KEYS, json={"name": "a"}, headers={"authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "missing_admin_token"


async def _cli(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    # The CLI is synchronous; a thread keeps this loop free to serve the ApiKeys servicer.
    code = await asyncio.to_thread(main, [*argv, "--url", url, "--admin-token", ADMIN_TOKEN])
    out, err = capsys.readouterr()
    return code, out, err


async def test_the_cli_creates_lists_shows_usage_and_revokes(
    admin: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(admin.base_url)
    code, out, _ = await _cli(
        capsys, url, "keys", "create", "--name", "tutor-app", "--budget-usd", "50/month",
        "--rpm", "600", "--tpm", "200000", "--models", "auto,openai/gpt-4o-mini",
    )  # fmt: skip
    created = out
    assert code == 0 and "only time the key is shown" in out
    secret = next(line.strip() for line in out.splitlines() if line.strip().startswith("mx-"))
    key_id = secret.split("-")[1]
    assert "$50/month, 600 rpm, 200000 tpm" in out
    code, out, _ = await _cli(capsys, url, "keys", "list")
    assert code == 0 and key_id in out and "active" in out and secret not in out
    code, out, _ = await _cli(capsys, url, "keys", "usage")
    assert code == 0 and key_id in out
    code, out, _ = await _cli(capsys, url, "keys", "revoke", key_id)
    assert code == 0 and f"revoked key {key_id}" in out
    code, out, _ = await _cli(capsys, url, "keys", "list")
    assert "revoked" in out
    with capsys.disabled():
        print(created.replace(secret, "mx-" + key_id + "-<secret>"), out, sep="\n")


async def test_the_cli_names_what_is_wrong(
    admin: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(admin.base_url)
    code, _, err = await _cli(capsys, url, "keys", "revoke", "ffffffffffff")
    assert code == 1 and "no API key with id 'ffffffffffff'" in err
    code, _, err = await _cli(capsys, url, "keys", "create", "--name", "a", "--models", "gpt-4o")
    assert code == 1 and "models" in err
    with pytest.raises(SystemExit):
        await _cli(capsys, url, "keys", "create", "--name", "a", "--budget-usd", "50")
    assert "give USD per day or month, e.g. 50/month" in capsys.readouterr().err
