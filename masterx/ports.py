"""What a TCP port is: a number from 1 to 65535, written in ASCII digits when it is read as text.

Port 0 is none: listening on it takes whatever port the system picks, so a setting or an address
that says 0 is refused like 65536. Read from the environment (the simulator's and the local
stack's ports), from a gRPC target (:mod:`masterx.grpc_channels`), or checked once a URL parser
has read it (provider base URLs, store URLs, the CLI's gateway URL).
"""

from __future__ import annotations

LOWEST_PORT = 1
HIGHEST_PORT = 65535


def is_port(number: int) -> bool:
    """Whether ``number`` is a port a server can listen on and a client dial: 1 to 65535."""
    return LOWEST_PORT <= number <= HIGHEST_PORT


def parse_port(text: str) -> int:
    """The port ``text`` spells in ASCII digits alone (no sign, space, '_' or other script's
    digits); a ValueError saying ``is not a port number`` or ``is not in 1..65535`` (written to
    follow what names the value: ``MASTERX_REDIS_PORT='0' is not in 1..65535``)."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError("is not a port number")
    port = int(text)
    if not is_port(port):
        raise ValueError(f"is not in {LOWEST_PORT}..{HIGHEST_PORT}")
    return port
