"""Whether a host is one the services can listen on or dial: an IP address or a host name.

Checked where a host enters, before anything connects: ``MASTERX_BIND_HOST``, gRPC targets
(:mod:`masterx.grpc_channels`), store URLs (:mod:`masterx.store_urls`) and provider base URLs
(:mod:`masterx.providers.discovery`). Nothing is resolved: a well-formed name that does not exist
fails when it is dialled.
"""

from __future__ import annotations

import ipaddress
import re

MAX_HOST_NAME_CHARS = 253  # the longest DNS name
# A DNS name: dot-separated labels of at most 63 letters, digits, '-' and '_' (container names
# hold '_'), neither starting nor ending with '-'; one trailing dot (the root) is allowed.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")


def host_problem(host: str) -> str | None:
    """Why ``host`` is neither an IP address (an IPv6 one bracketed or not) nor a well-formed
    host name (None: it is one). Only digits and dots is an IPv4 address or nothing."""
    if not host:
        return "no host name or IP address"
    try:
        ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
        return None
    except ValueError:
        pass
    if len(host) > MAX_HOST_NAME_CHARS or _HOST_NAME.fullmatch(host) is None:
        return f"{host!r} is not a host name or an IP address"
    if all(label.isdigit() for label in host.rstrip(".").split(".")):
        return f"{host!r} is not a valid IPv4 address"
    return None
