"""``masterx``: the command line client of a MasterX gateway (HTTP only, like any user).

Each group of subcommands lives in its own module with a ``register(subparsers)`` function.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tooling.cli import bench, chat, eval_commands, health, keys
from tooling.cli.arguments import check_text_arguments, seconds_above_0
from tooling.cli.client import (
    DEFAULT_TIMEOUT_S,
    DEFAULT_URL,
    REPLY_SHAPE_ERRORS,
    SHORT_TIMEOUT_S,
    CliConfigError,
    CliError,
    GatewayClient,
    check_credential,
    check_gateway_url,
)

COMMAND_MODULES = (chat, bench, health, eval_commands, keys)


def _environment_url() -> str:
    """``MASTERX_GATEWAY_URL``; unset or empty (blank) is the default."""
    return os.environ.get("MASTERX_GATEWAY_URL", "").strip() or DEFAULT_URL


def _source(value: str | None, variable: str, option: str) -> str:
    """Which of the variable or the option gave ``value``, for an error message."""
    return variable if value == os.environ.get(variable) else option


def _checked_settings(args: argparse.Namespace) -> str:
    """The gateway URL to use; a :class:`CliConfigError` naming a bad URL or credential."""
    url_source = "MASTERX_GATEWAY_URL" if args.url == _environment_url() else "--url"
    url = check_gateway_url(args.url, url_source)
    check_credential(args.api_key, _source(args.api_key, "MASTERX_API_KEY", "--api-key"))
    check_credential(
        args.admin_token, _source(args.admin_token, "MASTERX_ADMIN_TOKEN", "--admin-token")
    )
    return url


def _connection_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    def default(value: str | None) -> str | None:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--url",
        default=default(_environment_url()),
        help=f"gateway URL (env MASTERX_GATEWAY_URL; default {DEFAULT_URL})",
    )
    parser.add_argument(
        "--api-key",
        default=default(os.environ.get("MASTERX_API_KEY")),
        help="API key, when the gateway has MASTERX_API_KEYS (env MASTERX_API_KEY)",
    )
    parser.add_argument(
        "--admin-token",
        default=default(os.environ.get("MASTERX_ADMIN_TOKEN")),
        help="admin token for bench run and keys (env MASTERX_ADMIN_TOKEN)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds_above_0,
        default=default(None),
        metavar="SECONDS",
        help=f"how long to wait for the gateway's answer (default {SHORT_TIMEOUT_S:g} s for"
        f" health, keys and bench scores, {DEFAULT_TIMEOUT_S:g} s otherwise)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="masterx", description="Talk to a MasterX gateway: chat, routing, benchmarks, health."
    )
    _connection_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _connection_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers, common)
    return parser


def _run(client: GatewayClient, args: argparse.Namespace) -> int:
    """The command; once the gateway has answered, an error reading its reply (a field
    missing, of the wrong type) means the URL is not a MasterX gateway: one line, no
    traceback."""
    try:
        code: int = args.run(client, args)
    except REPLY_SHAPE_ERRORS as error:
        if not client.answered:
            raise
        raise client.wrong_shape(error) from None
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    timeout = args.timeout or getattr(args, "default_timeout", DEFAULT_TIMEOUT_S)
    try:
        url = _checked_settings(args)
        check_text_arguments(args)
        with GatewayClient(
            url, api_key=args.api_key, admin_token=args.admin_token, timeout=timeout
        ) as client:
            return _run(client, args)
    except CliConfigError as error:
        sys.stdout.flush()
        print(f"masterx: error: {error}", file=sys.stderr)
        return 2
    except CliError as error:
        sys.stdout.flush()
        print(f"masterx: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
