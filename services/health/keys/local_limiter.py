"""The limiter a replica falls back to while Redis is unreachable: a share of every limit.

Each replica admits at most ``share`` of each limit on its own (``MASTERX_KEYS_FALLBACK_SHARE``,
default 0.5: two replicas). For rpm and tpm that is ``share x limit`` in any 60 s; for a budget
it is ``share x`` what Redis last said was left of it (the whole budget when this replica never
saw the key), for the UTC day or month the outage falls in. With ``share = 1 / replicas`` the
replicas together stay within each rpm and tpm limit, and within what was left of each budget
when Redis went away, except that holds taken in Redis before the outage and settled after it
are not seen. Its counts live in this process only and are dropped when Redis answers again.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from masterx.keys.admission import (
    ActualUsage,
    Admission,
    Enforcement,
    Limit,
    RequestEstimate,
    Reservation,
)
from masterx.keys.policy import KeyPolicy, usd_to_micros

WINDOW_S = 60.0
DAY_S = 86_400.0


@dataclass
class _Hold:
    key_id: str
    periods: list[tuple[str, ...]]
    worst: int
    stamp: list[float]  # the window entry: [time, tokens]


@dataclass
class _KeyState:
    window: deque[list[float]] = field(default_factory=deque)
    spent: dict[tuple[str, ...], int] = field(default_factory=dict)


class LocalSpendLimiter:
    def __init__(self, share: float, clock: Callable[[], float] = time.time) -> None:
        if not 0 < share <= 1:
            raise ValueError("fallback share must be in (0, 1]")
        self.share = share
        self._clock = clock
        self._keys: dict[str, _KeyState] = {}
        self._holds: dict[str, _Hold] = {}
        self._last_left: dict[tuple[str, ...], int] = {}

    def remember_remaining(self, key_id: str, limit: Limit, left_micros: int) -> None:
        """What Redis last said was left of a budget: the base of this replica's share."""
        self._last_left[(key_id, limit.value)] = left_micros

    def reset(self) -> None:
        """Redis answers again: forget this replica's outage counts."""
        self._keys.clear()
        self._holds.clear()

    def _allowance(self, key_id: str, limit: Limit, budget_usd: float) -> int:
        base = self._last_left.get((key_id, limit.value), usd_to_micros(budget_usd))
        return math.floor(self.share * max(base, 0))

    def admit(self, key_id: str, policy: KeyPolicy, estimate: RequestEstimate) -> Admission:
        now = self._clock()
        state = self._keys.setdefault(key_id, _KeyState())
        while state.window and state.window[0][0] <= now - WINDOW_S:
            state.window.popleft()
        local = Enforcement.LOCAL
        tokens = sum(int(entry[1]) for entry in state.window)
        rpm = None if policy.rpm is None else math.floor(self.share * policy.rpm)
        tpm = None if policy.tpm is None else math.floor(self.share * policy.tpm)
        day = str(int(now // DAY_S))
        month = time.strftime("%Y%m", time.gmtime(now))
        worst = usd_to_micros(estimate.worst_case_usd)
        budgets: list[tuple[Limit, float | None, tuple[str, ...]]] = [
            (Limit.BUDGET_DAY, policy.budget_day_usd, (key_id, "day", day)),
            (Limit.BUDGET_MONTH, policy.budget_month_usd, (key_id, "month", month)),
        ]
        if estimate.user:
            user_period = (key_id, "user", estimate.user, day)
            budgets.append((Limit.USER_BUDGET_DAY, policy.user_budget_day_usd, user_period))
        rooms = [
            (limit, self._allowance(key_id, limit, usd) - state.spent.get(period, 0))
            for limit, usd, period in budgets
            if usd is not None
        ]
        # What is left before this request: a refusal reports every limit, not only its own.
        refused = partial(
            Admission,
            False,
            None,
            remaining_requests=None if rpm is None else max(rpm - len(state.window), 0),
            remaining_tokens=None if tpm is None else max(tpm - tokens, 0),
            remaining_budget_usd=min((max(r, 0) / 1e6 for _, r in rooms), default=None),
            enforcement=local,
        )
        if rpm is not None and len(state.window) + 1 > rpm:
            retry = state.window[0][0] + WINDOW_S - now if state.window else WINDOW_S
            return refused(Limit.RPM, retry)
        if tpm is not None and tokens + estimate.tokens > tpm:
            return refused(Limit.TPM, WINDOW_S)
        left: int | None = None
        for limit, room in rooms:
            if worst > room:
                return refused(limit, DAY_S - now % DAY_S)
            left = room - worst if left is None else min(left, room - worst)
        stamp = [now, float(estimate.tokens)]
        state.window.append(stamp)
        periods: list[tuple[str, ...]] = [period for _, usd, period in budgets if usd is not None]
        for period in periods:
            state.spent[period] = state.spent.get(period, 0) + worst
        reservation_id = uuid.uuid4().hex
        self._holds[reservation_id] = _Hold(key_id, periods, worst, stamp)
        reservation = Reservation(
            reservation_id, key_id, estimate.tokens, worst, local, estimate.user
        )
        return Admission(
            True,
            reservation,
            remaining_requests=None if rpm is None else rpm - len(state.window),
            remaining_tokens=None if tpm is None else tpm - tokens - estimate.tokens,
            remaining_budget_usd=None if left is None else left / 1e6,
            enforcement=local,
        )

    def settle(self, reservation: Reservation, actual: ActualUsage) -> bool:
        hold = self._holds.pop(reservation.reservation_id, None)
        if hold is None:
            return False
        state = self._keys.get(hold.key_id)
        if state is not None:
            for period in hold.periods:
                state.spent[period] = (
                    state.spent.get(period, 0) - hold.worst + usd_to_micros(actual.cost_usd)
                )
        hold.stamp[1] = float(actual.tokens)
        return True
