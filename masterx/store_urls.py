"""Whether a store's URL and database name can be used, checked at start-up
(:class:`masterx.settings.CommonSettings`) by the client libraries' own parsers, without
connecting, and never quoting a password: a bad one is named as its variable, not met as a
traceback at the first connection."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import unquote, urlsplit

from masterx.hosts import host_problem
from masterx.ports import is_port

MONGODB_FORBIDDEN = ' ./\\"$\x00'  # pymongo refuses these in a database name
_BAD_PORT = "the port is not a number in 1-65535"
_ESCAPE_CREDENTIALS = "the user name or password is not URL-escaped (percent-encode /?#@:%)"


def _without_credentials(url: str) -> str | None:
    """``url`` with harmless credentials, so that no library error can quote the real ones;
    None when a '/', '?' or '#' in them cuts the URL in the middle."""
    scheme, _, rest = url.partition("://")
    credentials, at, host_part = rest.rpartition("@")
    if any(char in credentials for char in "/?#"):
        return None
    return f"{scheme}://u:p@{host_part}" if at else url


def _library(name: str) -> Any:
    """Module ``name`` when this service has it, else None: the gateway's image holds neither
    redis nor pymongo (it uses no store); the services that do check URLs with their parsers."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def redis_url_problem(url: str) -> str | None:
    """Why redis-py cannot use ``url`` (None: it can); never quotes the password."""
    if url.startswith("unix://"):  # a socket path: redis-py reads it at connect time
        return None if len(url) > len("unix://") else "no socket path after unix://"
    clean = _without_credentials(url)
    if clean is None:
        return _ESCAPE_CREDENTIALS
    try:
        parts = urlsplit(clean)
        if parts.port is not None and not is_port(parts.port):  # urlsplit refuses > 65535
            return _BAD_PORT
    except ValueError:
        return _BAD_PORT
    if not parts.hostname:
        return "no host: expected redis://host:port/db"
    database = unquote(parts.path).strip("/")
    if database and not (database.isascii() and database.isdigit()):
        return "the database (after the last '/') is not a number (0, 1, ...)"
    redis_py = _library("redis.asyncio.connection")
    if redis_py is None:
        return host_problem(parts.hostname)
    try:  # a connection object checks the options, without connecting
        options = redis_py.parse_url(clean)
        for pool_option in ("connection_class", "max_connections"):
            options.pop(pool_option, None)
        ssl = parts.scheme == "rediss"
        (redis_py.SSLConnection if ssl else redis_py.Connection)(**options)
    except (TypeError, ValueError, redis_py.RedisError) as error:
        return f"bad query option ({error})"
    if options.get("db", 0) < 0:
        return "the db option is not a number (0, 1, ...)"
    try:
        redis_py.parse_url(url)
    except ValueError:
        return _ESCAPE_CREDENTIALS
    return host_problem(parts.hostname)


def mongodb_url_problem(url: str) -> str | None:
    """Why pymongo cannot use ``url`` (None: it can), parsed without DNS (a mongodb+srv://
    name is resolved when the client connects); never quotes the password."""
    clean = _without_credentials(url)
    if clean is None:
        return _ESCAPE_CREDENTIALS
    pymongo = _library("pymongo.uri_parser")
    if pymongo is None:
        return None
    srv = url.startswith("mongodb+srv://")  # parse_uri would look the name up in the DNS
    shared = _library("pymongo.uri_parser_shared")  # pymongo 4.13 and later
    if srv and not hasattr(shared, "_validate_uri"):
        return None  # checked when the client connects
    parse = shared._validate_uri if srv else pymongo.parse_uri
    errors = (ValueError, OSError, pymongo.ConfigurationError)  # OSError: a tlsCAFile unread
    try:
        nodes = parse(clean, validate=True, warn=False)["nodelist"]
    except errors as error:
        return str(error)
    for host, port in nodes:
        problem = None if host.endswith(".sock") else host_problem(host)
        if problem or (port is not None and not is_port(port)):  # pymongo refuses > 65535
            return problem or _BAD_PORT
    try:  # with the real credentials (the error is not shown: it may quote them)
        parse(url)
    except errors:
        return _ESCAPE_CREDENTIALS
    return None


def mongodb_database_problem(name: str) -> str | None:
    bad = [char for char in MONGODB_FORBIDDEN if char in name]
    if bad:
        return f"a MongoDB database name cannot hold {bad[0]!r}"
    return "a MongoDB database name is at most 63 bytes" if len(name.encode()) > 63 else None
