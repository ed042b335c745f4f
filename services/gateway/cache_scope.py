"""Which response cache a chat may use (README, "Response cache"): the gateway decides, the
router obeys (``ChatRequest.cache``).

A managed key's own ``cache`` attribute wins; a key that sets none, a static key and a caller
without a key get ``MASTERX_CACHE_SCOPE``. A request with ``Cache-Control: no-cache`` or
``no-store`` is never answered from the cache nor stored in it (scope ``off``).
"""

from __future__ import annotations

from masterx.chat.contract import CACHE_SCOPES, CacheScope

BYPASS_DIRECTIVES = frozenset({"no-cache", "no-store"})


def bypasses_cache(cache_control: str | None) -> bool:
    """Whether a ``Cache-Control`` header asks for a fresh answer (directives are
    case-insensitive, comma-separated, possibly with arguments: ``no-cache="x"``)."""
    if not cache_control:
        return False
    directives = (part.split("=", 1)[0].strip().lower() for part in cache_control.split(","))
    return any(directive in BYPASS_DIRECTIVES for directive in directives)


def scope_of(key_scope: str, default: CacheScope, bypass: bool) -> CacheScope:
    """The request's scope: ``off`` when bypassed, else the key's (when it names a known
    scope), else the default."""
    if bypass:
        return "off"
    for scope in CACHE_SCOPES:
        if scope == key_scope:
            return scope
    return default
