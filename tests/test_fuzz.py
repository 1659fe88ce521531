"""Hostile input never escapes the error hierarchy (bounded here; `make fuzz` runs long)."""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testkit.fuzzing import BINARY_MUTATORS, JSON_MUTATORS, JSON_SEEDS, SEEDS, check_input, check_json

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fuzz", max_examples=200_000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TOPICS = sorted(SEEDS)


@given(topic=st.sampled_from(TOPICS), data=st.binary(max_size=2048))
def test_random_bytes(topic: str, data: bytes) -> None:
    """Arbitrary bytes decode or raise a ContractError."""
    check_input(topic, data)


@given(
    topic=st.sampled_from(TOPICS),
    mutator=st.sampled_from(sorted(BINARY_MUTATORS)),
    seed=st.integers(0, 2**32),
    rounds=st.integers(1, 3),
)
def test_mutated_valid_encodings(topic: str, mutator: str, seed: int, rounds: int) -> None:
    """Bit flips, truncation, splices, duplicated fields, overlong varints and deep nesting of valid envelopes."""
    rng = random.Random(seed)
    data = rng.choice(SEEDS[topic])
    for _ in range(rounds):
        data = BINARY_MUTATORS[mutator](rng, data) or b"\x00"
    check_input(topic, data)


@given(topic=st.sampled_from(TOPICS), mutator=st.sampled_from(sorted(JSON_MUTATORS)), seed=st.integers(0, 2**32))
def test_mutated_json(topic: str, mutator: str, seed: int) -> None:
    """Random, mutated and garbled ProtoJSON parses or raises a ContractError."""
    rng = random.Random(seed)
    check_json(topic, JSON_MUTATORS[mutator](rng, rng.choice(JSON_SEEDS[topic])))


@given(topic=st.sampled_from(TOPICS), text=st.text(max_size=512))
def test_random_text_as_json(topic: str, text: str) -> None:
    """Any text given as JSON parses or raises a ContractError."""
    check_json(topic, text)


def test_every_mutator_reaches_both_outcomes() -> None:
    """The mutators are not toothless: across seeds they produce both refused and accepted inputs."""
    outcomes: dict[str, set[str]] = {}
    for name, mutator in BINARY_MUTATORS.items():
        for seed in range(60):
            rng = random.Random(seed)
            topic = TOPICS[seed % len(TOPICS)]
            outcomes.setdefault(name, set()).add(check_input(topic, mutator(rng, rng.choice(SEEDS[topic]))))
    assert all("malformed" in seen or "invalid" in seen for seen in outcomes.values()), outcomes
    assert any("valid" in seen for seen in outcomes.values()), outcomes
