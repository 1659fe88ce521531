"""Encode, decode and validate from many threads: same results as one thread, no errors."""

from __future__ import annotations

import threading
import time

from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_sre_contracts import testing
from tests.conftest import ENVELOPES

THREADS = 8
SECONDS = 2.0


def _workload() -> list[tuple[str, Message, bytes]]:
    work = []
    for envelope_type in ENVELOPES:
        for envelope in testing.examples(envelope_type):
            work.append((sre.topic_of(envelope).name, envelope, envelope.SerializeToString()))
            broken = type(envelope)()
            broken.CopyFrom(envelope)
            broken.meta.tenant_id = ""  # type: ignore[attr-defined]
            work.append((sre.topic_of(envelope).name, broken, broken.SerializeToString()))
    return work


def _results(work: list[tuple[str, Message, bytes]]) -> list[tuple[bytes, list[sre.Violation], object]]:
    results: list[tuple[bytes, list[sre.Violation], object]] = []
    for topic, message, data in work:
        outcome: object
        try:
            outcome = sre.decode(topic, data)
        except sre.ValidationError as error:
            outcome = error.violations
        results.append((sre.encode(message, validate=False), sre.violations(message), outcome))
    return results


def test_shared_and_distinct_messages_from_many_threads() -> None:
    """Eight threads loop over shared messages (and their own copies) for a bounded time."""
    shared = _workload()
    expected = _results(shared)
    errors: list[BaseException] = []
    rounds = [0] * THREADS
    deadline = time.monotonic() + SECONDS

    def worker(index: int) -> None:
        own = _workload()
        try:
            while time.monotonic() < deadline:
                assert _results(shared) == expected
                assert _results(own) == expected
                rounds[index] += 1
        except BaseException as error:  # reported below, with the thread's index
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert all(count >= 1 for count in rounds), rounds
