"""Measure the contract's reliability figures and write docs/reliability.md.

Usage: python tools/reliability_report.py [--seconds N] [--atheris-seconds M] [--out docs/reliability.md]

Runs: time-bounded fuzzing of decode and from_json with every mutator in
testkit/fuzzing.py, and of every entry point with the rule-aimed inputs of
testkit/attacks.py; the work budget of the worst input per entry point
(tools/worst_case.py, in fresh processes); the schema evolution gate over
every change in testkit/evolution.py; the forward-compatibility round trip
of every example through a newer contract; the size bounds of every
envelope; a threaded run; the generated validation fast path against
protovalidate on --mutants rule-aimed mutants per envelope type
(testkit/mutants.py, on every core); and, with --atheris-seconds, a
coverage-guided atheris run over every entry point.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import ameide_sre_contracts as sre
from adapter_worst_case import measure as measure_adapter_work
from adapter_worst_case import table as adapter_work_table
from ameide_sre_contracts import kafka, testing
from ameide_sre_contracts.adapters._json import BYTES_PER_CONTAINER, BYTES_PER_YAML_VALUE
from ameide_sre_contracts.adapters._yaml import MAX_INTEGER_DIGITS
from ameide_sre_contracts.sizes import max_encoded_size
from testkit import newer_contract
from testkit.attacks import BINARY_ATTACKS, ENTRIES, EXAMPLES, alias_keys, check_entry, header_variants
from testkit.evolution import CHANGES, apply_and_check
from testkit.fuzzing import BINARY_MUTATORS, JSON_MUTATORS, JSON_SEEDS, SEEDS, check_input, check_json
from testkit.hostile_adapters import ENTRIES as ADAPTER_ENTRIES
from testkit.hostile_adapters import (
    HOSTILE_VALUES,
    INTENT_OVERHEAD,
    OUTPUT_FACTOR,
    check_adapter_input,
    mutants,
    real_documents,
    yaml_attacks,
)
from testkit.mutants import Outcome
from testkit.mutants import differential as run_differential
from testkit.workspace import ROOT
from worst_case import measure as measure_work
from worst_case import table as work_table

OUTCOMES = ("valid", "invalid", "newer case", "malformed")


def fuzz(seconds: float, seed: int = 20261126) -> dict[str, object]:
    rng = random.Random(seed)
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    crashes: list[str] = []
    slowest = 0.0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    deadline = time.monotonic() + seconds
    topics = sorted(SEEDS)
    while time.monotonic() < deadline:
        topic = rng.choice(topics)
        binary = rng.random() < 0.7
        name = rng.choice(sorted(BINARY_MUTATORS if binary else JSON_MUTATORS))
        started = time.perf_counter()
        try:
            if binary:
                data = rng.choice(SEEDS[topic])
                for _ in range(rng.randrange(1, 4)):
                    data = BINARY_MUTATORS[name](rng, data) or b"\x00"
                outcome = check_input(topic, data)
            else:
                outcome = check_json(topic, JSON_MUTATORS[name](rng, rng.choice(JSON_SEEDS[topic])))
        except Exception as error:  # a crash: anything outside the contract's promise
            outcome = "crash"
            crashes.append(f"{name}: {error!r}"[:300])
        slowest = max(slowest, time.perf_counter() - started)
        counts[name][outcome] += 1
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "counts": counts,
        "crashes": crashes,
        "slowest_ms": slowest * 1000,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
        "seconds": seconds,
    }


def aimed(seconds: float, seed: int = 20261127) -> dict[str, object]:
    """Rule-aimed inputs at every entry point: counts per attack and entry, and what escaped (nothing may)."""
    rng = random.Random(seed)
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    crashes: list[str] = []
    deadline = time.monotonic() + seconds
    topics = sorted(EXAMPLES)
    record = kafka.to_kafka(EXAMPLES[sre.DOMAIN_FACTS_TOPIC][0])  # type: ignore[type-var]
    while time.monotonic() < deadline:
        topic = rng.choice(topics)
        kind = rng.random()
        try:
            if kind < 0.8:
                attack = rng.choice(sorted(BINARY_ATTACKS))
                data = BINARY_ATTACKS[attack](rng, EXAMPLES[topic], rng.choice([1024, 64 * 1024, 1024 * 1024]))
                entry = rng.choice(ENTRIES)
                name = f"{attack} → {entry.name}"
                counts[name][check_entry(entry, topic, data)] += 1
            elif kind < 0.9:
                name = "alias keys → from_json"
                try:
                    sre.from_json(topic, alias_keys(rng, rng.choice(EXAMPLES[topic])))
                    counts[name]["accepted"] += 1
                except sre.ContractError as error:
                    counts[name][type(error).__name__] += 1
            else:
                name = "header variants → from_kafka"
                try:
                    kafka.from_kafka(record.topic, record.key, record.value, header_variants(rng, record))
                    counts[name]["accepted"] += 1
                except sre.ContractError as error:
                    counts[name][type(error).__name__] += 1
        except Exception as error:  # a crash: anything outside the contract's promise
            crashes.append(f"{error!r}"[:300])
            counts["crash"]["crash"] += 1
    return {"counts": counts, "crashes": crashes, "seconds": seconds}


def adapters_hostile() -> dict[str, object]:
    """Every value of every real payload replaced by every hostile value, and every YAML attack, at every
    adapter entry point and `ingest`: outcomes per entry point, and what broke the promise (nothing may)."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    broken: list[str] = []
    started = time.monotonic()
    slowest = 0.0
    for entry in ADAPTER_ENTRIES:
        for folder in entry.folders:
            for name, document in real_documents(folder):
                yaml_cases = yaml_attacks(document) if entry.name.startswith("ingest ") else iter(())
                for what, data in [*mutants(document), *yaml_cases]:
                    began = time.perf_counter()
                    try:
                        counts[entry.name][check_adapter_input(entry, data)] += 1
                    except Exception as error:  # anything outside the promise: an escape or an output too large
                        counts[entry.name]["broken"] += 1
                        broken.append(f"{entry.name} {name} {what}: {error!r}"[:300])
                    slowest = max(slowest, time.perf_counter() - began)
    yaml_per_payload = len(list(yaml_attacks({"kind": "Event"})))
    return {
        "counts": counts,
        "broken": broken,
        "seconds": time.monotonic() - started,
        "slowest_ms": slowest * 1000,
        "yaml_per_payload": yaml_per_payload,
    }


