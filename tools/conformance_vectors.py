"""Write conformance/vectors.jsonl: the contract's rules as bytes and verdicts any language can check.

Usage: python tools/conformance_vectors.py [--check]   (`make generate` writes it; `--check` fails when it is stale)

Vectors, one JSON object per line (conformance/README.md documents the format):
every example envelope (valid, with its ProtoJSON text), then for each envelope
type the rule-aimed mutants of tools/testkit/mutants.py (seeded, so the file is
the same on every machine) that break a rule no earlier vector of that type
broke, and a few more per example. The expected verdict is plain
protovalidate's, which reads only what the `.proto` declares; where this
package refuses more (the checks its precheck adds), the vector says so under
`package`.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import sys
from typing import Any

from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing, validation
from testkit.mutants import mutant
from testkit.workspace import ROOT

OUT = ROOT / "conformance" / "vectors.jsonl"
ENVELOPES = (intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact, process_facts_pb2.SreProcessFact)
TRIES_PER_EXAMPLE = 400
KEPT_PER_EXAMPLE = 2  # besides those that break a rule not yet broken
_SUBSCRIPT = re.compile(r"\[[^\]]*\]")


def _verdict(found: list[sre.Violation]) -> list[list[str]]:
    return sorted([violation.field_path, violation.rule_id] for violation in found)


def _oracle(message: Message) -> list[sre.Violation] | None:
    """Every violation plain protovalidate reports (none cut off); None when it cannot evaluate a rule."""
    import protovalidate

    try:
        return validation.protovalidate_violations(message)
    except (protovalidate.EvaluationError, protovalidate.CompilationError, ValueError):
        return None  # no verdict to hold other languages to


def _vector(identifier: str, message: Message, *, with_json: bool) -> dict[str, Any] | None:
    found = _oracle(message)
    if found is None:
        return None
    vector: dict[str, Any] = {
        "id": identifier,
        "type": message.DESCRIPTOR.full_name,
        "binary": base64.b64encode(message.SerializeToString(deterministic=True)).decode(),
        "valid": not found,
        "violations": _verdict(found),
    }
    if with_json:
        # ProtoJSON with every object's keys sorted: a map's order is not the same from one process to the next
        vector["json"] = json.dumps(json.loads(sre.to_json(message)), sort_keys=True, ensure_ascii=False)
    package = _verdict(sre.violations(message))
    if package != vector["violations"]:
        vector["package"] = {"valid": not package, "violations": package}
    return vector


def _refused_json(name: str, example: Message) -> list[dict[str, Any]]:
    """ProtoJSON this package refuses on purpose, each built from a valid example's text."""
    text = sre.to_json(example)
    document = json.loads(text)
    meta = document["meta"]
    case = next(key for key in document if key not in ("meta", "subject"))
    snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), case)
    texts = {
        "a key given twice": text[:-1] + ', "meta": ' + json.dumps(meta) + "}",
        "a field under both its names": text[:-1] + f', "{snake}": {{}}' + "}",
        "a time offset past 23:59": text.replace(json.dumps(meta["occurredAt"]), '"2026-03-14T09:27:13+24:00"'),
        "a lone surrogate": text.replace(json.dumps(meta["tenantId"]), '"tenant-\\ud800"'),
        "an unknown field": text[:-1] + ', "notAField": 1}',
    }
    return [
        {"id": f"{name}/json-refused/{index}", "type": example.DESCRIPTOR.full_name, "refused_json": bad, "why": why}
        for index, (why, bad) in enumerate(texts.items())
    ]


def _wrong_wire_type(name: str, example: Message) -> dict[str, Any] | None:
    """The example with field 1 (the metadata, length-delimited) sent again as a varint: a known field of the
    wrong wire type, which upb keeps as an unknown field and some runtimes refuse."""
    data = example.SerializeToString(deterministic=True) + b"\x08\x01"
    parsed = type(example).FromString(data)
    vector = _vector(f"{name}/wire/wrong-wire-type", parsed, with_json=False)
    if vector is not None:
        vector["binary"] = base64.b64encode(data).decode()
        vector["wire"] = "a known field with the wrong wire type"
    return vector


def vectors() -> list[dict[str, Any]]:
    """Every vector, in file order."""
    found: list[dict[str, Any]] = []
    for envelope_type in ENVELOPES:
        name = envelope_type.DESCRIPTOR.name
        examples = testing.examples(envelope_type)
        for index, example in enumerate(examples):
            vector = _vector(f"{name}/example/{index}", example, with_json=True)
            if vector is not None:
                found.append(vector)
        found += _refused_json(name, examples[0])
        wire = _wrong_wire_type(name, examples[0])
        if wire is not None:
            found.append(wire)
        broken: set[tuple[str, str]] = set()  # (field path without subscripts, rule id): a declared rule, broken
        for index, example in enumerate(examples):
            rng = random.Random(f"conformance/{name}/{index}")
            kept = 0
            for attempt in range(TRIES_PER_EXAMPLE):
                candidate = mutant(rng, example)
                vector = _vector(f"{name}/mutant/{index}/{attempt}", candidate, with_json=False)
                if vector is None or vector["valid"]:
                    continue
                rules = {(_SUBSCRIPT.sub("[]", path), rule) for path, rule in vector["violations"]}
                if rules - broken or kept < KEPT_PER_EXAMPLE:
                    kept += not (rules - broken)
                    broken |= rules
                    found.append(vector)
    return found


def render() -> str:
    return "".join(json.dumps(vector, sort_keys=True, ensure_ascii=False) + "\n" for vector in vectors())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed vectors are stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run `make generate`", file=sys.stderr)
            return 1
        print("conformance vectors are up to date")
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    lines = text.count("\n")
    print(f"wrote {lines} vectors to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
