"""``masterx eval categories``: errors that need no gateway (bad files, no gateway at all)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tooling.cli import main


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_bad_line_is_named_with_its_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"text": "hi", "category": "general"}\n{"text": "", "category": "math"}\n')
    code = main(["eval", "categories", str(path), "--url", "http://x.invalid"])
    assert code == 1
    assert "labelled.jsonl:2: 'text' must be a non-empty string" in capsys.readouterr().err


def test_an_unknown_category_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"text": "checkmate in two", "category": "chess"}\n')
    assert main(["eval", "categories", str(path), "--url", "http://x.invalid"]) == 1
    assert "labelled.jsonl:1: unknown category 'chess'" in capsys.readouterr().err


def test_a_missing_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "categories", str(tmp_path / "none.jsonl")]) == 1
    assert "none.jsonl: cannot read" in capsys.readouterr().err


def test_no_gateway_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text('{"text": "Solve 2x + 5 = 15", "category": "math"}\n')
    url = f"http://127.0.0.1:{_closed_port()}"
    assert main(["eval", "categories", str(path), "--url", url]) == 1
    assert f"cannot reach the gateway at {url}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "not JSON (nested too deeply)"),
        (b'{"text": ' + b"1" * 5000 + b"}\n", "not JSON (Exceeds the limit"),
        (b"\xff\xfe\x00garbage\n", "not UTF-8 (byte 0xff at offset 0 of the line)"),
    ],
)
def test_a_line_the_json_parser_cannot_take_is_named(
    tmp_path: Path, content: bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(b'{"text": "hi", "category": "general"}\n' + content)
    assert main(["eval", "categories", str(path), "--url", "http://x.invalid"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"masterx: error: {path}:2: {message}") and err.count("\n") == 1
