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
import contextlib
import importlib
import itertools
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
PARSE = "parse (FromString)"
SERIALIZE = "serialize (SerializeToString)"
DECODE = "decode(validate=True)"
ENCODE = "encode(validate=True)"
CHECK = "generated check alone"
BEFORE = "before: parse + protovalidate, envelope rules not in CEL"
BEFORE_ENCODE = "before: protovalidate, envelope rules not in CEL + serialize"
PROTOVALIDATE = "parse + protovalidate 2.x validate (envelope rules in CEL)"
PYDANTIC = "pydantic model_validate_json (JSON bytes)"
MSGSPEC = "msgspec json.decode (JSON bytes)"
ORDER = [
    PARSE,
    SERIALIZE,
    DECODE,
    ENCODE,
    CHECK,
    "decode(validate=False)",
    BEFORE,
    BEFORE_ENCODE,
    PROTOVALIDATE,
    PYDANTIC,
    MSGSPEC,
    "from_kafka",
    "from_http",
    "to_kafka",
    "from_json",
    "json.loads (the same text)",
    "to_json",
    "json.dumps (the dict to_json writes)",
]
LOADS = "json.loads (the same text)"
DUMPS = "json.dumps (the dict to_json writes)"


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


def without_envelope_rules(envelope_type: Any) -> Any:
    """The envelope type as the previous release declared it: the same fields and field rules, without the
    message-level CEL that ties the subject to the payload (that release checked it in Python, in 1 to 2 us).
    Built in a pool of its own from the contract's descriptors."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    from ameide_core_proto.sre import _buf_validate_pb2

    pool = descriptor_pool.DescriptorPool()
    done: set[str] = set()

    def add(file: Any) -> None:
        if file.name in done:
            return
        for dependency in file.dependencies:
            add(dependency)
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        for message in proto.message_type:
            if message.name == envelope_type.DESCRIPTOR.name:
                message.options.ClearExtension(_buf_validate_pb2.message)
        pool.Add(proto)
        done.add(file.name)

    add(envelope_type.DESCRIPTOR.file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(envelope_type.DESCRIPTOR.full_name))


def variants(envelope: Any, count: int) -> list[Any]:
    """`count` copies of `envelope` as a stream carries them: each its own message id, causation id, trace
    context and time (the aggregate and its version stay, so each stays valid)."""
    import random
    import uuid

    rng = random.Random(7)
    stream = []
    for index in range(count):
        copy = type(envelope)()
        copy.CopyFrom(envelope)
        meta = copy.meta
        meta.message_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if meta.causation_id:
            meta.causation_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if meta.traceparent:
            meta.traceparent = f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64) | 1:016x}-01"
        meta.occurred_at.seconds += index * 7
        meta.occurred_at.nanos = rng.randrange(1_000_000_000)
        stream.append(copy)
    return stream


def measure(
    envelope: Any,
    validator: Any,
    v1: tuple[Any, str] | None,
    competitors: dict[str, Any],
    *,
    quick: bool,
) -> dict[str, Any]:
    """Per-call times of every operation on one envelope, ours and the alternatives'."""
    import json

    from google.protobuf import json_format

    import ameide_sre_contracts as sre
    from ameide_core_proto.sre._fastpath import CHECKS
    from ameide_sre_contracts import cloudevents, kafka

    envelope_type = type(envelope)
    topic = sre.topic_of(envelope)
    case = envelope.WhichOneof(topic.oneof) or ""
    # A stream, not one message again and again: ids, trace context and times differ per message, as they do
    # on a topic (a cache keyed by value would otherwise flatter whoever has one).
    stream = variants(envelope, 64 if quick else 512)
    encoded = [message.SerializeToString() for message in stream]
    texts = [sre.to_json(message) for message in stream]
    dicts = [json_format.MessageToDict(message) for message in stream]
    records = [kafka.to_kafka(message) for message in stream]
    requests = [cloudevents.to_http(message) for message in stream]
    as_json = [
        json.dumps(json_format.MessageToDict(message, preserving_proto_field_name=True)).encode() for message in stream
    ]
    check = CHECKS[envelope.DESCRIPTOR.full_name]
    assert all(check(m, len(d)) for m, d in zip(stream, encoded, strict=True)), "every message must be proven valid"
    previous = without_envelope_rules(envelope_type)
    previous_stream = [previous.FromString(data) for data in encoded]
    assert not validator.collect_violations(previous_stream[0])
    data = encoded[0]
    turn = itertools.count()

    def at(items: list[Any]) -> Any:
        return items[next(turn) % len(items)]

    def before() -> object:  # the previous release's decode, its Python envelope rules aside
        parsed = previous.FromString(at(encoded))
        validator.validate(parsed)
        return parsed

    def before_encode() -> object:
        message = at(previous_stream)
        validator.validate(message)
        return message.SerializeToString()

    def from_kafka() -> object:
        record = at(records)
        return kafka.from_kafka(record.topic, record.key, record.value, record.headers)

    def from_http() -> object:
        headers, body = at(requests)
        return cloudevents.from_http(headers, body)

    def checked() -> object:
        index = next(turn) % len(stream)
        return check(stream[index], len(encoded[index]))

    row: dict[str, Any] = {"bytes": len(data)}
    timed: dict[str, Callable[[], object]] = {
        PARSE: lambda: envelope_type.FromString(at(encoded)),
        SERIALIZE: lambda: at(stream).SerializeToString(),
        DECODE: lambda: sre.decode(topic, at(encoded)),
        ENCODE: lambda: sre.encode(at(stream)),
        CHECK: checked,
        "decode(validate=False)": lambda: sre.decode(topic, at(encoded), validate=False),
        BEFORE: before,
        BEFORE_ENCODE: before_encode,
        PROTOVALIDATE: lambda: validator.validate(envelope_type.FromString(at(encoded))),
        "from_json": lambda: sre.from_json(topic, at(texts)),
        "to_json": lambda: sre.to_json(at(stream)),
        LOADS: lambda: json.loads(at(texts)),
        DUMPS: lambda: json.dumps(at(dicts)),
        "to_kafka": lambda: kafka.to_kafka(at(stream)),
        "from_kafka": from_kafka,
        "from_http": from_http,
    }
    if v1 is not None:
        try:
            v1[0].validate(envelope)
            timed[f"protovalidate {v1[1]} validate"] = lambda: v1[0].validate(envelope)
        except Exception as error:  # reported: a competitor that cannot validate this message
            row["protovalidate 1.x"] = f"fails: {type(error).__name__}: {error}"[:160]
    if "pydantic" in competitors and case in competitors["pydantic"]:
        model = competitors["pydantic"][case]
        for document in as_json:
            model.model_validate_json(document)
        timed[PYDANTIC] = lambda: model.model_validate_json(at(as_json))
    if "msgspec" in competitors and case in competitors["msgspec"]:
        import msgspec

        struct = competitors["msgspec"][case]
        for document in as_json:
            msgspec.json.decode(document, type=struct, strict=False)
        timed[MSGSPEC] = lambda: msgspec.json.decode(at(as_json), type=struct, strict=False)
    row["json bytes"] = len(as_json[0])
    row.update(per_call(timed, quick=quick))
    return row


