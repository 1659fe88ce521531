"""Run the ProtoJSON differential (testkit/json_differential.py) at scale, on every core, and write docs/protojson.md.

Usage: python tools/json_differential.py [--texts N] [--out FILE]    (`make fuzz` runs it at 1,000,000 texts)

The corpus is every example of the three envelopes and what the adapters make
of every real fixture, each in several spellings, with rule-aimed mutants
until N texts are read; message-level mutants go through the writers beside
them. The run fails (exit 1) on any disagreement.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from google.protobuf import __version__ as protobuf_version

from testkit import json_differential as differential
from testkit.workspace import ROOT

SPELLINGS_PER_MESSAGE = 5  # the two json_format spellings and three mixed ones, before any mutant


@functools.cache
def _corpus() -> list[Any]:
    from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
    from ameide_core_proto.sre.process.v1 import process_facts_pb2
    from ameide_sre_contracts import testing

    envelopes = (intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact, process_facts_pb2.SreProcessFact)
    return [example for envelope in envelopes for example in testing.examples(envelope)] + (
        differential.fixture_messages()
    )


def _job(job: tuple[int, int, int, int]) -> differential.Tally:
    start, stop, mutants, seed = job
    from testkit.mutants import mutant

    return differential.run(_corpus()[start:stop], mutants_per_message=mutants, seed=seed, message_mutants=mutant)


def run(texts: int) -> tuple[differential.Tally, int, float]:
    corpus = len(_corpus())
    mutants = max(1, texts // corpus - SPELLINGS_PER_MESSAGE)
    step = max(1, corpus // (4 * (os.cpu_count() or 1)))
    jobs = [(start, min(start + step, corpus), mutants, 20261204 + start) for start in range(0, corpus, step)]
    began = time.perf_counter()
    total = differential.Tally()
    with multiprocessing.Pool() as pool:
        for tally in pool.imap_unordered(_job, jobs):
            total.add(tally)
    return total, corpus, time.perf_counter() - began


def render(tally: differential.Tally, corpus: int, seconds: float) -> str:
    accepted = tally.read_fast + tally.read_fallback
    rate = tally.read_fallback / accepted if accepted else 0.0
    return "\n".join(
        [
            "# ProtoJSON: the generated reader and writer against the strict reader and json_format",
            "",
            f"Written by `make fuzz` (tools/json_differential.py) on CPython {platform.python_version()}, protobuf "
            f"{protobuf_version}, in {seconds:.0f} s on {os.cpu_count()} cores.",
            "",
            f"The corpus: {corpus} messages (every example of the three envelopes, and every intent or fleet state the "
            "adapters make of the real fixtures in tests/fixtures/real/), each in the two spellings json_format "
            "writes and three mixed ones (proto and JSON names per field, enums by name or number, 64-bit integers "
            "as strings or numbers, doubles as strings), then rule-aimed mutants of those "
            "(testkit/json_differential.py `mutate`: values past each reading rule, a field under both names, a "
            "second oneof case, unknown and extension keys, containers past their bounds, a key given twice, a BOM, "
            "text or bytes), read with and without `ignore_unknown_fields` and validation; message-level mutants "
            "(testkit/mutants.py) through both writers.",
            "",
            "| | count |",
            "|---|---:|",
            f"| JSON texts read | {tally.texts:,} |",
            f"| built by the generated reader (the strict reader agreed, message for message) | {tally.read_fast:,} |",
            f"| accepted only by the strict reader (fallbacks) | {tally.read_fallback:,} ({rate:.3%} of accepted) |",
            f"| refused by both | {tally.refused:,} |",
            f"| messages written | {tally.messages_written:,} |",
            f"| refused by json_format and handed over by the writer | {tally.write_refused:,} |",
            f"| written by json_format only (writer fallbacks) | {tally.write_fallback:,} |",
            f"| **disagreements** | **{tally.defects}** |",
            "",
            "A disagreement is a text the generated reader builds into a message the strict reader does not build "
            "(or builds differently), a `from_json` verdict (message, or error class and text) other than the "
            "strict reader's, or a text the writer writes other than `MessageToJson(indent=None)`'s. The fallbacks "
            "are texts the generated reader hands over although the strict reader accepts them. Without "
            "validation it still refuses a list or map past its bound, which json_format then builds; the first "
            "few, cut at 160 characters:",
            "",
            *[f"- `{example}`" for example in tally.fallbacks],
            "",
        ]
        + ([f"- {example}" for example in tally.examples] + [""] if tally.examples else [])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "protojson.md")
    args = parser.parse_args()
    tally, corpus, seconds = run(args.texts)
    args.out.write_text(render(tally, corpus, seconds), encoding="utf-8")
    print(f"{tally.texts:,} texts, {tally.defects} disagreements, {tally.read_fallback} fallbacks; wrote {args.out}")
    return 1 if tally.defects else 0


if __name__ == "__main__":
    sys.exit(main())
