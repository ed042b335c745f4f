"""Bad simulator settings, profiles and answer keys: one clear message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest

from masterx.logs import LOG_LEVELS, LogLevel
from simulator.__main__ import read_settings
from simulator.answer_key import AnswerKey
from simulator.profiles import load_profiles
from tests.simulator.harness import TEST_PROFILES, free_port

REPO = Path(__file__).resolve().parents[2]


def _simulator(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m simulator`` that is expected to refuse its settings (it never serves)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MASTERX_")}
    full = {**base, "MASTERX_SIMULATOR_PORT": str(free_port()), **env}
    return subprocess.run(
        [sys.executable, "-m", "simulator"],
        env=full,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MASTERX_SIMULATOR_PORT": "abc"}, "MASTERX_SIMULATOR_PORT: must be an integer"),
        ({"MASTERX_SIMULATOR_PORT": "99999"}, "in 1..65535 (got '99999')"),
        ({"MASTERX_SIMULATOR_PORT": "-5"}, "MASTERX_SIMULATOR_PORT: must be an integer"),
        (
            {"MASTERX_LOG_LEVEL": "bogus"},
            "MASTERX_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR' "
            "(got 'bogus')",
        ),
    ],
)
def test_a_bad_setting_is_named_and_the_process_exits_2(env: dict[str, str], expected: str) -> None:
    result = _simulator(env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("invalid configuration:\n")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_every_bad_setting_is_named_at_once() -> None:
    with pytest.raises(ValueError) as raised:
        read_settings(
            {
                "MASTERX_SIMULATOR_PORT": "0",
                "MASTERX_LOG_LEVEL": "LOUD",
                "MASTERX_SIMULATOR_SEED": "x",
            }
        )
    message = str(raised.value)
    for variable in ("MASTERX_SIMULATOR_PORT", "MASTERX_LOG_LEVEL", "MASTERX_SIMULATOR_SEED"):
        assert f"  {variable}: " in message


def test_an_unset_or_empty_port_is_the_default() -> None:
    assert read_settings({})[1] == 8090
    assert read_settings({"MASTERX_SIMULATOR_PORT": " "})[1] == 8090
    assert read_settings({"MASTERX_SIMULATOR_PORT": "65535"})[1] == 65535


def test_the_simulator_accepts_the_levels_the_services_accept() -> None:
    assert LOG_LEVELS == get_args(LogLevel)
    for level in LOG_LEVELS:
        assert read_settings({"MASTERX_LOG_LEVEL": level})[0] == level


def _profiles() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(TEST_PROFILES.read_text())
    return document


def _first(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        change(document["providers"][0])

    return apply


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(provider: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = provider
        for key in parents:
            target = target[key]
        target[last] = value

    return _first(change)


def _duplicate(document: dict[str, Any]) -> None:
    document["providers"].append(document["providers"][0])


PROFILE_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("empty providers", lambda d: d.update(providers=[]), "field 'providers' is empty"),
    ("providers not a list", lambda d: d.update(providers={}), "'providers' must be a list"),
    ("duplicate provider", _duplicate, "listed twice (providers[0] and providers["),
    ("empty models", _set("models", []), "field 'models' must be a non-empty list"),
    ("negative latency", _set("latency_ms.math", [-500, -100]), "'latency_ms.math[0] (mean)'"),
    ("status 200", _set("failure.status", 200), "'failure.status' must be an HTTP error status"),
    ("negative retry", _set("failure.retry_after_s", -5), "'failure.retry_after_s' must be"),
    ("nan rate", _set("failure.rate", float("nan")), "'failure.rate' must be a number in [0, 1]"),
    ("missing wire", _first(lambda p: p.pop("wire")), "field 'wire' is missing"),
    ("failure not object", _set("failure", 3), "field 'failure' must be an object"),
    ("entry not object", lambda d: d["providers"].append(7), "expected an object, got int"),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [(change, expected) for _, change, expected in PROFILE_CASES],
    ids=[name for name, _, _ in PROFILE_CASES],
)
def test_a_bad_profile_names_the_file_and_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    document = _profiles()
    change(document)
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as raised:
        load_profiles(path)
    message = str(raised.value)
    assert message.startswith(f"profiles file {path}: ")
    assert expected in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"x": 1}', "field 'providers' is missing"),
        (b"[1]", "expected a JSON object with a 'providers' list, got list"),
        (b'{"providers": [}', "not valid JSON (Expecting value: line 1 column 16)"),
        (b'{"providers": []}\xff', "not UTF-8 (byte 0xff at offset 17)"),
    ],
)
def test_a_profiles_file_that_is_not_a_profiles_document_is_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "profiles.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as raised:
        load_profiles(path)
    assert str(raised.value).startswith(f"profiles file {path}: ")
    assert expected in str(raised.value)


def test_the_process_reports_a_bad_profiles_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text('{"x": 1}')
    result = _simulator({"MASTERX_SIMULATOR_PROFILES": str(path)})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"simulator: profiles file {path}: field 'providers' is missing "
        "(the list of provider profiles)"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"tests": [}', "not valid JSON"),
        (b'{"tests": []}\xff', "not UTF-8"),
        (b"3", "expected a list of tests or an object with 'tests', got int"),
        (b'{"tests": 5}', "field 'tests' must be a list of tests, got int"),
        (b"[1]", "test 0: expected an object with a 'prompt' and an 'answer'"),
    ],
)
def test_a_bad_answer_key_names_the_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as raised:
        AnswerKey.load([path])
    assert str(raised.value).startswith(f"answer key {path}: ")
    assert expected in str(raised.value)


def test_a_missing_answer_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with pytest.raises(ValueError) as raised:
        AnswerKey.load([path])
    assert str(raised.value) == f"answer key {path}: cannot read (No such file or directory)"