def structured_at_the_cap(*, quick: bool) -> dict[str, tuple[int, float, int, float]]:
    """Per topic: a structured event of 4 MiB of empty elements (what the size cap lets in) and the largest valid
    structured event, through `from_kafka`: (bytes, seconds) of each, the best of a few calls."""
    import random

    from ameide_sre_contracts import ContractError, decode, kafka
    from testkit.attacks import BINARY_ATTACKS, EXAMPLES, _structured
    from worst_case import SIZE, largest_valid

    structured = [("content-type", b"application/cloudevents+json")]

    def best(topic: str, value: bytes) -> float:
        times = []
        for _ in range(2 if quick else 7):
            started = time.perf_counter()
            with contextlib.suppress(ContractError):
                kafka.from_kafka(topic, None, value, structured)
            times.append(time.perf_counter() - started)
        return min(times)

    found = {}
    for topic in EXAMPLES:
        envelope: Any = decode(topic, largest_valid(topic))
        valid = kafka.to_kafka(envelope, mode="structured").value
        hostile = _structured(topic, BINARY_ATTACKS["empty elements en masse"](random.Random(7), EXAMPLES[topic], SIZE))
        found[topic] = (len(hostile), best(topic, hostile), len(valid), best(topic, valid))
    return found


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

    competitors: dict[str, Any] = {}
    versions: dict[str, str] = {}
    try:
        import pydantic

        from bench_pydantic import MODELS

        competitors["pydantic"], versions["pydantic"] = MODELS, pydantic.VERSION
    except ImportError:
        pass
    try:
        import msgspec

        from bench_msgspec import STRUCTS

        competitors["msgspec"], versions["msgspec"] = STRUCTS, msgspec.__version__
    except ImportError:
        pass

    large = testing.example_envelope(facts_pb2.IncidentCreated(incident=_incident.incident(resources=20, timeline=20)))
    cases = {
        "small fact (IncidentClosed)": testing.examples(facts_pb2.SreDomainFact)[5],
        "large fact (IncidentCreated: 20 resources, 20 timeline entries)": large,
        "process fact (BacklogLookupCompleted)": testing.examples(process_facts_pb2.SreProcessFact)[1],
    }
    validator = protovalidate.Validator()
    results = {}
    for label, envelope in cases.items():
        results[label] = measure(envelope, validator, v1, competitors, quick=args.quick)
        print(f"{label}: {len(results[label]) - 2} measurements", file=sys.stderr)

    baseline_import = import_seconds("import google.protobuf.message, protovalidate", quick=args.quick)
    ours_import = import_seconds("import ameide_sre_contracts", quick=args.quick)
    count = 2_000 if args.quick else 100_000
    memory = {mode: memory_kib(mode, count) for mode in ("ours", "protovalidate", "bare")}
    capped = structured_at_the_cap(quick=args.quick)
    args.out.write_text(
        render(results, v1, versions, (ours_import, baseline_import), memory, count, args.quick, capped),
        encoding="utf-8",
    )
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


