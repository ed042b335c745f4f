"""A test stack's ports (tooling/stack/readiness.py ``free_ports``): distinct, and free."""

from __future__ import annotations

import socket

from tooling.stack import StackConfig
from tooling.stack.readiness import free_ports


def test_the_ports_of_one_call_are_distinct_and_free() -> None:
    ports = free_ports(64)
    assert len(set(ports)) == 64
    for port in ports:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # raises if another socket still held it


def test_a_stack_on_free_ports_has_every_port_its_own() -> None:
    config = StackConfig().with_free_ports()
    ports = [getattr(config, name) for name in config.port_fields]
    assert len(set(ports)) == len(ports) == len(StackConfig().port_fields)
