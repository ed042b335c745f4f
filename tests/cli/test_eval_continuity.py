"""Session continuity scoring, the conversations file, and its errors (no gateway needed)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from masterx.domain import Category
from tests.cli.fake_gateway import Reply, fake_server, json_reply
from tooling.cli import main
from tooling.cli.eval_continuity import DEFAULT_CONVERSATIONS
from tooling.evaluation.continuity import (
    AnsweredTurn,
    Conversation,
    Turn,
    format_continuity,
    read_conversations_jsonl,
    score_continuity,
)
from tooling.evaluation.labelled import LabelledDataError

C, M = Category.CODING, Category.MATH


def _answers(*providers: str) -> list[AnsweredTurn]:
    return [AnsweredTurn(p, "coding", "best_benchmark") for p in providers]


def test_only_same_topic_turns_count_and_a_switch_is_named() -> None:
    talk = Conversation("c1", (Turn("a", C), Turn("b", C), Turn("c", M), Turn("d", M)))
    other = Conversation("c2", (Turn("e", C), Turn("f", C), Turn("g", C)))
    report = score_continuity(
        [talk, other], [_answers("x", "x", "y", "y"), _answers("x", "z", "z")]
    )
    assert (report.same_topic_turns, report.kept, report.topic_changes) == (4, 3, 1)
    assert report.share_kept == 0.75 and not report.meets_goal
    [switch] = report.switches
    assert (switch.conversation, switch.turn, switch.previous_provider) == ("c2", 1, "x")
    assert "switched: c2 turn 2 (coding): x -> z" in format_continuity(report)
    # a provider change at a topic change is not a switch
    assert score_continuity([talk], [_answers("x", "x", "y", "y")]).meets_goal


def test_the_shipped_conversations_have_runs_and_topic_changes() -> None:
    conversations = read_conversations_jsonl(DEFAULT_CONVERSATIONS)
    assert len(conversations) >= 20
    assert all(4 <= len(c.turns) <= 8 for c in conversations)
    assert len({c.id for c in conversations}) == len(conversations)
    changes = sum(
        a.topic is not b.topic for c in conversations for a, b in itertools.pairwise(c.turns)
    )
    assert changes >= 10
    assert {t.topic for c in conversations for t in c.turns} == set(Category)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "turns": []}', "turns' must be a non-empty list"),
        ('{"id": "a", "turns": [{"text": "hi"}]}', r"turns\[0\].topic: must be a string"),
        ('{"id": "a", "turns": [{"text": "hi", "topic": "chess"}]}', "unknown category 'chess'"),
        ("not json", "not JSON"),
    ],
)
def test_a_bad_conversation_is_named_by_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text('{"id": "ok", "turns": [{"text": "hi", "topic": "general"}]}\n' + line + "\n")
    with pytest.raises(LabelledDataError, match=rf"talks.jsonl:2: .*{message}"):
        read_conversations_jsonl(path)


def test_the_command_reports_a_bad_file_before_calling_anyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text('{"id": "a", "turns": [{"text": "hi", "topic": "chess"}]}\n')
    code = main(["eval", "continuity", "--conversations", str(path), "--url", "http://x.invalid"])
    assert code == 1
    assert "talks.jsonl:1: turns[0].topic: unknown category 'chess'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "not JSON (nested too deeply)"),
        (b'{"id": ' + b"1" * 5000 + b"}\n", "not JSON (Exceeds the limit"),
        (b"\xff\xfe\x00garbage\n", "not UTF-8 (byte 0xff at offset 0 of the line)"),
    ],
)
def test_a_conversation_line_the_json_parser_cannot_take_is_named(
    tmp_path: Path, content: bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_bytes(content)
    code = main(["eval", "continuity", "--conversations", str(path), "--url", "http://x.invalid"])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"masterx: error: {path}:1: {message}")


def test_a_turn_the_gateway_refuses_is_named_by_its_line_and_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(method: str, path: str, body: bytes) -> Reply:
        if len(body) > 10_000:
            return json_reply({"error": {"message": "the request body is too large"}}, 413)
        return json_reply({"provider": "groq", "category": "math", "reason": "best_benchmark"})

    path = tmp_path / "talks.jsonl"
    turns = [{"text": "Solve 2x = 4", "topic": "math"}, {"text": "x" * 20_000, "topic": "math"}]
    path.write_text(json.dumps({"id": "c1", "turns": turns}) + "\n")
    with fake_server() as fake:
        fake.answer = answer
        code = main(["eval", "continuity", "--conversations", str(path), "--url", fake.url])
    assert code == 1
    assert capsys.readouterr().err == (
        f"masterx: error: {path}:1: turns[1]: the request body is too large (HTTP 413)\n"
    )
