"""Session continuity over scripted conversations: same-topic turns kept on their provider.

A conversations file is JSON Lines, one conversation per line:
``{"id": "c1", "turns": [{"text": "...", "topic": "coding"}, ...]}``. A turn is *same-topic*
when its expected topic is the previous turn's; it is *kept* when the provider that answered it
is the one that answered the previous turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from masterx.domain import Category
from tooling.evaluation.labelled import LabelledDataError, json_line, jsonl_lines

CONTINUITY_GOAL = 0.99


@dataclass(frozen=True)
class Turn:
    text: str
    topic: Category


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[Turn, ...]
    where: str = field(default="", compare=False)  # "FILE:N", to name the line in an error


def read_conversations_jsonl(path: Path) -> list[Conversation]:
    """Every conversation of ``path``; a line that is not UTF-8, not JSON or not a
    conversation is a :class:`LabelledDataError` naming it."""
    conversations = [_parse(line, where) for where, line in jsonl_lines(path)]
    if not conversations:
        raise LabelledDataError(f"{path}: no conversations")
    return conversations


def _parse(line: str, where: str) -> Conversation:
    record = json_line(line, where)
    if not isinstance(record, dict) or not isinstance(record.get("id"), str | int):
        raise LabelledDataError(f"{where}: expected an object with 'id' and 'turns'")
    turns = record.get("turns")
    if not isinstance(turns, list) or not turns:
        raise LabelledDataError(f"{where}: 'turns' must be a non-empty list")
    parsed = []
    for i, turn in enumerate(turns):
        field = f"{where}: turns[{i}]"
        if not isinstance(turn, dict):
            raise LabelledDataError(f"{field}: expected an object with 'text' and 'topic'")
        text, topic = turn.get("text"), turn.get("topic")
        if not isinstance(text, str) or not text.strip():
            raise LabelledDataError(f"{field}.text: must be a non-empty string")
        if not isinstance(topic, str):
            raise LabelledDataError(f"{field}.topic: must be a string")
        try:
            parsed.append(Turn(text, Category.parse(topic)))
        except ValueError as error:
            raise LabelledDataError(f"{field}.topic: {error}") from None
    return Conversation(str(record["id"]), tuple(parsed), where)


@dataclass(frozen=True)
class AnsweredTurn:
    """Who answered a turn, and the router's account of it (category detected, reason)."""

    provider: str
    category: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Switch:
    """A same-topic turn answered by another provider than the previous turn."""

    conversation: str
    turn: int  # 0-based
    topic: Category
    previous_provider: str
    answered: AnsweredTurn


@dataclass(frozen=True)
class ContinuityReport:
    conversations: int
    turns: int
    same_topic_turns: int
    kept: int
    topic_changes: int
    switches: tuple[Switch, ...]

    @property
    def share_kept(self) -> float:
        return self.kept / self.same_topic_turns if self.same_topic_turns else 1.0

    @property
    def meets_goal(self) -> bool:
        return self.share_kept >= CONTINUITY_GOAL

    def to_dict(self) -> dict[str, object]:
        return {
            "share_kept": self.share_kept,
            "goal": CONTINUITY_GOAL,
            "meets_goal": self.meets_goal,
            "conversations": self.conversations,
            "turns": self.turns,
            "same_topic_turns": self.same_topic_turns,
            "kept": self.kept,
            "topic_changes": self.topic_changes,
            "switches": [
                {
                    "conversation": s.conversation,
                    "turn": s.turn,
                    "topic": s.topic.value,
                    "previous_provider": s.previous_provider,
                    "provider": s.answered.provider,
                    "detected_category": s.answered.category,
                    "reason": s.answered.reason,
                }
                for s in self.switches
            ],
        }


def score_continuity(
    conversations: Sequence[Conversation], answers: Sequence[Sequence[AnsweredTurn]]
) -> ContinuityReport:
    """``answers[i][j]``: who answered turn j of conversation i."""
    same = kept = changes = turns = 0
    switches = []
    for conversation, answered in zip(conversations, answers, strict=True):
        turns += len(answered)
        for j in range(1, len(answered)):
            topic = conversation.turns[j].topic
            if topic is not conversation.turns[j - 1].topic:
                changes += 1
                continue
            same += 1
            previous = answered[j - 1].provider
            if answered[j].provider == previous:
                kept += 1
            else:
                switches.append(Switch(conversation.id, j, topic, previous, answered[j]))
    return ContinuityReport(len(conversations), turns, same, kept, changes, tuple(switches))


def format_continuity(report: ContinuityReport) -> str:
    verdict = "meets" if report.meets_goal else "BELOW"
    lines = [
        f"session continuity: {report.share_kept * 100:.1f} % of same-topic turns kept on their"
        f" provider ({report.kept}/{report.same_topic_turns}); {verdict} the goal"
        f" of {CONTINUITY_GOAL * 100:.0f} %",
        f"  {report.conversations} conversations, {report.turns} turns,"
        f" {report.topic_changes} topic changes",
    ]
    for s in report.switches:
        lines.append(
            f"  switched: {s.conversation} turn {s.turn + 1} ({s.topic.value}):"
            f" {s.previous_provider} -> {s.answered.provider}"
            f" (detected {s.answered.category or '?'}, reason {s.answered.reason or '?'})"
        )
    return "\n".join(lines)
