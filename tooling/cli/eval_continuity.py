"""``masterx eval continuity``: scripted conversations through the gateway's chat, per session."""

from __future__ import annotations

import argparse
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tooling.cli.client import CliError, GatewayClient, GatewayError
from tooling.evaluation.continuity import (
    AnsweredTurn,
    Conversation,
    format_continuity,
    read_conversations_jsonl,
    score_continuity,
)
from tooling.evaluation.labelled import LabelledDataError

DEFAULT_CONVERSATIONS = Path(__file__).resolve().parents[2] / "bench/eval/conversations.jsonl"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "continuity",
        parents=[common],
        help="share of same-topic turns kept on their provider over scripted conversations",
    )
    parser.add_argument(
        "--conversations",
        type=Path,
        default=DEFAULT_CONVERSATIONS,
        help='JSON Lines: {"id", "turns": [{"text", "topic"}, ...]} (default: the shipped set)',
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--concurrency", type=int, default=4, help="conversations in flight (1-32)")
    parser.add_argument(
        "--strict", action="store_true", help="exit 2 when the share is below the goal"
    )
    parser.set_defaults(run=run_continuity)


def _converse(client: GatewayClient, conversation: Conversation, run: str) -> list[AnsweredTurn]:
    """Every turn through ``POST /api/v1/chat`` in one fresh session; who answered each."""
    session = f"eval-{run}-{conversation.id}"[:128]
    answers = []
    for i, turn in enumerate(conversation.turns):
        try:
            reply = client.request(
                "POST",
                "/api/v1/chat",
                json={"user_id": f"eval-{run}", "session_id": session, "message": turn.text},
            )
        except GatewayError as error:
            if not error.about_the_request:
                raise
            raise CliError(f"{conversation.where}: turns[{i}]: {error}") from None
        answers.append(
            AnsweredTurn(str(reply["provider"]), str(reply["category"]), str(reply["reason"]))
        )
    return answers


def read_conversations(path: Path) -> list[Conversation]:
    try:
        return read_conversations_jsonl(path)
    except LabelledDataError as error:
        raise CliError(str(error)) from None
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror})") from None


def run_continuity(client: GatewayClient, args: argparse.Namespace) -> int:
    conversations = read_conversations(args.conversations)
    if not 1 <= args.concurrency <= 32:
        raise CliError("--concurrency must be between 1 and 32")
    run = uuid.uuid4().hex[:8]  # fresh sessions on every run
    pool = ThreadPoolExecutor(max_workers=args.concurrency)
    try:
        answers = list(pool.map(lambda c: _converse(client, c, run), conversations))
    finally:
        pool.shutdown(cancel_futures=True)
    report = score_continuity(conversations, answers)
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(format_continuity(report))
    return 2 if args.strict and not report.meets_goal else 0
