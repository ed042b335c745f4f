"""Checks of command-line values shared by the commands: argparse types (a bad value is an
argparse error, before any request) and the text arguments' encoding."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from masterx.keys.token import KEY_ID
from tooling.cli.client import CliError

# Positional arguments by what the user calls them; an option is named by its flag.
POSITIONAL_NAMES = {
    "message": "the message",
    "request_id": "the request id",
    "key_id": "the key id",
}


def positive(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be 1 or more")
    return value


def _finite(text: str, requirement: str, accepts: Callable[[float], bool]) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number {requirement}") from None
    if not math.isfinite(value) or not accepts(value):
        raise argparse.ArgumentTypeError(f"{text!r}: must be a number {requirement}")
    return value


def seconds_above_0(text: str) -> float:
    """A finite number > 0 (NaN and inf refused)."""
    return _finite(text, "> 0", lambda value: value > 0)


def seconds_at_least_0(text: str) -> float:
    """A finite number >= 0 (NaN and inf refused)."""
    return _finite(text, ">= 0", lambda value: value >= 0)


def key_id(text: str) -> str:
    """A managed key's id as ``masterx keys list`` shows it: 12 lower-case hex digits."""
    if not KEY_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a key id (12 hexadecimal digits, as `masterx keys list` shows)"
        )
    return text


def _utf8_problem(text: str) -> str | None:
    """What makes ``text`` unencodable as UTF-8: a byte the shell passed through as a
    surrogate escape (not UTF-8 in the first place), or a lone surrogate; None if it is fine."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        if 0xDC80 <= code <= 0xDCFF:
            return f"byte 0x{code - 0xDC00:02x}"
        return f"character U+{code:04X}"
    return None


def check_text_arguments(args: argparse.Namespace) -> None:
    """A :class:`CliError` naming the first text argument that cannot be sent as UTF-8."""
    for dest, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            problem = _utf8_problem(text)
            if problem is not None:
                name = POSITIONAL_NAMES.get(dest, "--" + dest.replace("_", "-"))
                raise CliError(f"{name} is not valid UTF-8 ({problem})")
