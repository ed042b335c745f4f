"""``masterx keys create|list|revoke|usage``: API keys with budgets and limits (admin token).

``masterx keys create --name tutor-app --budget-usd 50/month --rpm 600 --tpm 200000
--models auto,openai/gpt-4o-mini`` prints the key's secret once; it is never shown again.
"""

from __future__ import annotations

import argparse
import math
from typing import Any
from urllib.parse import quote

from tooling.cli.arguments import key_id, positive
from tooling.cli.client import SHORT_TIMEOUT_S, GatewayClient
from tooling.cli.output import table

KEYS = "/api/v1/admin/keys"
PERIODS = {"day": "budget_day_usd", "month": "budget_month_usd"}


def budget(text: str) -> tuple[str, float]:
    """``50/month`` or ``5/day`` -> (field, USD)."""
    amount, sep, period = text.strip().partition("/")
    if not sep or period not in PERIODS:
        raise argparse.ArgumentTypeError(f"{text!r}: give USD per day or month, e.g. 50/month")
    try:
        usd = float(amount.lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {amount!r} is not a number") from None
    if not math.isfinite(usd) or usd < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the amount must be 0 or more")
    return PERIODS[period], usd


def user_budget(text: str) -> float:
    field, usd = budget(text if "/" in text else f"{text}/day")
    if field != "budget_day_usd":
        raise argparse.ArgumentTypeError(f"{text!r}: a learner's budget is per day, e.g. 0.5/day")
    return usd


def pins(text: str) -> list[str]:
    return [pin.strip() for pin in text.split(",") if pin.strip()]


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    keys = subparsers.add_parser("keys", help="API keys with budgets and limits (admin token)")
    commands = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    create = commands.add_parser("create", parents=[common], help="create a key; shows it once")
    create.add_argument("--name", required=True, help="what the key is for")
    create.add_argument(
        "--budget-usd",
        type=budget,
        action="append",
        default=[],
        metavar="USD/PERIOD",
        help="50/month or 5/day (repeatable, one per period)",
    )
    create.add_argument(
        "--user-budget-usd", type=user_budget, metavar="USD/day", help="per learner per day"
    )
    create.add_argument("--rpm", type=positive, help="requests per minute")
    create.add_argument("--tpm", type=positive, help="tokens per minute")
    create.add_argument("--max-tokens", type=positive, help="largest max_tokens allowed")
    create.add_argument(
        "--models", type=pins, help="what requests may pin: auto,openai/gpt-4o-mini,groq/*"
    )
    create.add_argument(
        "--cache",
        choices=("off", "key", "shared"),
        help="its response cache: off, key (its own answers) or shared; default: the gateway's",
    )
    create.set_defaults(run=run_create, default_timeout=SHORT_TIMEOUT_S)
    listing = commands.add_parser("list", parents=[common], help="every key")
    listing.set_defaults(run=run_list, default_timeout=SHORT_TIMEOUT_S)
    revoke = commands.add_parser("revoke", parents=[common], help="revoke a key")
    revoke.add_argument("key_id", metavar="ID", type=key_id, help="12 hex digits (keys list)")
    revoke.set_defaults(run=run_revoke, default_timeout=SHORT_TIMEOUT_S)
    usage = commands.add_parser("usage", parents=[common], help="a key's usage (default: all)")
    usage.add_argument("key_id", metavar="ID", nargs="?", type=key_id, help="12 hex digits")
    usage.set_defaults(run=run_usage, default_timeout=SHORT_TIMEOUT_S)


def create_body(args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"name": args.name}
    for field, usd in args.budget_usd:
        body[field] = usd
    optional = {
        "user_budget_day_usd": args.user_budget_usd,
        "rpm": args.rpm,
        "tpm": args.tpm,
        "max_tokens": args.max_tokens,
        "models": args.models,
        "cache": args.cache,
    }
    body.update({field: value for field, value in optional.items() if value is not None})
    return body


def _limits(key: dict[str, Any]) -> str:
    parts = [
        f"${key['budget_day_usd']:g}/day" if key.get("budget_day_usd") is not None else "",
        f"${key['budget_month_usd']:g}/month" if key.get("budget_month_usd") is not None else "",
        f"${key['user_budget_day_usd']:g}/learner/day"
        if key.get("user_budget_day_usd") is not None
        else "",
        f"{key['rpm']} rpm" if key.get("rpm") else "",
        f"{key['tpm']} tpm" if key.get("tpm") else "",
        f"max_tokens {key['max_tokens']}" if key.get("max_tokens") else "",
    ]
    return ", ".join(p for p in parts if p) or "unlimited"


def run_create(client: GatewayClient, args: argparse.Namespace) -> int:
    key = client.request("POST", KEYS, admin=True, json=create_body(args))
    print(
        f"created key {key['id']} ({key['name']}): {_limits(key)}; models {','.join(key['models'])}"
    )
    print(f"\n  {key['key']}\n")
    print("This is the only time the key is shown: store it now.")
    return 0


def run_list(client: GatewayClient, args: argparse.Namespace) -> int:
    keys = client.request("GET", KEYS, admin=True)["keys"]
    if not keys:
        print("no keys yet: masterx keys create --name NAME ...")
        return 0
    rows = [
        [
            k["id"],
            k["name"],
            _limits(k),
            ",".join(k["models"]),
            "revoked" if k["revoked"] else "active",
        ]
        for k in keys
    ]
    print(table(["id", "name", "limits", "models", "status"], rows))
    return 0


def _key_path(key: object) -> str:
    """The key's URL path; its id quoted (checked on the command line, but ids from the
    gateway's own list are not)."""
    return f"{KEYS}/{quote(str(key), safe='')}"


def run_revoke(client: GatewayClient, args: argparse.Namespace) -> int:
    key = client.request("DELETE", _key_path(args.key_id), admin=True)
    print(f"revoked key {key['id']} ({key['name']}) at {key['revoked_at']}")
    return 0


def run_usage(client: GatewayClient, args: argparse.Namespace) -> int:
    if args.key_id:
        ids = [args.key_id]
    else:
        ids = [k["id"] for k in client.request("GET", KEYS, admin=True)["keys"]]
    rows = []
    for each in ids:
        u = client.request("GET", _key_path(each) + "/usage", admin=True)
        rows.append(
            [
                each,
                u["requests_last_minute"],
                u["tokens_last_minute"],
                f"{u['spent_day_usd']:.4f}",
                f"{u['held_day_usd']:.4f}",
                f"{u['spent_month_usd']:.4f}",
            ]
        )
    headers = ["id", "req/min", "tokens/min", "day $", "held $", "month $"]
    print(table(headers, rows) if rows else "no keys yet")
    return 0
