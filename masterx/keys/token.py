"""An API key's secret: ``mx-<id>-<secret>``, shown once; only its SHA-256 is stored.

The id (12 hex digits) is in the clear so a lookup is by id, never by scanning hashes; the
secret part (``secrets.token_urlsafe(32)``, 256 bits) makes an unsalted SHA-256 safe to store:
there is nothing to guess by dictionary. Comparison is constant-time (``hmac.compare_digest``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "mx-"
_ID_HEX_DIGITS = 12
_TOKEN = re.compile(
    rf"^{PREFIX}(?P<id>[0-9a-f]{{{_ID_HEX_DIGITS}}})-(?P<secret>[A-Za-z0-9_-]{{43}})$"
)
KEY_ID = re.compile(rf"^[0-9a-f]{{{_ID_HEX_DIGITS}}}$")


@dataclass(frozen=True)
class IssuedToken:
    """A new key's id, the token to hand over once, and the hash to store."""

    key_id: str
    token: str
    token_sha256: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token() -> IssuedToken:
    key_id = secrets.token_hex(_ID_HEX_DIGITS // 2)
    token = f"{PREFIX}{key_id}-{secrets.token_urlsafe(32)}"
    return IssuedToken(key_id, token, token_hash(token))


def key_id_of(token: str) -> str | None:
    """The id inside a well-formed token, else None (the caller answers 401)."""
    match = _TOKEN.match(token)
    return match.group("id") if match else None


def token_matches(token: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(token_hash(token).encode(), stored_sha256.encode())


def looks_like_key_token(token: str) -> bool:
    """True for tokens in this scheme (static ``MASTERX_API_KEYS`` tokens are anything else)."""
    return key_id_of(token) is not None
