"""The local stack: real Redis, a MongoDB-compatible server, the simulator and the services.

One launcher used by ``make run``, ``make up``/``make down`` and the test fixtures.
"""

from tooling.stack.config import StackConfig
from tooling.stack.launcher import LaunchError, Stack

__all__ = ["LaunchError", "Stack", "StackConfig"]
