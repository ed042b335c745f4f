"""The one port rule (masterx/ports.py): 1 to 65535, in ASCII digits when read as text."""

from __future__ import annotations

import pytest

from masterx.grpc_channels import channel_target
from masterx.ports import is_port, parse_port
from tooling.stack.config import StackConfig


@pytest.mark.parametrize(
    ("text", "port"), [("1", 1), ("80", 80), ("08090", 8090), ("65535", 65535)]
)
def test_ascii_digits_of_a_port_are_its_number(text: str, port: int) -> None:
    assert parse_port(text) == port


@pytest.mark.parametrize("text", ["0", "00", "65536", "99999", "1" + "0" * 30])
def test_a_number_outside_1_to_65535_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"^is not in 1\.\.65535$"):
        parse_port(text)


@pytest.mark.parametrize("text", ["", "abc", "-5", "+80", "8_080", " 80", "80 ", "80.0", "٨٠", "²"])
def test_anything_but_ascii_digits_is_no_port_number(text: str) -> None:
    with pytest.raises(ValueError, match=r"^is not a port number$"):
        parse_port(text)


def test_the_range_is_1_to_65535() -> None:
    assert [n for n in (-1, 0, 1, 65535, 65536) if is_port(n)] == [1, 65535]


@pytest.mark.parametrize("port", ["+80", "8_080", "²"])
def test_a_grpc_target_names_a_port_that_is_no_number(port: str) -> None:
    with pytest.raises(ValueError) as refused:
        channel_target(f"router:{port}")
    assert str(refused.value) == f"port {port!r} of 'router:{port}' is not a number in 1-65535"


def test_the_local_stack_names_each_bad_port_variable() -> None:
    with pytest.raises(ValueError) as refused:
        StackConfig.from_environ({"MASTERX_REDIS_PORT": "+6390", "MASTERX_GATEWAY_PORT": "70000"})
    assert str(refused.value).splitlines() == [
        "MASTERX_REDIS_PORT='+6390' is not a port number",
        "MASTERX_GATEWAY_PORT='70000' is not in 1..65535",
    ]


def test_the_local_stack_reads_a_port_with_spaces_around_it() -> None:
    assert StackConfig.from_environ({"MASTERX_GATEWAY_PORT": " 18001 "}).gateway_port == 18001
