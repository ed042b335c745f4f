"""``masterx chat`` (streams the answer), ``masterx feedback`` (rate an answer) and
``masterx route`` (why that provider)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import httpx

from tooling.cli.client import CliError, GatewayClient
from tooling.cli.output import table

RATINGS = ("up", "down", "1", "2", "3", "4", "5")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    chat = subparsers.add_parser(
        "chat", parents=[common], help="send a message; streams the answer and who gave it"
    )
    chat.add_argument("message", help="the message")
    chat.add_argument("--user", default="cli", help="user id (default: cli)")
    chat.add_argument("--session", help="continue this session (its id is printed)")
    chat.add_argument(
        "--model", default="auto", help='auto (default), or "<provider>/<model>" to pin'
    )
    chat.add_argument("--no-stream", action="store_true", help="wait for the whole answer")
    chat.set_defaults(run=run_chat)

    feedback = subparsers.add_parser(
        "feedback",
        parents=[common],
        help="rate an answer: the request id `masterx chat` printed, then up, down or 1-5",
    )
    feedback.add_argument("request_id", help="the answer's request id (printed by masterx chat)")
    feedback.add_argument("rating", choices=RATINGS, help="up or down, or 1 (bad) to 5 (good)")
    feedback.add_argument("--user", default="cli", help="the user who asked (default: cli)")
    feedback.add_argument("--comment", help="a short comment (at most 500 characters)")
    feedback.set_defaults(run=run_feedback)

    route = subparsers.add_parser(
        "route", parents=[common], help="explain which provider would answer, without calling it"
    )
    route.add_argument("message", help="the message")
    route.add_argument("--user", help="user id")
    route.add_argument("--session", help="session id")
    route.set_defaults(run=run_route)


def _routing_line(headers: httpx.Headers) -> str:
    return (
        f"→ {headers.get('x-masterx-provider')}/{headers.get('x-masterx-model')}"
        f"  category: {headers.get('x-masterx-category')}"
        f"  reason: {headers.get('x-masterx-route-reason')}"
        f"  session: {headers.get('x-masterx-session-id')}"
    )


def _usage_line(usage: dict[str, Any] | None, seconds: float) -> str:
    tokens = (
        f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion tokens, "
        if usage
        else ""
    )
    return f"[{tokens}{seconds:.2f} s]"


def run_chat(client: GatewayClient, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {
        "model": args.model,
        "user": args.user,
        "messages": [{"role": "user", "content": args.message}],
    }
    if args.session:
        body["metadata"] = {"session_id": args.session}
    started = time.monotonic()
    if args.no_stream:
        reply = client.request("POST", "/api/v1/chat", json=_seed_body(args))
        print(
            f"→ {reply['provider']}/{reply['model']}  category: {reply['category']}"
            f"  reason: {reply['reason']}  session: {reply['session_id']}"
        )
        print(reply["response"])
        totals: dict[str, Any] | None = {
            "prompt_tokens": reply["prompt_tokens"],
            "completion_tokens": reply["completion_tokens"],
        }
        print(_usage_line(totals, time.monotonic() - started))
        print(_rate_hint(reply["request_id"]))
        return 0
    body["stream"] = True
    body["stream_options"] = {"include_usage": True}
    with client.stream("/v1/chat/completions", body) as response:
        print(_routing_line(response.headers), flush=True)
        usage = _print_events(client, response)
        request_id = response.headers.get("x-request-id", "")
    print(_usage_line(usage, time.monotonic() - started))
    print(_rate_hint(request_id))
    return 0


def _rate_hint(request_id: str) -> str:
    return f"request {request_id}  (rate it: masterx feedback {request_id} up|down|1-5)"


def run_feedback(client: GatewayClient, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {
        "request_id": args.request_id,
        "user_id": args.user,
        "rating": int(args.rating) if args.rating.isdigit() else args.rating,
    }
    if args.comment:
        body["comment"] = args.comment
    rated = client.request("POST", "/api/v1/feedback", json=body)
    again = " (replaces the earlier rating)" if rated["replaced"] else ""
    print(
        f"rated {rated['rating']} (score {rated['score']:.2f}){again}: "
        f"{rated['provider']}/{rated['model']}  category: {rated['category']}"
        f"  session: {rated['session_id']}"
    )
    if rated["session_moved"]:
        print("the session leaves this provider: its next message is routed afresh")
    return 0


def _seed_body(args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"user_id": args.user, "message": args.message}
    if args.session:
        body["session_id"] = args.session
    if args.model != "auto":
        provider, _, model = args.model.partition("/")
        body["provider"] = provider
        if model:
            body["model"] = model
    return body


def _event(client: GatewayClient, data: str) -> dict[str, Any]:
    try:
        event = json.loads(data)
    except (ValueError, RecursionError):
        raise client.not_the_gateway("an event that is not JSON") from None
    if not isinstance(event, dict):
        raise client.not_the_gateway("an event that is not a JSON object")
    return event


def _print_events(client: GatewayClient, response: httpx.Response) -> dict[str, Any] | None:
    """Print the answer as it streams; its usage. A stream that ends before its last event
    (``data: [DONE]``) is an error: the answer may be cut short."""
    usage: dict[str, Any] | None = None
    for line in response.iter_lines():
        if not line.startswith("data: "):
            continue
        data = line.removeprefix("data: ")
        if data == "[DONE]":
            print()
            return usage
        event = _event(client, data)
        if "error" in event:
            print()
            error = event["error"]
            reason = error.get("message") if isinstance(error, dict) else error
            raise CliError(f"the answer broke off: {reason}")
        usage = event.get("usage") or usage
        for choice in event.get("choices") or []:
            text = choice.get("delta", {}).get("content")
            if text:
                sys.stdout.write(text)
                sys.stdout.flush()
    print()
    raise CliError(
        f"the answer broke off: the stream from {client.url} ended before its last event"
    )


def run_route(client: GatewayClient, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"message": args.message}
    if args.user:
        body["user_id"] = args.user
    if args.session:
        body["session_id"] = args.session
    decision = client.request("POST", "/api/v1/route", json=body)
    emotion = decision["emotion"]
    print(f"category  {decision['category']} (confidence {decision['confidence']:.2f})")
    print(
        f"emotion   {emotion['primary_emotion']} (frustration {emotion['frustration']:.2f}, "
        f"anxiety {emotion['anxiety']:.2f}, sadness {emotion['sadness']:.2f})"
    )
    print(f"provider  {decision['provider']}/{decision['model']}")
    print(f"reason    {decision['reason']} (score {decision['score']:.1f})")
    print(f"why       {decision.get('explanation', '')}")
    if decision["topic_changed"]:
        print("          the session's topic changes")
    print("ranking (the fallback chain):")
    rows = [_ranked_row(i, r) for i, r in enumerate(decision["ranking"], 1)]
    headers = ["#", "provider", "model", "quality", "tests", "benchmark", "weighed(b/r/s)"]
    headers += ["speed", "cost", "within", "final"]
    print(table([*headers, "breaker"], rows))
    for excluded in decision.get("excluded") or []:
        print(f"excluded  {excluded['provider']}/{excluded['model']}: {excluded['reason']}")
    return 0


def _live_columns(ranked: dict[str, Any]) -> list[str]:
    """The benchmark's own quality and tests beside the live estimate ranked with, and what
    weighed in it, in answers: benchmark / ratings / hard signals."""
    if ranked.get("benchmark_quality") is None:
        return ["-", "-"]
    return [
        f"{ranked['benchmark_quality']:.1f} / {ranked['benchmark_tests']}",
        f"{ranked['prior_weight']:.0f} / {ranked['rating_weight']:.1f}"
        f" / {ranked['signal_weight']:.1f}",
    ]


def _ranked_row(index: int, ranked: dict[str, Any]) -> list[Any]:
    if ranked.get("quality") is None:
        evidence: list[Any] = ["-"] * 8
    else:
        evidence = [
            f"{ranked['quality']:.1f} ± {ranked['quality_uncertainty']:.1f}",
            ranked["tests"],
            *_live_columns(ranked),
            round(ranked["speed_score"]),
            round(ranked["cost_score"]),
            ("yes" if ranked["within_tolerance"] else "no")
            + (" (fallen)" if ranked.get("fallen") else ""),
            round(ranked["score"], 1),
        ]
    return [index, ranked["provider"], ranked["model"], *evidence, ranked["state"]]
