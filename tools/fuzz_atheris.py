"""Coverage-guided fuzzing of every entry point with atheris (run by `make fuzz`).

Usage: python tools/fuzz_atheris.py CORPUS_DIR -max_total_time=SECONDS [libFuzzer flags]
The corpus starts from the valid examples of every envelope and the real payloads of every adapter; the
targets are decode, from_json, every binding entry point, every adapter entry point and `ingest` of each kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import ameide_sre_contracts  # noqa: F401  (instrumented before the harness imports it)
    from testkit.attacks import ENTRIES, check_entry
    from testkit.fuzzing import JSON_SEEDS, SEEDS, check_input, check_json
    from testkit.hostile_adapters import ENTRIES as ADAPTERS
    from testkit.hostile_adapters import check_adapter_input, real_documents, to_json

TOPICS = sorted(SEEDS)


def test_one_input(data: bytes) -> None:
    if data[:1] == b"A":  # an adapter's input: the next byte picks the entry point, the rest is the payload
        entry = ADAPTERS[data[1] % len(ADAPTERS)] if len(data) > 1 else ADAPTERS[0]
        check_adapter_input(entry, data[2:])
        return
    provider = atheris.FuzzedDataProvider(data)
    topic = TOPICS[provider.ConsumeIntInRange(0, len(TOPICS) - 1)]
    target = provider.ConsumeIntInRange(0, len(ENTRIES) + 1)
    if target == 0:
        check_json(topic, provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes()))
    elif target == 1:
        check_input(topic, provider.ConsumeBytes(provider.remaining_bytes()))
    else:
        check_entry(ENTRIES[target - 2], topic, provider.ConsumeBytes(provider.remaining_bytes()))


def seed_corpus(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for index, topic in enumerate(TOPICS):
        for number, data in enumerate(SEEDS[topic]):
            (directory / f"{index}-{number}.bin").write_bytes(bytes([index, 1]) + data)
            for target in range(len(ENTRIES)):
                (directory / f"{index}-{number}-{target}.bin").write_bytes(bytes([index, target + 2]) + data)
        for number, text in enumerate(JSON_SEEDS[topic]):
            (directory / f"{index}-{number}.json").write_bytes(bytes([index, 0]) + text.encode())
    for index, entry in enumerate(ADAPTERS):
        for folder in entry.folders:
            for number, (_, document) in enumerate(real_documents(folder)):
                seed = b"A" + bytes([index]) + to_json(document)
                (directory / f"adapter-{index}-{folder}-{number}.json").write_bytes(seed)


if __name__ == "__main__":
    seed_corpus(Path(sys.argv[1]))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
