"""What the quality drift drill (``quality_drift.py``) measures in the answers it collected:
when new coding sessions left the victim (and came back), each other category's shares per
provider, and which sessions on the victim were rated down and moved. Pure functions of the
answers, so ``tests/drills/test_quality_drift_measures.py`` checks them on made-up ones."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass

from bench.drills.rated_traffic import Answer

CODING = "coding"
MIN_ANSWERS = 10  # a category with fewer new-session answers in a phase is not compared


@dataclass(frozen=True)
class Crossing:
    rated: int | None  # rated coding answers when the window first held the share; None: never
    rated_total: int  # rated coding answers in the phase
    last_share: float  # the share in the last full window (0 without one)
    at: float | None = None  # when the window first held the share


def crossing(
    answers: Sequence[Answer],
    since: float,
    until: float,
    victim: str,
    window: int,
    share: float,
    *,
    away: bool,
) -> Crossing:
    """Walk the phase's answers in order, counting rated coding answers; each new coding
    session's answer joins a window of ``window``: whether it avoided the victim (``away``) or
    was the victim's. The first time a full window holds ``share``: the count then."""
    recent: deque[bool] = deque(maxlen=window)
    rated, reached, last, reached_at = 0, None, 0.0, None
    for answer in sorted(answers, key=lambda a: a.at):
        if not since <= answer.at < until or answer.category != CODING:
            continue
        if answer.rated_up is not None:
            rated += 1
        if answer.new_session:
            recent.append((answer.provider != victim) is away)
            if len(recent) == window:
                last = sum(recent) / window
                if reached is None and last >= share:
                    reached, reached_at = rated, answer.at
    return Crossing(reached, rated, last, reached_at)


def holder(answers: Sequence[Answer], since: float, window: int) -> tuple[str | None, float, bool]:
    """Who serves coding now: the provider serving most of the last ``window`` new coding
    sessions since ``since`` (None before a full window), its share, and whether every long
    coding session's last coding answer is its too."""
    ordered = sorted(answers, key=lambda a: a.at)
    recent = [
        a.provider for a in ordered if a.at >= since and a.category == CODING and a.new_session
    ][-window:]
    if len(recent) < window:
        return None, 0.0, False
    most, count = Counter(recent).most_common(1)[0]
    long_running = {
        a.session_id: a.provider for a in ordered if a.category == CODING and not a.new_session
    }
    return most, count / window, all(p == most for p in long_running.values())


def still_holds(
    answers: Sequence[Answer], victim: str | None, since: float, window: int, need: float
) -> bool:
    """Whether ``victim`` holds coding (``holder``): at least ``need`` of the last window and
    every long coding session."""
    provider, share, every_long = holder(answers, since, window)
    return victim is not None and provider == victim and share >= need and every_long


def shares(answers: Sequence[Answer], since: float, until: float) -> dict[str, dict[str, float]]:
    """Each category but coding: its new sessions' share per serving provider."""
    counts: dict[str, Counter[str]] = {}
    for answer in answers:
        if since <= answer.at < until and answer.new_session and answer.category != CODING:
            counts.setdefault(answer.category, Counter())[answer.provider] += 1
    return {
        category: {p: n / sum(c.values()) for p, n in sorted(c.items())}
        for category, c in sorted(counts.items())
        if sum(c.values()) >= MIN_ANSWERS
    }


def largest_shift(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> tuple[float, str]:
    """The largest change of one provider's share in one category, and where."""
    worst, where = 0.0, ""
    for category in sorted(set(before) & set(after)):
        providers = set(before[category]) | set(after[category])
        for provider in sorted(providers):
            shift = abs(before[category].get(provider, 0.0) - after[category].get(provider, 0.0))
            if shift > worst:
                worst, where = shift, f"{category}/{provider}"
    return worst, where


def sessions_on(answers: Sequence[Answer], victim: str, at: float, until: float) -> set[str]:
    """Sessions whose last coding answer before ``at`` was the victim's and that go on
    between ``at`` and ``until``."""
    last: dict[str, str] = {}
    later: set[str] = set()
    for answer in sorted(answers, key=lambda a: a.at):
        if answer.at < at and answer.category == CODING:
            last[answer.session_id] = answer.provider
        elif at <= answer.at < until:
            later.add(answer.session_id)
    return {s for s, provider in last.items() if provider == victim and s in later}


def moved(
    answers: Sequence[Answer], sessions: set[str], victim: str, since: float, until: float
) -> set[str]:
    """Which of ``sessions`` another provider than the victim served between the two."""
    return {
        a.session_id
        for a in answers
        if a.session_id in sessions and since <= a.at < until and a.provider != victim
    }


def rated_down_on(
    answers: Sequence[Answer], sessions: set[str], victim: str, since: float, until: float
) -> set[str]:
    """Which of ``sessions`` rated an answer of the victim down between the two and sent
    another message before ``until`` (which the policy then decided afresh)."""
    ordered = sorted(answers, key=lambda a: a.at)
    down: dict[str, float] = {}
    for a in ordered:
        if (
            a.session_id in sessions
            and since <= a.at < until
            and a.provider == victim
            and a.rated_up is False
        ):
            down.setdefault(a.session_id, a.at)
    return {
        a.session_id for a in ordered if a.session_id in down and down[a.session_id] < a.at < until
    }
