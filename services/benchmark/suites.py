"""Load the suite files (``<category>.json``) and reject a bad one naming file, test and field."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from masterx.domain import Category
from services.benchmark.graders import text_check
from services.benchmark.suite_model import CHECK_KINDS, BenchTest, JudgeCheck, Suite, UnitTestsCheck

MAX_SUITE_BYTES = 5 * 1024 * 1024
_TYPE_TAG = re.compile(r"\W")  # pydantic's union members in a location: "list[...]", "str"


@dataclass(frozen=True)
class SuiteProblem:
    file: str
    test_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"test {self.test_id!r}, " if self.test_id is not None else ""
        return f"{self.file}: {where}field {self.field!r}: {self.message}"


class SuiteError(ValueError):
    """One or more suite files are invalid; ``problems`` names each file, test id and field."""

    def __init__(self, problems: Sequence[SuiteProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"invalid benchmark suite:\n{lines}")


def _test_id(raw: Any, index: int) -> str:
    tests = raw.get("tests") if isinstance(raw, dict) else None
    if isinstance(tests, list) and index < len(tests) and isinstance(tests[index], dict):
        given = tests[index].get("id")
        if isinstance(given, str) and given:
            return given
    return f"#{index + 1}"


def _is_type_tag(part: str) -> bool:
    return part == "str" or _TYPE_TAG.search(part) is not None


def _field_path(parts: Sequence[int | str]) -> str:
    path = ""
    previous: int | str | None = None
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif (part in CHECK_KINDS and isinstance(previous, int)) or _is_type_tag(part):
            pass  # the discriminator or union member pydantic puts in the location
        else:
            path += f".{part}" if path else part
        previous = part
    return path or "(whole entry)"


def _problems(file: str, raw: Any, error: ValidationError) -> list[SuiteProblem]:
    problems = []
    for item in error.errors():
        loc = list(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if len(loc) >= 2 and loc[0] == "tests" and isinstance(loc[1], int):
            problems.append(
                SuiteProblem(file, _test_id(raw, loc[1]), _field_path(loc[2:]), message)
            )
        else:
            problems.append(SuiteProblem(file, None, _field_path(loc), message))
    return _most_specific(problems)


def _most_specific(problems: list[SuiteProblem]) -> list[SuiteProblem]:
    """A value that fits no member of a union gets one error per member: keep the deepest."""

    def covers(shallow: SuiteProblem, deep: SuiteProblem) -> bool:
        return (
            shallow.test_id == deep.test_id
            and deep.field != shallow.field
            and deep.field.startswith(shallow.field + "[")
        )

    kept = [p for p in problems if not any(covers(p, other) for other in problems)]
    return list(dict.fromkeys(kept))


def load_suite(path: Path) -> Suite:
    """One suite file, validated; :class:`SuiteError` on any problem."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SUITE_BYTES + 1)
    except OSError as error:
        raise SuiteError([SuiteProblem(file, None, "(file)", f"cannot read: {error}")]) from None
    if len(data) > MAX_SUITE_BYTES:
        message = f"larger than {MAX_SUITE_BYTES // (1024 * 1024)} MiB"
        raise SuiteError([SuiteProblem(file, None, "(file)", message)])
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        message = f"not UTF-8: byte {error.start}: {error.reason}"
        raise SuiteError([SuiteProblem(file, None, "(file)", message)]) from None
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise SuiteError([SuiteProblem(file, None, "(file)", message)]) from None
    except ValueError as error:  # an integer literal too long to convert
        raise SuiteError([SuiteProblem(file, None, "(file)", f"not JSON: {error}")]) from None
    try:
        suite = Suite.model_validate(raw)
    except ValidationError as error:
        raise SuiteError(_problems(file, raw, error)) from None
    problems = []
    if suite.category.value != path.stem:
        problems.append(
            SuiteProblem(
                file, None, "category", f"{suite.category.value!r} in a file named {path.name!r}"
            )
        )
    seen: set[str] = set()
    for test in suite.tests:
        if test.id in seen:
            problems.append(SuiteProblem(file, test.id, "id", "used by another test"))
        seen.add(test.id)
        problems.extend(_reference_problems(file, test))
    if problems:
        raise SuiteError(problems)
    return suite


def _reference_problems(file: str, test: BenchTest) -> list[SuiteProblem]:
    """Each check that needs no sandbox and no judge must give the test's reference_answer
    full marks, as at run time (``graders.text_check``); code checks are graded by runs."""
    problems = []
    for index, check in enumerate(test.checks):
        if isinstance(check, (UnitTestsCheck, JudgeCheck)):
            continue
        scored = text_check(check, test.reference_answer)
        if round(scored.score, 6) < 1:
            message = (
                f"the reference_answer scores {scored.score:.2f} of 1 on this {check.kind} "
                f"check ({scored.detail}); its own checks must give it full marks"
            )
            problems.append(SuiteProblem(file, test.id, f"checks[{index}]", message))
    return problems


def load_suites(directory: Path) -> dict[Category, Suite]:
    """Every ``<category>.json`` of the directory; a category without a file has no suite."""
    if not directory.is_dir():
        problem = SuiteProblem(str(directory), None, "(directory)", "no such directory")
        raise SuiteError([problem])
    suites: dict[Category, Suite] = {}
    problems: list[SuiteProblem] = []
    owners: dict[str, str] = {}
    known = {c.value for c in Category}
    for path in sorted(directory.glob("*.json")):
        if path.stem not in known:
            problems.append(
                SuiteProblem(
                    str(path),
                    None,
                    "(file name)",
                    f"not a category; expected one of: {', '.join(sorted(known))}",
                )
            )
            continue
        try:
            suite = load_suite(path)
        except SuiteError as error:
            problems.extend(error.problems)
            continue
        for test in suite.tests:
            if test.id in owners:
                problems.append(
                    SuiteProblem(str(path), test.id, "id", f"also used in {owners[test.id]}")
                )
            owners[test.id] = path.name
        suites[suite.category] = suite
    if problems:
        raise SuiteError(problems)
    if not suites:
        problem = SuiteProblem(str(directory), None, "(directory)", "no <category>.json suite")
        raise SuiteError([problem])
    return suites


def all_tests(suites: dict[Category, Suite]) -> list[tuple[Category, BenchTest]]:
    return [(category, test) for category, suite in suites.items() for test in suite.tests]
