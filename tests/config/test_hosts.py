"""The one host rule (masterx/hosts.py), and the places that now share it."""

from __future__ import annotations

import pytest

from masterx.hosts import host_problem
from masterx.providers.discovery import url_problem

LONG = ".".join(letter * 63 for letter in "abc")  # three labels of the longest, 191 characters


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "0.0.0.0",
        "::1",
        "[::1]",
        "fe80::1%eth0",
        "localhost",
        "localhost.",
        "router.masterx.svc.cluster.local",
        "masterx_redis_1",  # container names hold '_'
        "a" * 63 + ".example",
        "3com.example",
        f"{LONG}.{'d' * 61}",  # 253 characters
    ],
)
def test_an_ip_address_or_a_well_formed_host_name_is_accepted(host: str) -> None:
    assert host_problem(host) is None


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("", "no host name or IP address"),
        ("a b", "'a b' is not a host name or an IP address"),
        ("a..b", "'a..b' is not a host name or an IP address"),
        ("-router", "'-router' is not a host name or an IP address"),
        ("router-", "'router-' is not a host name or an IP address"),
        ("x~y", "'x~y' is not a host name or an IP address"),
        ("bücher.de", "'bücher.de' is not a host name or an IP address"),
        ("router\n", "'router\\n' is not a host name or an IP address"),
        ("a" * 64 + ".example", "is not a host name or an IP address"),
        (f"{LONG}.{'d' * 62}", "is not a host name or an IP address"),  # 254
        ("999.1.1.1", "'999.1.1.1' is not a valid IPv4 address"),
        ("1.2.3", "'1.2.3' is not a valid IPv4 address"),
        ("123", "'123' is not a valid IPv4 address"),
    ],
)
def test_anything_else_is_refused_saying_why(host: str, problem: str) -> None:
    found = host_problem(host)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "url", ["http://-x.com/v1", "http://x~y/v1", "http://1.2.3/v1", "http://123:8000/v1"]
)
def test_a_provider_base_url_is_held_to_the_same_host_rule(url: str) -> None:
    problem = url_problem(url)
    assert problem is not None and "is not a" in problem, problem  # ... host name / IPv4 address