# The targets `make bench` reports against, per envelope (label prefix): small fact, large fact, process fact.
DECODE_TARGET = {"small": 12.0, "large": 15.0, "process": 12.0}


def render(
    results: dict[str, dict[str, Any]],
    v1: tuple[Any, str] | None,
    versions: dict[str, str],
    imports: tuple[float, float],
    memory: dict[str, int],
    count: int,
    quick: bool,
    capped: dict[str, tuple[int, float, int, float]],
) -> str:
    measured = {name for row in results.values() for name in row if isinstance(row[name], float)}
    names = sorted(measured, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    competitors = ", ".join(f"{name} {version}" for name, version in versions.items())
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (tools/bench.py){' in quick mode: too few iterations to trust' if quick else ''} "
        f"on {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, one process, "
        "one run; each time is the fastest of interleaved rounds after a warm-up, so ratios compare like with like "
        f"on a shared machine. Times are microseconds per message. Competitors: {competitors or 'none installed'}; "
        "they validate the envelope's JSON (field names as in the proto) against models with the same bounds and "
        "patterns (tools/bench_pydantic.py, and tools/bench_msgspec.py derived from it), which check less than the "
        "contract: no UUID formats, no CEL rules beyond an incident's times.",
        "",
        "| | " + " | ".join(results) + " |",
        "|---|" + "---:|" * len(results),
        "| encoded size (bytes) | " + " | ".join(f"{row['bytes']:,}" for row in results.values()) + " |",
        "| JSON size (bytes) | " + " | ".join(f"{row['json bytes']:,}" for row in results.values()) + " |",
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
    verdicts: list[bool] = []

    def ratio(label: str, target: str, function: Callable[[str, dict[str, Any]], float | None]) -> None:
        values = []
        for case, row in results.items():
            try:
                value = function(case, row)
            except KeyError:
                value = None
            values.append("n/a" if value is None else f"{value:.2f}")
        lines.append(f"| {label} | {target} | " + " | ".join(values) + " |")

    def at_most(case: str, value: float, limits: dict[str, float]) -> float:
        verdicts.append(value <= limits[case.split()[0]])
        return value

    def at_least(value: float, limit: float) -> float:
        verdicts.append(value >= limit)
        return value

    ratio(
        "decode(validate=True) ÷ bare parse",
        "≤ 12 / 15 / 12",
        lambda c, r: at_most(c, r[DECODE] / r[PARSE], DECODE_TARGET),
    )
    ratio(
        "encode(validate=True) ÷ bare serialize",
        "≤ 12 / 15 / 12",
        lambda c, r: at_most(c, r[ENCODE] / r[SERIALIZE], DECODE_TARGET),
    )
    ratio(
        "the previous release's decode work ÷ decode",
        "≥ 2",
        lambda c, r: at_least(r[BEFORE] / r[DECODE], 2.0),
    )
    ratio(
        "the previous release's encode work ÷ encode",
        "≥ 2",
        lambda c, r: at_least(r[BEFORE_ENCODE] / r[ENCODE], 2.0),
    )
    ratio(
        "from_kafka ÷ decode",
        "≤ 1.3 (small)",
        lambda c, r: at_most(c, r["from_kafka"] / r[DECODE], {"small": 1.3, "large": 99.0, "process": 99.0}),
    )
    ratio("from_http ÷ decode", "", lambda c, r: r["from_http"] / r[DECODE])
    json_limits = {"small": 3.0, "large": 3.0, "process": 99.0}
    ratio(
        "from_json(validate=True) ÷ pydantic model_validate_json",
        "≤ 3 (small, large)",
        lambda c, r: at_most(c, r["from_json"] / r[PYDANTIC], json_limits),
    )
    ratio(
        "from_json(validate=True) ÷ json.loads",
        "≤ 6 (small, large)",
        lambda c, r: at_most(c, r["from_json"] / r[LOADS], {"small": 6.0, "large": 6.0, "process": 99.0}),
    )
    ratio(
        "to_json ÷ json.dumps",
        "≤ 3",
        lambda c, r: at_most(c, r["to_json"] / r[DUMPS], {"small": 3.0, "large": 3.0, "process": 3.0}),
    )
    ratio("generated check alone ÷ bare parse", "", lambda c, r: r[CHECK] / r[PARSE])
    ratio("protovalidate 2.x (parse + validate) ÷ decode", "", lambda c, r: r[PROTOVALIDATE] / r[DECODE])
    ratio("pydantic model_validate_json ÷ bare parse", "", lambda c, r: r[PYDANTIC] / r[PARSE])
    ratio("msgspec json.decode ÷ bare parse", "", lambda c, r: r[MSGSPEC] / r[PARSE])
    v1_name = f"protovalidate {v1[1]} validate" if v1 else None
    ratio(
        "protovalidate 1.x validate ÷ decode",
        "",
        lambda c, r: r[v1_name] / r[DECODE] if v1_name and v1_name in r else None,
    )
    ratio("decode(validate=False) ÷ bare parse", "", lambda c, r: r["decode(validate=False)"] / r[PARSE])
    throughput = " | ".join(f"{1 / row[DECODE]:,.0f}" for row in results.values())
    lines += [f"| validated messages per second per core (decode) | | {throughput} |", ""]
    ours_import, baseline_import = imports
    import_ratio = ours_import / baseline_import
    memory_ratio = memory["ours"] / max(memory["bare"], 1)
    verdicts += [import_ratio <= 1.0, memory_ratio <= 1.1]
    lines += [
        f"- Cold import of `ameide_sre_contracts` in a fresh interpreter: {ours_import * 1000:.0f} ms, against "
        f"{baseline_import * 1000:.0f} ms for `google.protobuf` + `protovalidate`: **{import_ratio:.2f}x** "
        "(target ≤ 1.0). protovalidate is imported on the first message the fast path cannot prove valid.",
        f"- Peak memory growth decoding {count:,} small facts kept in a list: {memory['ours']:,} KiB with `decode`, "
        f"{memory['bare']:,} KiB with bare `FromString`: **{memory_ratio:.2f}x** (target ≤ 1.1); bare `FromString` "
        f"then protovalidate's `validate` on each: {memory['protovalidate']:,} KiB "
        f"({memory['protovalidate'] / max(memory['bare'], 1):.2f}x): protovalidate keeps state alive with each "
        "message it validated, the fast path keeps nothing.",
    ]
    worst = max(hostile / valid for _, hostile, _, valid in capped.values())
    verdicts.append(worst <= 10.0)
    lines += [
        "- `from_kafka` in structured mode on an event of 4 MiB of empty elements (the most the size cap lets in), "
        "against the largest valid structured event of the same topic (`testkit.largest.inflate`): "
        + "; ".join(
            f"{topic} {hostile_bytes / 1e6:.1f} MB in {hostile * 1e3:.2f} ms, against {valid_bytes / 1e6:.2f} MB in "
            f"{valid * 1e3:.2f} ms"
            for topic, (hostile_bytes, hostile, valid_bytes, valid) in capped.items()
        )
        + f": at worst **{worst:.2f}x** (target ≤ 10). Validating, `from_kafka` refuses an event larger than a valid "
        "envelope of the topic makes before reading it (`_binding.largest_structured`).",
        "",
        f"Targets met in this run: {sum(verdicts)} of {len(verdicts)}.",
    ]
    absent = []
    if v1 is None:
        absent.append("protovalidate 1.x is not installed (`make bench` installs it into build/bench/pv1)")
    for name in ("pydantic", "msgspec"):
        if name not in versions:
            absent.append(f"{name} is not installed (requirements/dev.txt)")
    lines += ["", *(f"- Absent: {reason}." for reason in absent)] if absent else []
    failures = {label: row[k] for label, row in results.items() for k in row if k == "protovalidate 1.x"}
    lines += [f"- protovalidate 1.x on {label}: {text}" for label, text in failures.items()]
    notes = ROOT / "docs" / "benchmarks-notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(main())
