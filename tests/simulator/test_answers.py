"""Benchmark answer keys, and how often a simulated provider answers them correctly."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from simulator.answer_key import AnswerKey, KeyedAnswer
from simulator.answers import Answerer, Phrasebook
from simulator.config import BENCHMARK_SUITES, DEFAULT_SEED, SimulatorConfig
from simulator.profiles import load_profiles
from tests.simulator.expected import EQUATION_ANSWER, EQUATION_PROMPT, EQUATION_WRONG
from tests.simulator.harness import TEST_ANSWER_KEY


def test_an_answer_key_in_the_benchmark_suite_shape_loads() -> None:
    key = AnswerKey.load([TEST_ANSWER_KEY])
    assert len(key) == 3
    assert key.lookup(EQUATION_PROMPT) == KeyedAnswer("math", EQUATION_ANSWER, EQUATION_WRONG)
    coding = key.lookup("Write a Python function reverse(s) that returns the string s reversed.")
    assert coding is not None and coding.category == "coding"
    assert key.lookup("What is 12 times 13?") is None


def test_a_directory_of_keys_loads_every_file(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "a.json").write_text(json.dumps([{"prompt": "p1", "answer": "a1"}]))
    (tmp_path / "nested" / "b.json").write_text(
        json.dumps({"category": "language", "answers": [{"prompt": "p2", "expected_answer": "a2"}]})
    )
    key = AnswerKey.load([tmp_path])
    assert key.lookup("P1") == KeyedAnswer("general", "a1")
    assert key.lookup("p2") == KeyedAnswer("language", "a2")


@pytest.mark.parametrize(
    ("tests", "complaint"),
    [
        ([{"prompt": "p"}], "needs a 'prompt' and an 'answer'"),
        ([{"prompt": "p", "answer": "a", "category": "poetry"}], "unknown category 'poetry'"),
    ],
)
def test_a_bad_answer_key_names_file_and_test(
    tmp_path: Path, tests: list[dict[str, str]], complaint: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tests": tests}))
    with pytest.raises(ValueError, match=rf"bad\.json: test 0: {complaint}"):
        AnswerKey.load([bad])


def test_keyed_prompts_are_answered_correctly_at_the_profiles_rate() -> None:
    profile = load_profiles()["groq"]
    quality = profile.quality["math"]
    prompts = [f"What is {n} plus {n}?" for n in range(600)]
    key = AnswerKey(
        {p.casefold(): KeyedAnswer("math", f"Answer: {2 * n}") for n, p in enumerate(prompts)}
    )
    answerer = Answerer(DEFAULT_SEED, key, Phrasebook.load())
    correct = 0
    for n, prompt in enumerate(prompts):
        category, keyed = answerer.classify(prompt)
        correct += answerer.answer(profile, prompt, category, keyed) == f"Answer: {2 * n}"
    assert abs(correct / len(prompts) - quality) < 0.06
    always = replace(profile, quality={**profile.quality, "math": 1.0})
    never = replace(profile, quality={**profile.quality, "math": 0.0})
    prompt = prompts[0]
    assert answerer.answer(always, prompt, "math", key.lookup(prompt)) == "Answer: 0"
    assert answerer.answer(never, prompt, "math", key.lookup(prompt)) != "Answer: 0"


def test_answers_depend_on_the_seed_and_nothing_else() -> None:
    profile = load_profiles()["openai"]
    prompts = [f"Tell me something about topic number {n}" for n in range(20)]
    first, again, other = (Answerer(seed, AnswerKey(), Phrasebook.load()) for seed in (1, 1, 2))
    answers = [
        [a.answer(profile, p, "general", None) for p in prompts] for a in (first, again, other)
    ]
    assert answers[0] == answers[1]
    assert answers[0] != answers[2]


@pytest.mark.parametrize(
    ("prompt", "category"),
    [
        ("Write a Python function to sort a list", "coding"),
        ("Solve the equation 2x + 3 = 7", "math"),
        ("I feel so anxious and overwhelmed about my exam", "empathy"),
        ("Translate this sentence into Spanish", "language"),
        ("Summarize the research evidence on sleep and memory", "research"),
        ("Hello there", "general"),
    ],
)
def test_an_unknown_prompt_gets_an_answer_for_its_guessed_category(
    prompt: str, category: str
) -> None:
    answerer = Answerer(DEFAULT_SEED, AnswerKey(), Phrasebook.load())
    assert answerer.guess_category(prompt) == category


def test_the_repositorys_benchmark_suites_are_the_default_answer_key() -> None:
    config = SimulatorConfig.from_environment({"MASTERX_SIMULATOR_SEED": "7"})
    assert config.seed == 7
    expected = (BENCHMARK_SUITES,) if BENCHMARK_SUITES.is_dir() else ()
    assert config.answer_key_paths == expected
    assert (
        SimulatorConfig.from_environment({"MASTERX_SIMULATOR_ANSWER_KEYS": ""}).answer_key_paths
        == ()
    )
    with pytest.raises(ValueError, match="MASTERX_SIMULATOR_SEED"):
        SimulatorConfig.from_environment({"MASTERX_SIMULATOR_SEED": "x"})
