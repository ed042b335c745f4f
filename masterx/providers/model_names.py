"""Which model names may be pinned, and which may go into a URL path.

A pinned model comes from the client (``"<provider>/<model>"`` on ``/v1/chat/completions``).
The OpenAI and Anthropic formats send it in the JSON body; Gemini puts it in the URL path
(``/models/{model}:generateContent``, ``masterx/providers/gemini.py``), where ``../`` or ``?``
would send the operator's key to another endpoint. So a name is checked where it enters (the
gateway, the router's ``masterx/chat/protocol.py``) and again, stricter, where it becomes a
path segment, which is also percent-quoted.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Letters and digits first, then what real names use: gpt-4o-mini, claude-sonnet-4-6,
# llama3:8b (Ollama), meta-llama/llama-3.1-8b-instruct (OpenRouter), no empty or dot segment.
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,127}")
MODEL_NAME_RULE = (
    "1 to 128 characters: letters, digits and ._:@+/- (starting with a letter or digit, "
    "no empty, . or .. part between slashes)"
)
# In a URL path: one segment, gemini-2.0-flash, gemini-1.5-pro-002.
PATH_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class InvalidModelNameError(ValueError):
    """A model name that cannot be used; the message says why (never an HTTP error)."""


def model_name_problem(name: str) -> str | None:
    """None when ``name`` may be pinned, else what is wrong with it."""
    if MODEL_NAME.fullmatch(name) is None:
        return MODEL_NAME_RULE
    if any(part in ("", ".", "..") for part in name.split("/")):
        return MODEL_NAME_RULE
    return None


def path_segment(name: str) -> str:
    """``name`` as one percent-quoted URL path segment; InvalidModelNameError if it is not a
    plain model name (a path, a query, a dot segment ...)."""
    if PATH_MODEL_NAME.fullmatch(name) is None or name in (".", ".."):
        raise InvalidModelNameError(
            f"model name {name[:64]!r} cannot be used in a URL path: letters, digits and ._- only"
        )
    return quote(name, safe="")
