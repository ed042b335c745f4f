"""MASTERX_BREAKER_CONFIG_FILE: every value a finite number within bounds, counts whole, no
unknown top-level key, and a file that is not UTF-8 named (review F6). One NaN timeout used to
keep a provider's breaker OPEN for good; a typo'd top-level key silently dropped the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masterx.breaker.config import BreakerConfig, BreakerSettings, load_overrides

DEFAULTS = BreakerConfig()


def _load(tmp_path: Path, text: str | bytes) -> dict[str, BreakerConfig]:
    path = tmp_path / "breakers.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return load_overrides(path, DEFAULTS)


def _groq(**values: object) -> str:
    return json.dumps({"providers": {"groq": values}})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_groq(timeout_seconds=float("nan")), "timeout_seconds must be a finite number"),
        (_groq(permit_ttl_seconds=float("nan")), "permit_ttl_seconds must be a finite number"),
        (
            _groq(timeout_seconds=float("inf"), max_timeout_seconds=float("inf")),
            "timeout_seconds must be a finite number",
        ),
        (_groq(failure_threshold=2.5), "failure_threshold must be a whole number"),
        (_groq(failure_threshold=1e30), "failure_threshold must be in 1-10000"),
        (_groq(half_open_max_calls=0), "half_open_max_calls must be in 1-10000"),
        (_groq(timeout_seconds=86_401, max_timeout_seconds=90_000), "at most 86400"),
        (_groq(window_seconds=0), "window_seconds must be more than 0"),
        (_groq(success_threshold=True), "must be a number"),
        ('{"provider": {"groq": {"failure_threshold": 3}}}', "unknown top-level key 'provider'"),
        ('{"providers": {}, "extra": 1}', "unknown top-level key 'extra'"),
    ],
)
def test_a_bad_value_is_refused_naming_file_and_provider(
    tmp_path: Path, text: str, reason: str
) -> None:
    with pytest.raises(ValueError, match="breaker config") as raised:
        _load(tmp_path, text)
    assert reason in str(raised.value) and str(tmp_path) in str(raised.value)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"breakers\.json: not UTF-8") as raised:
        _load(tmp_path, b'{"providers": {"groq": {"failure_threshold": 3}}} \xff')
    assert "byte 50" in str(raised.value)


def test_whole_floats_are_counts_and_bounds_are_inclusive(tmp_path: Path) -> None:
    text = _groq(failure_threshold=3.0, timeout_seconds=86_400, max_timeout_seconds=86_400)
    config = _load(tmp_path, text)["groq"]
    assert config.failure_threshold == 3 and isinstance(config.failure_threshold, int)
    assert config.open_duration(5) == 86_400


def test_an_empty_file_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERX_BREAKER_CONFIG_FILE", "")
    assert BreakerSettings().breaker_config_file is None
