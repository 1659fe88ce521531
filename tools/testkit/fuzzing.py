"""Hostile inputs for decode and from_json, shared by the bounded tests and the long `make fuzz` run.

Every generator takes a `random.Random`, so a run is reproducible from its
seed. The property checked for every input is `check_input`: it either decodes
(and then re-encodes, re-decodes equal and validates consistently) or raises a
`ContractError` subclass; any other exception is a defect.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import ameide_sre_contracts as sre
from ameide_sre_contracts import testing
from testkit.wire import length_delimited, tag, varint
from testkit.workspace import ENVELOPES

SEEDS: dict[str, list[bytes]] = {
    sre.topic_of(envelope_type).name: [e.SerializeToString() for e in testing.examples(envelope_type)]
    for envelope_type in ENVELOPES
}
JSON_SEEDS: dict[str, list[str]] = {
    sre.topic_of(envelope_type).name: [sre.to_json(e) for e in testing.examples(envelope_type)]
    for envelope_type in ENVELOPES
}


def random_bytes(rng: random.Random, _: bytes) -> bytes:
    return rng.randbytes(rng.randrange(0, 512))


def bit_flips(rng: random.Random, data: bytes) -> bytes:
    mutated = bytearray(data)
    for _ in range(rng.randrange(1, 9)):
        position = rng.randrange(len(mutated))
        mutated[position] ^= 1 << rng.randrange(8)
    return bytes(mutated)


def truncation(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def splice(rng: random.Random, data: bytes) -> bytes:
    other = rng.choice([seed for seeds in SEEDS.values() for seed in seeds])
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def duplicated_field(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    end = rng.randrange(start, min(len(data), start + 64) + 1)
    return data + data[start:end]


def overlong_varint(rng: random.Random, data: bytes) -> bytes:
    """Re-encode the first byte's varint with redundant continuation bytes, or append an 11-byte varint."""
    if rng.random() < 0.5:
        padding = bytes([0x80] * rng.randrange(1, 12))
        return bytes([data[0] | 0x80]) + padding[:-1] + bytes([0x00]) + data[1:]
    return data + tag(rng.randrange(1, 100), 0) + bytes([0xFF] * 10) + b"\x01"


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    """Thousands of nested groups or nested length-delimited unknown fields."""
    depth = rng.randrange(50, 5000)
    if rng.random() < 0.5:
        number = rng.randrange(100, 200)
        return data + tag(number, 3) * depth + tag(number, 4) * depth
    nested = b""
    for _ in range(min(depth, 300)):
        nested = length_delimited(1, nested)
    return data + nested


def huge_length(rng: random.Random, data: bytes) -> bytes:
    """A length prefix far beyond the input."""
    return data + tag(rng.randrange(1, 60), 2) + varint(rng.randrange(2**20, 2**62))


def random_fields(rng: random.Random, data: bytes) -> bytes:
    """Well-formed fields with random numbers and wire types, possibly colliding with known ones."""
    out = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        number = rng.choice([1, 2, 3, 10, 15, 20, 40, 51, rng.randrange(1, 2**29)])
        wire = rng.choice([0, 1, 2, 5])
        payload = {
            0: lambda: varint(rng.randrange(2**64)),
            1: lambda: rng.randbytes(8),
            2: lambda: varint(n := rng.randrange(32)) + rng.randbytes(n),
            5: lambda: rng.randbytes(4),
        }[wire]()
        out += tag(number, wire) + payload
    return bytes(out)


BINARY_MUTATORS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "random bytes": random_bytes,
    "bit flips": bit_flips,
    "truncation": truncation,
    "splice": splice,
    "duplicated field": duplicated_field,
    "overlong varint": overlong_varint,
    "deep nesting": deep_nesting,
    "huge length": huge_length,
    "random fields": random_fields,
}


def _random_json_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(8 if depth < 6 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rng.random() < 0.5
    if choice == 2:
        return rng.choice([0, -1, 2**63, 1.5, float("1e308"), rng.randrange(-(2**70), 2**70)])
    if choice in (3, 4):
        return rng.choice(["", "x" * rng.randrange(3000), "2026-03-14T09:26:53Z", "NaN", "\u0000", "😀", "1.5s"])
    if choice == 5:
        return [_random_json_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["meta", "subject", "incidentCreated", "tenantId", "occurredAt", "aggregateVersion", "fact", "x"]
    return {rng.choice(keys): _random_json_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def random_json(rng: random.Random, _: str) -> str:
    return json.dumps(_random_json_value(rng))


def mutated_json(rng: random.Random, text: str) -> str:
    """Replace one value of a valid document with a random one."""
    document = json.loads(text)
    target = document
    path: list[Any] = []
    while isinstance(target, dict) and target and rng.random() < 0.8:
        key = rng.choice(list(target))
        path.append(key)
        if not isinstance(target[key], dict):
            break
        target = target[key]
    if path:
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = _random_json_value(rng)
    return json.dumps(document)


def garbled_json(rng: random.Random, text: str) -> str:
    position = rng.randrange(len(text))
    return text[:position] + rng.choice(["", "{", "]", '"', "\\u00", "\x00"]) + text[position + rng.randrange(3) :]


JSON_MUTATORS: dict[str, Callable[[random.Random, str], str]] = {
    "random JSON": random_json,
    "mutated JSON": mutated_json,
    "garbled JSON": garbled_json,
}


def check_input(topic: str, data: bytes) -> str:
    """Decode hostile bytes under the contract's promise; return the outcome's name."""
    try:
        message = sre.decode(topic, data)
    except sre.ValidationError:
        return "invalid"
    except sre.UnknownPayloadError:
        return "newer case"
    except sre.DecodeError:
        return "malformed"
    encoded = sre.encode(message)
    assert sre.decode(topic, encoded) == message
    assert sre.violations(message) == []
    return "valid"


def check_json(topic: str, text: str) -> str:
    """Parse hostile JSON under the contract's promise; return the outcome's name."""
    try:
        message = sre.from_json(topic, text)
    except sre.ValidationError:
        return "invalid"
    except sre.DecodeError:
        return "malformed"
    assert sre.from_json(topic, sre.to_json(message)) == message
    return "valid"
