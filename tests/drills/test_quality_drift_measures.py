"""The quality drift drill's measures (bench/drills/drift_measures.py) on made-up answers: they
see traffic leave and return, sessions move, and another category's routing shift."""

from __future__ import annotations

from bench.drills.drift_measures import (
    crossing,
    holder,
    largest_shift,
    moved,
    rated_down_on,
    sessions_on,
    shares,
    still_holds,
)
from bench.drills.rated_traffic import Answer


def _answer(
    at: float,
    provider: str,
    category: str = "coding",
    session: str = "",
    new: bool = True,
    rated: bool | None = True,
) -> Answer:
    score = None if rated is None else float(rated)
    return Answer(at, session or f"s{at}", new, category, provider, "best_benchmark", score)


def test_the_crossing_counts_rated_coding_answers_until_the_window_holds_the_share() -> None:
    # 10 coding sessions on the victim, then 10 elsewhere; one rating was refused.
    answers = [_answer(t, "victim") for t in range(10)]
    answers += [_answer(t, "other", rated=None if t == 12 else True) for t in range(10, 20)]
    answers += [_answer(t + 0.5, "victim", category="math") for t in range(20)]  # not coding
    left = crossing(answers, 0, 100, "victim", window=4, share=0.75, away=True)
    # Window of 4 first holds 3 away at t=12: ratings counted by then: 10 + t10, t11 (t12 refused).
    assert left.rated == 12 and left.rated_total == 19 and left.last_share == 1.0
    assert left.at == 12
    stayed = crossing(answers, 0, 10, "victim", window=4, share=0.75, away=True)
    assert stayed.rated is None and stayed.last_share == 0.0
    back = crossing(answers, 0, 10, "victim", window=4, share=0.75, away=False)
    assert back.rated == 4


def test_follow_ups_count_as_rated_answers_but_not_as_new_sessions() -> None:
    answers = [_answer(t, "other", session="long", new=t == 0) for t in range(6)]
    seen = crossing(answers, 0, 100, "victim", window=2, share=0.5, away=True)
    assert seen.rated is None and seen.rated_total == 6


def test_a_category_whose_provider_changes_is_the_largest_shift() -> None:
    before = [_answer(t, "a", "math") for t in range(10)]
    before += [_answer(t, "b", "language") for t in range(10)]
    after = [_answer(t, "a", "math") for t in range(10, 15)]
    after += [_answer(t, "c", "math") for t in range(15, 20)]
    after += [_answer(t, "b", "language") for t in range(10, 20)]
    after += [_answer(t, "z", "research") for t in range(10, 12)]  # too few to compare
    answers = before + after
    shift, where = largest_shift(shares(answers, 0, 10), shares(answers, 10, 20))
    assert (shift, where) == (0.5, "math/a")
    assert largest_shift(shares(answers, 0, 10), shares(answers, 0, 10)) == (0.0, "")


def test_sessions_on_the_victim_and_those_that_moved() -> None:
    answers = [
        _answer(1, "victim", session="stuck"),
        _answer(6, "victim", session="stuck", new=False),
        _answer(2, "victim", session="mover"),
        _answer(7, "other", session="mover", new=False),
        _answer(3, "other", session="elsewhere"),
        _answer(8, "other", session="elsewhere", new=False),
        _answer(4, "victim", session="gone"),  # never sends again
        _answer(11, "other", session="stuck", new=False),  # after the phase
    ]
    on = sessions_on(answers, "victim", at=5, until=10)
    assert on == {"stuck", "mover"}
    assert moved(answers, on, "victim", 5, 10) == {"mover"}


def test_sessions_rated_down_on_the_victim_that_went_on() -> None:
    answers = [
        _answer(1, "victim", session="a", new=False, rated=False),  # down, then goes on
        _answer(2, "other", session="a", new=False),
        _answer(1, "victim", session="b", new=False, rated=True),  # only up ratings
        _answer(3, "victim", session="b", new=False, rated=True),
        _answer(2, "victim", session="c", new=False, rated=False),  # down, never again
        _answer(0.5, "victim", session="d", new=False, rated=False),  # down before `since`
        _answer(4, "victim", session="d", new=False, rated=True),
    ]
    sessions = {"a", "b", "c", "d"}
    assert rated_down_on(answers, sessions, "victim", 1, 10) == {"a"}
    assert rated_down_on(answers, sessions, "victim", 0, 10) == {"a", "d"}
    assert moved(answers, sessions, "victim", 0, 10) == {"a"}


def test_who_holds_coding_is_the_window_majority_with_every_long_session() -> None:
    answers = [_answer(t, "old") for t in range(5)]  # before the wait: not counted
    answers += [_answer(t, "victim" if t % 5 else "other") for t in range(10, 20)]
    answers += [_answer(t + 0.5, "other", category="math") for t in range(10, 20)]  # not coding
    assert holder(answers, 10, window=11) == (None, 0.0, False)  # no full window yet
    assert holder(answers, 10, window=10) == ("victim", 0.8, True)
    assert holder(answers, 10, window=4) == ("victim", 1.0, True)  # the last four
    # A long coding session whose last answer is another provider's: not held by the victim.
    answers += [_answer(21, "other", session="long", new=False)]
    assert holder(answers, 10, window=10) == ("victim", 0.8, False)
    answers += [_answer(22, "victim", session="long", new=False)]
    assert holder(answers, 10, window=10) == ("victim", 0.8, True)


def test_a_victim_still_holds_coding_only_with_the_window_and_every_long_session() -> None:
    answers = [_answer(t, "victim") for t in range(10)]
    answers += [_answer(t, "cheaper") for t in range(10, 14)]  # the band let a cheaper one in
    assert still_holds(answers, "victim", 0, window=10, need=0.6)
    assert not still_holds(answers, "victim", 0, window=10, need=0.8)  # 6 of the last 10
    assert not still_holds(answers, "victim", 5, window=10, need=0.6)  # 5 of 9: no full window
    assert not still_holds(answers, None, 0, window=10, need=0.0)
    answers += [_answer(15, "cheaper", session="long", new=False)]
    assert not still_holds(answers, "victim", 0, window=10, need=0.6)
