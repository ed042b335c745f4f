"""What may name a provider: one rule, and the two narrower spellings some inputs are held to.

A provider's name becomes a breaker key in Redis, a metric label, a log field and the first half
of a pin, so no name holds a space, a control character, '/' or ':'. The names a router calls all
come from provider discovery (:mod:`masterx.providers.discovery`): the packaged lists and
``MASTERX_PROVIDER_<NAME>_*`` variables, every one lower case in the narrowest spelling below.
The wider rules hold names that arrive from outside (a health report, an API key's pins):

- :data:`PROVIDER_NAME`: any provider name a service is handed (a health report): 1 to 128
  letters, digits, '_', '.' or '-', starting with a letter or digit.
- :data:`PINNABLE_PROVIDER_NAME`: the provider of an API key's pin (``provider/model``,
  :mod:`masterx.keys.policy`): the same in lower case, at most 64 characters. A pin is compared
  with a request's provider as written, and every discovered name is lower case, so an upper-case
  pin could never match.
- :data:`CONFIGURED_PROVIDER_NAME`: ``<NAME>`` of ``MASTERX_PROVIDER_<NAME>_BASE_URL`` (read
  lower-cased): lower-case letters, digits and '_', at most 48 characters, for an environment
  variable's name holds no '.' or '-'.

Each narrower rule accepts only names the wider ones accept (``tests/providers/
test_provider_names.py``), so a configured provider can always be pinned and reported.
"""

from __future__ import annotations

import re

PROVIDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")  # fullmatch
PROVIDER_NAME_RULE = "a name of at most 128 letters, digits, '_', '.' or '-'"
PINNABLE_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")  # fullmatch
CONFIGURED_PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,47}")  # fullmatch
CONFIGURED_PROVIDER_NAME_RULE = "letters, digits and '_'"


def provider_name_problem(name: str) -> str | None:
    """None when ``name`` may name a provider (:data:`PROVIDER_NAME`), else why not."""
    if PROVIDER_NAME.fullmatch(name) is None:
        return f"provider must be {PROVIDER_NAME_RULE} (got {len(name)} characters)"
    return None
