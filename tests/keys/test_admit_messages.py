"""What an Admit refusal says (``services/health/keys/messages.py``)."""

from __future__ import annotations

from masterx.keys.admission import Admission, Limit
from services.health.keys.messages import admit_reply


def test_a_refusal_says_which_limit_and_a_revoked_key_says_it_is_revoked() -> None:
    revoked = admit_reply("k1", Admission(False, None, Limit.REVOKED))
    assert revoked.message == "API key k1 is revoked" and revoked.code == "invalid_api_key"
    rpm = admit_reply("k1", Admission(False, None, Limit.RPM, retry_after_s=2.0))
    assert rpm.message == "API key k1: rpm limit reached" and rpm.retry_after_s == 2.0
