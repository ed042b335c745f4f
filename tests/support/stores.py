"""Real Redis and a real MongoDB-compatible server for a test session.

testcontainers (official ``redis`` and ``mongo`` images) when a Docker engine answers;
otherwise the project's own launcher on free ports. Never an in-memory imitation.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tooling.stack import Stack, StackConfig


@dataclass(frozen=True)
class StoreUrls:
    redis_url: str
    mongodb_url: str
    source: str  # "testcontainers" or "launcher"


def docker_engine_answers() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        result = subprocess.run([docker, "info"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def _containers() -> Iterator[StoreUrls]:
    from testcontainers.mongodb import MongoDbContainer
    from testcontainers.redis import RedisContainer

    with RedisContainer("redis:7") as redis, MongoDbContainer("mongo:7") as mongo:
        redis_url = f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
        yield StoreUrls(redis_url, mongo.get_connection_url(), "testcontainers")


@contextmanager
def _launcher(state_dir: Path) -> Iterator[StoreUrls]:
    config = StackConfig(state_dir=state_dir).with_free_ports()
    with Stack(config, components=("redis", "mongodb")) as stack:
        yield StoreUrls(stack.redis_url, stack.mongodb_url, "launcher")


@contextmanager
def real_stores(state_dir: Path) -> Iterator[StoreUrls]:
    if docker_engine_answers():
        with _containers() as urls:
            yield urls
    else:
        with _launcher(state_dir) as urls:
            yield urls