def render_adapters(hostile: dict[str, object], work: dict[str, object]) -> list[str]:
    """The adapters' sections of docs/reliability.md."""
    counts: dict[str, collections.Counter[str]] = hostile["counts"]  # type: ignore[assignment]
    broken: list[str] = hostile["broken"]  # type: ignore[assignment]
    total = sum(sum(row.values()) for row in counts.values())
    lines = [
        "## Adapters: hostile payloads",
        "",
        f"Every value of every real payload in tests/fixtures/real/ replaced in turn by each of "
        f"{len(HOSTILE_VALUES)} hostile values (wrong types, integers past every field type's range, `1e400`, "
        "`NaN`, lone surrogates, terminal escapes, bidi overrides, 70,000-character strings, impossible dates, "
        "nested containers; tools/testkit/hostile_adapters.py), and, through `ingest`, "
        f"{hostile['yaml_per_payload']} YAML attacks per "
        "payload (alias bombs, recursive and merge aliases, tags outside the core schema, non-string and "
        "repeated keys, 5,000-digit integers, nesting past the limit, a million documents): "
        f"{total:,} inputs in {hostile['seconds']:.0f} s, slowest {hostile['slowest_ms']:.0f} ms. Each ended as "
        f"intents within {OUTPUT_FACTOR}x the input plus {INTENT_OVERHEAD:,} bytes per intent, or as a "
        "`ContractError` whose text is one printable "
        f"bounded line. **Broken: {len(broken)}.**",
        "",
        "| entry point | inputs | intents | AdapterInputError | broken |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in sorted(counts):
        row = counts[name]
        lines.append(
            f"| {name} | {sum(row.values()):,} | {row['intents']:,} | {row['AdapterInputError']:,} | {row['broken']} |"
        )
    lines += ["", *(f"- broken: `{item}`" for item in broken[:20])]
    lines += [
        "",
        "## Adapters: work budget",
        "",
        "The worst input found at each adapter entry point and CLI command, against the largest valid input of "
        "the same entry point (tools/adapter_worst_case.py, whose description lists the inputs tried; each in a "
        "fresh process, time best of three, memory the peak above what the process held before the call; CLI "
        "commands as whole processes, start-up included, memory their peak resident size). Target: at most 10x.",
        "",
        *adapter_work_table(work),
        "",
        "What keeps the rows low: input is capped by its UTF-8 size whether given as bytes or text; text dense "
        "with values is refused before anything is built (JSON opening more than one object or array per "
        f"{BYTES_PER_CONTAINER} bytes of the bound, YAML of more values than one per {BYTES_PER_YAML_VALUE}); "
        "YAML is built from the parser's events with no node graph and no alias; integers are read only up to "
        f"{MAX_INTEGER_DIGITS} digits; the notification context travels once per webhook, not once per alert. "
        "Hostile inputs refused early show ratios below 1. A CLI row's memory is the whole process's peak, "
        "start-up included, so it moves little with the input.",
        "",
    ]
    return lines


def evolution() -> list[tuple[str, bool, bool]]:
    results = []
    for change in CHANGES:
        with tempfile.TemporaryDirectory() as directory:
            refused, _ = apply_and_check(change, Path(directory))
        results.append((change.kind, change.breaking, refused))
    return results


def forward_compatibility() -> dict[str, int]:
    newer = newer_contract.build()
    figures = collections.Counter[str]()
    for topic in sre.TOPICS.values():
        for example in testing.examples(topic.envelope_type):
            message = newer[example.DESCRIPTOR.full_name].FromString(example.SerializeToString())
            message.meta.region = "eu-central"  # type: ignore[attr-defined]
            case = message.WhichOneof(message.DESCRIPTOR.oneofs[0].name) or ""
            getattr(message, case).newer_detail = "newer"
            data = message.SerializeToString(deterministic=True)
            again = sre.encode(sre.decode(topic.name, data))
            figures["envelopes with newer fields"] += 1
            figures["bytes"] += len(data)
            figures["bytes lost"] += 0 if again == data else max(len(data), len(again))
            future = newer[example.DESCRIPTOR.full_name]()
            future.CopyFrom(message)
            future.future_case.what = "newer case"  # type: ignore[attr-defined]
            future_bytes = future.SerializeToString(deterministic=True)
            try:
                sre.decode(topic.name, future_bytes)
            except sre.UnknownPayloadError as parked:
                figures["newer cases parked"] += 1
                figures["bytes"] += len(future_bytes)
                kept = sre.encode(parked.envelope, validate=False)
                figures["bytes lost"] += 0 if kept == future_bytes else max(len(future_bytes), len(kept))
    return dict(figures)


def concurrency(seconds: float, threads: int = 8) -> dict[str, int]:
    work = [
        (sre.topic_of(e).name, e.SerializeToString(deterministic=True))
        for t in sre.TOPICS.values()
        for e in testing.examples(t.envelope_type)
    ]
    expected = [sre.decode(topic, data) for topic, data in work]
    rounds = [0] * threads
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < deadline:
            for (topic, data), want in zip(work, expected, strict=True):
                got = sre.decode(topic, data)
                if got != want or sre.encode(got) != data:
                    errors.append(f"thread {index}: mismatch on {topic}")
            rounds[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"threads": threads, "round trips": sum(rounds) * len(work), "errors": len(errors)}


def atheris_run(seconds: int) -> str:
    with tempfile.TemporaryDirectory() as corpus:
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools/fuzz_atheris.py"),
                corpus,
                f"-max_total_time={seconds}",
                "-rss_limit_mb=2048",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    done = [line for line in result.stderr.splitlines() if re.match(r"#\d+\s+DONE", line)]
    verdict = "no crash" if result.returncode == 0 else f"exit {result.returncode}: {result.stderr[-2000:]}"
    return f"{done[-1].strip() if done else 'no summary line'} ({verdict})"


def _differential_chunk(job: tuple[str, int, int]) -> tuple[str, Outcome, int]:
    """One worker's share of the differential run: `count` mutants of one envelope type from one seed."""
    from ameide_core_proto.sre._fastpath import CHECKS
    from testkit.workspace import ENVELOPES

    name, seed, count = job
    envelope_type = next(t for t in ENVELOPES if t.__name__ == name)
    outcome = run_differential(random.Random(seed), testing.examples(envelope_type), count, CHECKS)
    found = len(outcome.defects)
    outcome.defects = outcome.defects[:5]  # enough to show; the count travels apart
    return name, outcome, found


def differential(per_type: int, chunk: int = 25_000) -> tuple[dict[str, Outcome], dict[str, int], float]:
    """The fast path against protovalidate on `per_type` mutants of each envelope type, on every core:
    the outcome per envelope type, the number of defects per type, and the seconds it took."""
    import multiprocessing

    from testkit.workspace import ENVELOPES

    jobs = [
        (envelope_type.__name__, 20261127 + index, min(chunk, per_type - start))
        for envelope_type in ENVELOPES
        for index, start in enumerate(range(0, per_type, chunk))
    ]
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        parts = pool.map(_differential_chunk, jobs)
    totals: dict[str, Outcome] = {}
    defects: dict[str, int] = collections.Counter()
    for name, outcome, found in parts:
        defects[name] += found
        totals.setdefault(name, Outcome()).add(outcome)
    return totals, dict(defects), time.monotonic() - started


def _known_valid() -> tuple[int, int, int]:
    """Valid messages we know of (examples of every case, the intents of every real payload) and how many
    the fast path leaves to protovalidate."""
    from ameide_sre_contracts.adapters import ingest
    from ameide_sre_contracts.validation import proven_valid
    from testkit.workspace import ENVELOPES

    kinds = {"alertmanager": "alertmanager", "grafana": "alertmanager", "argocd": "argocd",
             "kubernetes": "kubernetes", "openslo": "openslo", "pagerduty": "pagerduty"}  # fmt: skip
    examples = [envelope for envelope_type in ENVELOPES for envelope in testing.examples(envelope_type)]
    real = []
    for folder, kind in kinds.items():
        for path in sorted((ROOT / "tests" / "fixtures" / "real" / folder).iterdir()):
            real += ingest(kind, path.read_bytes(), tenant_id="acme", producer="p", cluster="c", environment="e")
    return len(examples), len(real), sum(not proven_valid(message) for message in [*examples, *real])


def render(
    fuzzed: dict[str, object],
    targeted: dict[str, object],
    work: dict[str, object],
    changes: list[tuple[str, bool, bool]],
    forward: dict[str, int],
    threads: dict[str, int],
    atheris: str | None,
    compared: tuple[dict[str, Outcome], dict[str, int], float],
    known: tuple[int, int, int],
    adapter_sections: list[str] | None = None,
) -> str:
    counts: dict[str, collections.Counter[str]] = fuzzed["counts"]  # type: ignore[assignment]
    total = sum(sum(c.values()) for c in counts.values())
    crashes: list[str] = fuzzed["crashes"]  # type: ignore[assignment]
    lines = [
        "# Reliability",
        "",
        "Figures measured by `tools/reliability_report.py` (`make fuzz` runs it with a long budget) on "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores. "
        "`make test` runs the same checks with bounded budgets (tests/test_fuzz.py, test_breaking.py, "
        "test_forward_compat.py, test_sizes.py, test_concurrency.py, test_tenant_isolation.py).",
        "",
        "## Hostile input",
        "",
        f"{total:,} inputs in {fuzzed['seconds']:.0f} s: every one decoded (and then re-encoded, re-decoded equal "
        "and validated consistently) or raised a `ContractError`. "
        f"**Crashes: {len(crashes)}.** Slowest single input: {fuzzed['slowest_ms']:.1f} ms; "
        f"peak memory growth over the run: {fuzzed['rss_growth_mib']:.1f} MiB.",
        "",
        "| mutator | inputs | " + " | ".join(OUTCOMES) + " | crash |",
        "|---|---:|" + "---:|" * (len(OUTCOMES) + 1),
    ]
    for name in sorted(counts):
        row = counts[name]
        lines.append(
            f"| {name} | {sum(row.values()):,} | "
            + " | ".join(f"{row[o]:,}" for o in OUTCOMES)
            + f" | {row['crash']} |"
        )
    lines += ["", *(f"- crash: `{c}`" for c in crashes[:20])]
    if atheris:
        lines += ["", f"Coverage-guided (atheris, libFuzzer): `{atheris}`."]
    aimed_counts: dict[str, collections.Counter[str]] = targeted["counts"]  # type: ignore[assignment]
    aimed_crashes: list[str] = targeted["crashes"]  # type: ignore[assignment]
    outcomes = sorted({outcome for row in aimed_counts.values() for outcome in row})
    lines += [
        "",
        "## Inputs aimed at the rules, at every entry point",
        "",
        f"{sum(sum(c.values()) for c in aimed_counts.values()):,} inputs in {targeted['seconds']:.0f} s "
        "(testkit/attacks.py): containers filled far past their bound with empty elements, times at and past "
        "protobuf's range, strings past their limit (each at 1 KiB, 64 KiB and 1 MiB), thrown at `decode`, "
        "`from_kafka` (bare and structured), `from_http`, and `validate`, `to_kafka` and `to_http` of what "
        "`decode(validate=False)` made of them; a JSON field under two names at `from_json`; CloudEvents "
        "headers repeated, recased, emptied or oddly typed at `from_kafka`. Each ended accepted or as a "
        f"`ContractError` with at most 100 violations and a bounded text. **Escapes: {len(aimed_crashes)}.**",
        "",
        "| input → entry point | " + " | ".join(outcomes) + " |",
        "|---|" + "---:|" * len(outcomes),
        *(
            f"| {name} | " + " | ".join(f"{aimed_counts[name][o]:,}" for o in outcomes) + " |"
            for name in sorted(aimed_counts)
        ),
        *(f"- escape: `{c}`" for c in aimed_crashes[:20]),
        "",
        "## The validation fast path against protovalidate",
        "",
        f"Rule-aimed mutants of every example (testkit/mutants.py) in {compared[2]:.0f} s on "
        f"{os.cpu_count()} cores: each valid example with one or two fields set at and around the bounds its rules "
        "name (lengths in characters and UTF-8 bytes, each enum value and one past, numbers a step past each "
        "bound, NaN and infinities, times a nanosecond past, negative-nanosecond durations), required fields "
        "unset, duplicates, other oneof cases, the atoms of one CEL rule turned together, or its bytes flipped. "
        "Each was checked by the generated fast path (with its encoded size, as `decode` does) and by the oracle, "
        "`_precheck` plus protovalidate. A defect is a mutant the fast path calls valid and the oracle does not; "
        "a fallback, a valid mutant the fast path leaves to protovalidate (correct, only slower).",
        "",
        "| envelope | mutants | valid (oracle) | proven valid (fast path) | defects | fallback rate on valid |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {row.mutants:,} | {row.oracle_valid:,} | {row.proven:,} | **{compared[1][name]}** | "
            f"{row.unproven_valid / max(row.oracle_valid, 1):.3%} |"
            for name, row in compared[0].items()
        ),
        *(f"- defect: `{sre.violations(d)[:3]}`" for row in compared[0].values() for d in row.defects),
        "",
        f"Valid messages we know of, {known[0]} examples (one per case) and the {known[1]} intents mapped from "
        f"other projects' published payloads (tests/fixtures/real): the fast path leaves **{known[2]}** of them "
        "to protovalidate. The fallbacks sampled among valid mutants while building it were URIs outside the "
        "fast path's strict subset (another scheme, an IP literal, non-ASCII percent-encoding). ",
        "`make test` runs the same comparison with a bounded budget, and tests/test_fastpath.py shows the harness "
        "catches faults injected into the generator (a bound one too wide, `$` read as Python reads it, NaN "
        "passing a range, `all` compiled as `exists`, a dropped `required`, durations compared on seconds "
        "alone, a size shortcut twice too loose).",
        "",
        "## Work budget",
        "",
        "The worst input of each attack at each entry point, against the same entry point taking the largest "
        "valid envelope of the same topic (tools/worst_case.py; each in a fresh process warmed up as a running "
        "service is, protovalidate imported; time best of three, memory the peak above what the process held "
        "before the call; the CLI as a whole process, start-up included):",
        "",
        *work_table(work),
        "",
        "What bounds it: below 16 KiB an input costs little whatever it holds; from 16 KiB, `decode`, "
        "`from_kafka`, `from_http` and the gRPC interceptors read the container counts off the wire before "
        "parsing (`_wirescan`: container counts, list items and map keys past their text bounds) and "
        "`from_json` counts the JSON values before building objects, so a container past its bound is refused "
        "without being built; the fast path does not read a message larger than any valid one; `validate` (and "
        "every producer, which validates) checks the size rules (counts, `max_len`, `max_bytes`) and times "
        "before protovalidate runs (`_precheck`), so protovalidate only ever sees messages within the "
        "contract's bounds. What remains is linear in the input: reading it, and base64 in structured mode.",
        "",
        "Bounds that make this hold: `decode` refuses more than `DEFAULT_MAX_BYTES` "
        f"({sre.DEFAULT_MAX_BYTES // (1024 * 1024)} MiB) before parsing; "
        "the protobuf runtime refuses nesting deeper than 100; `from_json` parses at most 64 levels.",
        "",
        *(adapter_sections or []),
        "## Size bounds",
        "",
        "Every string, bytes, repeated and map field carries a size rule (tests/test_sizes.py walks them). "
        "The largest valid encoding each envelope can have (`ameide_sre_contracts.sizes.max_encoded_size`, "
        "strings at 4 bytes a character unless ASCII-only):",
        "",
        "| topic | largest valid envelope | largest payload |",
        "|---|---:|---|",
    ]
    for topic in sre.TOPICS.values():
        size, name = max((max_encoded_size(p), p.__name__) for p in topic.payload_types)
        lines.append(f"| `{topic.name}` | {max_encoded_size(topic.envelope_type):,} bytes | {name} ({size:,}) |")
    lines += [
        "",
        f"All fit twice into `DEFAULT_MAX_BYTES` ({sre.DEFAULT_MAX_BYTES:,} bytes), Kafka's default message limit. "
        "Query responses are bounded per item; servers keep pages under the gRPC message limit by returning "
        "fewer items than `page_size` (AIP-158 allows it).",
        "",
        "## Schema evolution gate",
        "",
        f"**{sum(b and r for _, b, r in changes)} of {sum(b for _, b, _ in changes)} breaking changes caught**; "
        f"{sum((not b) and (not r) for _, b, r in changes)} of {sum(not b for _, b, _ in changes)} additive "
        "changes accepted (`make breaking`: `buf breaking` against every released baseline, "
        "compat/sre-v1.*.binpb: FILE, which also keeps generated Python imports working, from 1.1 on; "
        "WIRE_JSON against 1.0).",
        "",
        "| change | breaking | gate refused |",
        "|---|---|---|",
        *(f"| {kind} | {'yes' if b else 'no'} | {'yes' if r else 'no'} |" for kind, b, r in changes),
        "",
        "## Forward compatibility",
        "",
        "Every example envelope re-expressed by a newer producer (a new meta field, a new field in the payload, "
        "and separately a new oneof case), decoded by this version and re-encoded:",
        "",
        *(f"- {name}: {value:,}" for name, value in forward.items()),
        "",
        "Newer fields validate, route and re-encode byte for byte; a newer case raises `UnknownPayloadError` "
        "carrying the envelope, which re-encodes byte for byte when parked.",
        "",
        "## Concurrency",
        "",
        f"{threads['threads']} threads decoding, comparing and re-encoding shared examples: "
        f"{threads['round trips']:,} round trips, **{threads['errors']} errors**.",
        "",
        "## Tenant isolation",
        "",
        "Every envelope (meta.tenant_id) and every request of the seven query services (tenant_id) is refused "
        "without a well-formed tenant id: tests/test_tenant_isolation.py walks all of them.",
        "",
    ]
    return "\n".join(lines)


