"""``masterx`` with bad settings or data files: one clear line, no traceback, no gateway needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.cli import build_parser, main
from tooling.cli.client import DEFAULT_URL

UNUSED_GATEWAY = "http://x.invalid"  # never reached: every case fails before a request


@pytest.fixture(autouse=True)
def _no_cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("MASTERX_GATEWAY_URL", "MASTERX_API_KEY", "MASTERX_ADMIN_TOKEN"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize(
    ("variable", "value"), [("MASTERX_API_KEY", "ключ"), ("MASTERX_ADMIN_TOKEN", "tökén")]
)
def test_a_credential_that_is_not_ascii_is_named(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["health", "--url", UNUSED_GATEWAY]) == 2
    assert capsys.readouterr().err == f"masterx: error: {variable} must be ASCII\n"


def test_a_credential_option_that_is_not_ascii_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["health", "--url", UNUSED_GATEWAY, "--api-key", "ключ"]) == 2
    assert capsys.readouterr().err == "masterx: error: --api-key must be ASCII\n"


def test_a_credential_with_a_control_character_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASTERX_ADMIN_TOKEN", "tok\nen")
    assert main(["health", "--url", UNUSED_GATEWAY]) == 2
    assert "MASTERX_ADMIN_TOKEN must not contain control characters" in capsys.readouterr().err


MALFORMED_URLS = [
    "localhost:19001",
    "ftp://x",
    "notaurl",
    "http://a b",
    "http://",
    "http://h:99999",
    "http://h:abc",
]


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_a_malformed_gateway_url_variable_is_not_a_connection_problem(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASTERX_GATEWAY_URL", url)
    assert main(["health"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"masterx: error: MASTERX_GATEWAY_URL: {url!r} is not a valid gateway URL"
    )
    assert "cannot reach" not in err


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_a_malformed_url_option_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", "--url", url]) == 2
    assert capsys.readouterr().err.startswith(
        f"masterx: error: --url: {url!r} is not a valid gateway URL"
    )


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_gateway_url_variable_is_the_default(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERX_GATEWAY_URL", value)
    assert build_parser().parse_args(["health"]).url == DEFAULT_URL


def test_a_non_utf8_labelled_line_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(
        b'{"text": "hi", "category": "general"}\n{"text": "h\xffi", "category": "math"}\n'
    )
    assert main(["eval", "categories", str(path), "--url", UNUSED_GATEWAY]) == 1
    assert capsys.readouterr().err.startswith(f"masterx: error: {path}:2: not UTF-8")


def test_a_non_utf8_conversation_line_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "conversations.jsonl"
    good = b'{"id": "c1", "turns": [{"text": "Solve 2x = 4", "topic": "math"}]}\n'
    path.write_bytes(good + b"\n" + b'{"id": "c\xff2", "turns": []}\n')
    code = main(["eval", "continuity", "--conversations", str(path), "--url", UNUSED_GATEWAY])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"masterx: error: {path}:3: not UTF-8")
