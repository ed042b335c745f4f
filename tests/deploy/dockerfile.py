"""A small reader of the project's Dockerfile and .dockerignore: stages and their instructions."""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    arguments: str  # the rest of the (joined) line

    def flags(self) -> dict[str, str]:
        """``--from=deps --chmod=0755 a b`` -> {"from": "deps", "chmod": "0755"}."""
        found = {}
        for word in shlex.split(self.arguments):
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            found[name] = value
        return found

    def words(self) -> list[str]:
        """The arguments without the leading --flags (shell words)."""
        words = shlex.split(self.arguments)
        while words and words[0].startswith("--"):
            words.pop(0)
        return words


@dataclass
class Stage:
    name: str
    base: str  # image or the name of an earlier stage
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


@dataclass(frozen=True)
class Dockerfile:
    args: dict[str, str]  # ARGs before the first FROM, with their defaults
    stages: dict[str, Stage]

    def chain(self, name: str) -> list[Stage]:
        """The stage and the earlier stages it is built FROM, base first."""
        stages: list[Stage] = []
        current: str | None = name
        while current in self.stages:
            stage = self.stages[current]
            stages.insert(0, stage)
            current = stage.base
        return stages

    def base_image(self, name: str) -> str:
        image = self.chain(name)[0].base
        return re.sub(r"\$\{(\w+)\}", lambda m: self.args.get(m.group(1), m.group(0)), image)


def parse(path: Path) -> Dockerfile:
    lines: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    args: dict[str, str] = {}
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in lines:
        keyword, _, rest = line.partition(" ")
        instruction = Instruction(keyword.upper(), rest.strip())
        if instruction.keyword == "FROM":
            words = instruction.words()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            current = Stage(name, words[0])
            stages[name] = current
        elif current is None:
            if instruction.keyword == "ARG":
                key, _, default = instruction.arguments.partition("=")
                args[key] = default
        else:
            current.instructions.append(instruction)
    return Dockerfile(args, stages)


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore ``patterns`` leave ``path`` (relative, with /) out of the context.

    Docker's rules: the last pattern that matches decides; ``!`` re-includes; a pattern also
    matches everything under a directory it matches; ``**`` matches any number of directories.
    """
    decision = False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.strip("/")
        regex = fnmatch.translate(body).replace(".*.*/", "(.*/)?").replace(".*.*", ".*")
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            decision = not negate
    return decision


def dockerignore_patterns(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