def adapters_only(out: Path, work_file: Path | None) -> int:
    """Measure the adapters' sections alone and replace them in an existing report (they stand apart).

    `work_file`: the JSON `tools/adapter_worst_case.py --out` wrote, used instead of measuring again."""
    hostile = adapters_hostile()
    work = json.loads(work_file.read_text(encoding="utf-8")) if work_file else measure_adapter_work()
    sections = "\n".join(render_adapters(hostile, work)) + "\n"
    text = out.read_text(encoding="utf-8")
    start = text.find("## Adapters: hostile payloads")
    end = text.find("## Size bounds")
    text = (text[:start] if start >= 0 else text[:end]) + sections + text[end:]
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0 if not hostile["broken"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--atheris-seconds", type=int, default=0)
    parser.add_argument("--mutants", type=int, default=20_000, help="fast-path mutants per envelope type")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    parser.add_argument(
        "--adapters-only",
        action="store_true",
        help="measure only the adapters' sections and put them in place of the ones in --out",
    )
    parser.add_argument("--adapter-work", type=Path, help="with --adapters-only: measurements already taken")
    args = parser.parse_args()
    if args.adapters_only:
        return adapters_only(args.out, args.adapter_work)
    fuzzed = fuzz(args.seconds)
    targeted = aimed(args.seconds)
    work = measure_work()
    changes = evolution()
    forward = forward_compatibility()
    threads = concurrency(min(args.seconds, 10))
    atheris = atheris_run(args.atheris_seconds) if args.atheris_seconds else None
    compared = differential(args.mutants)
    known = _known_valid()
    hostile = adapters_hostile()
    sections = render_adapters(hostile, measure_adapter_work())
    args.out.write_text(
        render(fuzzed, targeted, work, changes, forward, threads, atheris, compared, known, sections),
        encoding="utf-8",
    )
    print(f"wrote {args.out}")
    crashes: list[str] = fuzzed["crashes"] + targeted["crashes"] + hostile["broken"]  # type: ignore[operator]
    caught = all(b == r for _, b, r in changes)
    sound = sum(compared[1].values()) == 0 and known[2] == 0
    return 0 if not crashes and caught and sound and forward.get("bytes lost") == 0 and threads["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
