"""``masterx`` against a URL that answers but is not a MasterX gateway, or answers too late:
one clear line on stderr and exit 1, never a traceback (a local HTTP server, no stack)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tooling.cli
from tests.cli.fake_gateway import Answer, FakeServer, Reply, fake_server, json_reply
from tooling.cli import main
from tooling.cli.client import GatewayClient


@pytest.fixture(autouse=True)
def _no_cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("MASTERX_GATEWAY_URL", "MASTERX_API_KEY", "MASTERX_ADMIN_TOKEN"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with fake_server() as server:
        yield server


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("masterx: error: "), err
    return err.removeprefix("masterx: error: ").rstrip("\n")


# C3: something else than the gateway


def test_a_url_answering_plain_text_is_not_a_gateway(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.answer = lambda method, path, body: (200, "text/plain", b"# HELP up 1\n")
    code, _, err = _run(capsys, "health", "--url", fake.url)
    assert code == 1
    assert _one_error_line(err) == (
        f"{fake.url} did not answer like a MasterX gateway (HTTP 200, not JSON)"
    )


def test_a_json_array_is_not_a_gateway_answer(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.answer = lambda method, path, body: json_reply([1, 2])
    code, _, err = _run(capsys, "bench", "scores", "--url", fake.url)
    assert code == 1
    assert "did not answer like a MasterX gateway (JSON list, not an object)" in err


@pytest.mark.parametrize(
    ("argv", "missing"),
    [
        (["health"], "providers"),
        (["route", "hi"], "emotion"),
        (["chat", "hi", "--no-stream"], "provider"),
        (["bench", "scores"], "scores"),
        (["keys", "list", "--admin-token", "secret"], "keys"),
        (["feedback", "abc", "up"], "replaced"),
    ],
)
def test_an_answer_of_the_wrong_shape_names_what_is_missing(
    argv: list[str], missing: str, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, *argv, "--url", fake.url)
    assert code == 1
    assert _one_error_line(err) == (
        f"{fake.url} did not answer like a MasterX gateway (missing {missing!r})"
    )


def test_an_answer_with_fields_of_the_wrong_type_is_one_line(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.answer = lambda method, path, body: json_reply(
        {"category": "math", "confidence": "high", "emotion": {}}
    )
    code, _, err = _run(capsys, "route", "hi", "--url", fake.url)
    assert code == 1
    assert "did not answer like a MasterX gateway (unexpected answer: " in _one_error_line(err)


def test_a_streamed_chat_answered_without_an_event_stream_is_an_error(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "chat", "hi", "--url", fake.url)
    assert code == 1
    assert "rate it" not in out
    assert _one_error_line(err) == (
        f"{fake.url} did not answer like a MasterX gateway"
        " (HTTP 200 application/json, not an event stream)"
    )


def _events(*events: str) -> Answer:
    body = "".join(f"data: {e}\n\n" for e in events).encode()
    return lambda method, path, _: (200, "text/event-stream", body)


def test_a_stream_that_ends_before_its_last_event_is_an_error(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.answer = _events(json.dumps({"choices": [{"delta": {"content": "Half an"}}]}))
    code, out, err = _run(capsys, "chat", "hi", "--url", fake.url)
    assert code == 1
    assert "Half an" in out and "rate it" not in out
    assert "the answer broke off" in _one_error_line(err)


def test_a_stream_with_an_event_that_is_not_json_is_an_error(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.answer = _events("{not json", "[DONE]")
    code, _, err = _run(capsys, "chat", "hi", "--url", fake.url)
    assert code == 1
    assert _one_error_line(err).endswith("(an event that is not JSON)")


def test_a_whole_stream_is_printed(fake: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    fake.answer = _events(json.dumps({"choices": [{"delta": {"content": "Hello"}}]}), "[DONE]")
    code, out, err = _run(capsys, "chat", "hi", "--url", fake.url)
    assert (code, err) == (0, "")
    assert "Hello" in out and "rate it" in out


# C2: a breaker without a latency


def test_health_shows_a_dash_for_a_null_latency_and_missing_fields(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    full = {
        "provider": "groq",
        "state": "open",
        "config_problem": False,
        "consecutive_failures": 5,
        "failures_in_window": 5,
        "successes_in_window": 0,
        "last_error_kind": "timeout",
        "last_error_at": "2025-01-01T10:00:00+00:00",
        "open_until": None,
        "latency_ewma_ms": None,
    }
    fake.answer = lambda method, path, body: json_reply(
        {"providers": [full, {"provider": "gemini"}]}
    )
    code, out, err = _run(capsys, "health", "--url", fake.url)
    assert (code, err) == (0, "")
    _, groq, gemini = out.splitlines()
    assert groq.split() == ["groq", "OPEN", "5", "5", "0", "timeout", "10:00:00", "-", "-"]
    assert gemini.split() == ["gemini", "?", "-", "-", "-", "-", "-", "-", "-"]


# C4: --poll and --wait


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--poll", "-1", "argument --poll: '-1': must be a number > 0"),
        ("--poll", "nan", "argument --poll: 'nan': must be a number > 0"),
        ("--poll", "0", "argument --poll: '0': must be a number > 0"),
        ("--wait", "-5", "argument --wait: '-5': must be a number >= 0"),
        ("--wait", "inf", "argument --wait: 'inf': must be a number >= 0"),
    ],
)
def test_bench_run_refuses_a_bad_poll_or_wait_before_starting_a_run(
    option: str,
    value: str,
    message: str,
    fake: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["bench", "run", "--url", fake.url, "--admin-token", "secret", option, value]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert fake.requests == []


# C5: text that is not UTF-8


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chat", "\x01\x02 \udcff", "--no-stream"], "the message is not valid UTF-8 (byte 0xff)"),
        (["chat", "hi", "--session", "s\udcfe"], "--session is not valid UTF-8 (byte 0xfe)"),
        (["route", "caf\udce9"], "the message is not valid UTF-8 (byte 0xe9)"),
        (["feedback", "abc", "up", "--comment", "\udc80"], "--comment is not valid UTF-8"),
    ],
)
def test_text_that_is_not_utf8_is_refused_before_any_request(
    argv: list[str], message: str, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, *argv, "--url", fake.url)
    assert code == 1
    assert _one_error_line(err).startswith(message)
    assert fake.requests == []


# C6: key ids in URL paths


@pytest.mark.parametrize("command", ["usage", "revoke"])
@pytest.mark.parametrize("key", ["../../etc", "a/b?c", "nosuch", "ABCDEF012345"])
def test_a_key_id_that_is_not_12_hex_digits_is_refused_locally(
    command: str, key: str, fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["keys", command, key, "--url", fake.url, "--admin-token", "secret"])
    assert stopped.value.code == 2
    assert f"{key!r} is not a key id (12 hexadecimal digits" in capsys.readouterr().err
    assert fake.requests == []


def test_key_ids_from_the_gateway_are_quoted_into_the_path(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    usage = {
        "requests_last_minute": 1,
        "tokens_last_minute": 2,
        "spent_day_usd": 0.0,
        "held_day_usd": 0.0,
        "spent_month_usd": 0.0,
    }
    fake.answer = lambda method, path, body: json_reply(
        {"keys": [{"id": "a/b?c"}]} if path == "/api/v1/admin/keys" else usage
    )
    code, _, _ = _run(capsys, "keys", "usage", "--url", fake.url, "--admin-token", "secret")
    assert code == 0
    assert [path for _, path, _ in fake.requests][-1] == "/api/v1/admin/keys/a%2Fb%3Fc/usage"


# C7: --timeout


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A socket that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_gateway_that_never_answers_is_named_after_the_timeout(
    black_hole: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code, _, err = _run(capsys, "health", "--url", black_hole, "--timeout", "0.5")
    assert code == 1
    assert time.monotonic() - started < 10
    assert _one_error_line(err) == (
        f"the gateway at {black_hole} accepted the connection but did not answer within"
        " 0.5 s (--timeout)"
    )


@pytest.mark.parametrize(
    ("argv", "timeout"),
    [
        (["health"], 30.0),
        (["keys", "list"], 30.0),
        (["bench", "scores"], 30.0),
        (["chat", "hi"], 120.0),
        (["--timeout", "7", "health"], 7.0),
        (["health", "--timeout", "2.5"], 2.5),
    ],
)
def test_the_timeout_is_short_for_quick_commands_and_can_be_set(
    argv: list[str], timeout: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []

    class Recording(GatewayClient):
        def __init__(self, url: str, **options: Any) -> None:
            seen.append(options["timeout"])
            super().__init__(url, **options)

    monkeypatch.setattr(tooling.cli, "GatewayClient", Recording)
    main([*argv, "--url", "http://127.0.0.1:9"])
    assert seen == [timeout]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_timeout_is_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["health", "--timeout", value])
    assert stopped.value.code == 2
    assert "argument --timeout: " in capsys.readouterr().err


# C8: eval categories names the line of a request the gateway refuses


def test_a_line_the_gateway_refuses_as_too_large_is_named(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(method: str, path: str, body: bytes) -> Reply:
        if len(body) > 10_000:
            error = {"error": {"message": "the request body is larger than 4194304 bytes"}}
            return json_reply(error, status=413)
        return json_reply({"category": "math"})

    fake.answer = answer
    path = tmp_path / "labelled.jsonl"
    lines = [
        {"text": "Solve 2x = 4", "category": "math"},
        {"text": "x" * 20_000, "category": "general"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code, _, err = _run(capsys, "eval", "categories", str(path), "--url", fake.url)
    assert code == 1
    assert _one_error_line(err) == (
        f"{path}:2: the request body is larger than 4194304 bytes (HTTP 413)"
    )
