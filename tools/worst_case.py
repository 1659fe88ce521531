"""The work budget, measured: the worst input of each attack at each entry point, against the largest valid one.

Usage: python tools/worst_case.py [--out FILE.json]    (`make fuzz` folds the result into docs/reliability.md)

The baseline of an entry point and topic is the same entry point taking the
largest valid envelope of that topic (`testkit.largest`). Each hostile
input is as large as the decode limit allows (4 MiB of empty elements, a
string of 4 MiB, a JSON list of a million objects) or aimed at a boundary
(times). Each measurement runs in a fresh process, warmed up as a running
service is (protovalidate imported, the topic's rules compiled: one-time costs
that are not the input's), which prepares what the
entry point's caller holds (the record, the request, the parsed message),
then reports the call's time (best of three) and the memory it took: the
larger of its Python allocations at their peak (tracemalloc) and how far it
raised the process's peak resident size (allocations of the protobuf runtime
and protovalidate, which tracemalloc does not see). Ratios are measured in one run on one machine: they move
with its load; the bounds they show do not.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import random
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import ameide_sre_contracts as sre
from ameide_sre_contracts import testing
from ameide_sre_contracts.topics import topic_of
from testkit.attacks import BINARY_ATTACKS, ENTRIES, EXAMPLES
from testkit.budget import in_fresh_process, time_and_memory
from testkit.largest import inflate
from testkit.workspace import ROOT

SIZE = sre.DEFAULT_MAX_BYTES - 64 * 1024  # as large as decode accepts, less room for the rest of the envelope
JSON_ENTRY = "from_json"
CLI_ENTRY = "sre-contracts validate"


@functools.cache
def largest_valid(topic: str) -> bytes:
    """The encoding of the largest valid envelope of a topic this package can build (`testkit.largest.inflate`)."""
    best = b""
    for example in testing.examples(sre.envelope_type(topic)):
        message = type(example)()
        message.CopyFrom(example)
        inflate(message)
        if sre.violations(message):
            continue
        data = message.SerializeToString()
        if len(data) > len(best):  # chosen by size, not by a timing a shared machine makes noisy
            best = data
    return best


BROKEN_LARGEST = "the largest valid, its tenant emptied"


def broken_largest(rng: random.Random, examples: list[Any], size: int) -> bytes:
    """The largest valid envelope with one small rule broken: within every size rule, so protovalidate reads
    all of it (the fast path only proves messages valid; it names no violation)."""
    topic = topic_of(examples[0]).name
    broken = sre.decode(topic, largest_valid(topic), validate=False)
    broken.meta.tenant_id = ""
    return broken.SerializeToString()


def _list_field(node: Any, descriptor: Any) -> dict[str, Any] | None:
    """Mark the first list of messages below `node` (walking along the descriptors) for the hostile body."""
    if not isinstance(node, dict):
        return None
    for field in descriptor.fields:
        if field.message_type is None or field.message_type.GetOptions().map_entry:
            continue
        if field.is_repeated:
            node[field.camelcase_name] = _PLACEHOLDER
            return node
        child = node.get(field.camelcase_name)
        if child is not None and _list_field(child, field.message_type) is not None:
            return node
    return None


_PLACEHOLDER = "__hostile list__"


def hostile_json(rng: random.Random, topic: str) -> str | None:
    """An envelope's JSON with one list of messages holding as many empty objects as the limit allows."""
    for example in rng.sample(EXAMPLES[topic], len(EXAMPLES[topic])):
        document = json.loads(sre.to_json(example))
        if _list_field(document, example.DESCRIPTOR) is None:
            continue
        text = json.dumps(document)
        body = "[" + ",".join(["{}"] * ((SIZE - len(text)) // 3)) + "]"
        return text.replace(json.dumps(_PLACEHOLDER), body, 1)
    return None


def _warm(topic: str) -> None:
    """What a running service already holds: protovalidate imported and its rules for the topic compiled."""
    refused = sre.decode(topic, EXAMPLES[topic][0].SerializeToString(), validate=False)
    refused.meta.tenant_id = ""
    if not sre.violations(refused):
        raise SystemExit("the warm-up envelope should have been refused")


def measure_one(entry: str, topic: str, path: Path) -> dict[str, float]:
    """Run in a fresh process, warmed up as a service is: the input from `path` through one entry point."""
    _warm(topic)
    data = path.read_bytes()
    call: Any
    if entry == JSON_ENTRY:
        text = data.decode("utf-8")
        call = partial(_quietly, sre.from_json, topic, text)
    else:
        chosen = next(candidate for candidate in ENTRIES if candidate.name == entry)
        try:
            prepared = chosen.prepare(topic, data)
        except sre.ContractError:  # the caller could not even hold it (a parse without validation refused it)
            return {"seconds": 0.0, "extra_kib": 0.0, "input_bytes": float(len(data))}
        call = partial(_quietly, chosen.call, topic, prepared)
    _, best, extra_kib = time_and_memory(call)
    return {"seconds": best, "extra_kib": extra_kib, "input_bytes": float(len(data))}


def _quietly(function: Any, *args: Any) -> None:
    with contextlib.suppress(sre.ContractError):
        function(*args)


def _child(entry: str, topic: str, data: bytes) -> dict[str, float]:
    return in_fresh_process(__file__, [entry, topic], data)


def _cli(topic: str, data: bytes) -> dict[str, float]:
    """The whole `sre-contracts validate` process, start-up included (a CLI run is one process)."""
    command = [sys.executable, "-m", "ameide_sre_contracts.cli", "validate", "--topic", topic, "-"]
    took = min(_wall(command, data) for _ in range(3))
    return {"seconds": took, "extra_kib": 0.0, "input_bytes": float(len(data))}


def _wall(command: list[str], data: bytes) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=data, capture_output=True, check=False, timeout=900, cwd=ROOT)
    return time.perf_counter() - started


def measure(seed: int = 20261127) -> dict[str, Any]:
    rng = random.Random(seed)
    topics = sorted(EXAMPLES)
    names = [candidate.name for candidate in ENTRIES]
    baselines: dict[str, dict[str, float]] = {}
    rows = []
    for topic in topics:
        valid = largest_valid(topic)
        for entry in names:
            baselines[f"{entry} {topic}"] = _child(entry, topic, valid)
        baselines[f"{CLI_ENTRY} {topic}"] = _cli(topic, valid)
        valid_json = sre.to_json(sre.decode(topic, valid)).encode("utf-8")
        baselines[f"{JSON_ENTRY} {topic}"] = _child(JSON_ENTRY, topic, valid_json)
    for attack, build in {**BINARY_ATTACKS, BROKEN_LARGEST: broken_largest}.items():
        for topic in topics:
            data = build(rng, EXAMPLES[topic], SIZE)
            for entry in names:
                rows.append({"entry": entry, "attack": attack, "topic": topic, **_child(entry, topic, data)})
            rows.append({"entry": CLI_ENTRY, "attack": attack, "topic": topic, **_cli(topic, data)})
    for topic in topics:
        text = hostile_json(rng, topic)
        if text is not None:
            result = _child(JSON_ENTRY, topic, text.encode("utf-8"))
            rows.append({"entry": JSON_ENTRY, "attack": "empty elements en masse", "topic": topic, **result})
    return {"baselines": baselines, "rows": rows}


def table(measured: dict[str, Any]) -> list[str]:
    """docs/reliability.md's work-budget table: the worst row per entry point and attack."""
    baselines = measured["baselines"]
    worst: dict[tuple[str, str], dict[str, Any]] = {}
    for row in measured["rows"]:
        ratio = row["seconds"] / max(baselines[f"{row['entry']} {row['topic']}"]["seconds"], 1e-9)
        key = (row["entry"], row["attack"])
        if key not in worst or ratio > worst[key]["ratio"]:
            worst[key] = {**row, "ratio": ratio}
    lines = [
        "| entry point | attack | input | time | ratio to the largest valid | extra peak memory | ratio to input |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (entry, attack), row in sorted(worst.items()):
        memory = row["extra_kib"] * 1024
        memory_cell = f"{memory / 1e6:.1f} MB" if row["entry"] != CLI_ENTRY else "(process)"
        memory_ratio = f"{memory / row['input_bytes']:.1f}" if row["entry"] != CLI_ENTRY else ""
        lines.append(
            f"| {entry} | {attack} | {row['input_bytes'] / 1e6:.2f} MB | {row['seconds'] * 1000:.1f} ms | "
            f"{row['ratio']:.1f} | {memory_cell} | {memory_ratio} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=3, metavar=("ENTRY", "TOPIC", "FILE"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.measure:
        entry, topic, path = args.measure
        print(json.dumps(measure_one(entry, topic, Path(path))))
        return 0
    measured = measure()
    if args.out:
        args.out.write_text(json.dumps(measured, indent=1), encoding="utf-8")
    print("\n".join(table(measured)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
