"""The adapters' work budget, measured: the worst input found at each entry point and CLI command, against the
largest valid input of the same entry point.

Usage: python tools/adapter_worst_case.py [--out FILE.json]   (`make fuzz` folds the result into docs/reliability.md)

The largest valid input of an entry point is a real payload (tests/fixtures/real/) grown to about 4 MiB where
its format lets it grow and stay valid: a list of Applications, a stream of events or SLO documents, a webhook
of 1,000 alerts with the largest context the contract keeps, an Application listing tens of thousands of
resources, or a field the adapter does not carry, filled with small objects as real payloads are; for a webhook
kind `ingest` also reads as YAML, that input spelled as YAML, which costs more to read than JSON. The hostile
inputs are the ones that cost most before this package bounded them, at the size the reader accepts: a 4 MiB
string, a million empty objects, a million integers, nesting at the limit over and over, 4 MiB of lone
surrogate escapes, YAML alias bombs, a million YAML documents, 4 MiB of flow sequences; and, per system, what
its own rules make expensive (1,001 alerts, 200 resources and more). Each measurement runs in a fresh process
(the adapter's modules imported and one small payload mapped first, as in a running service): time is the
best of three calls, memory the larger of the Python allocations' peak (tracemalloc) and the rise of the
process's peak resident size. CLI commands run as whole processes (start-up included), best of three.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

import ameide_sre_contracts as sre
from ameide_sre_contracts import adapters
from testkit.budget import in_fresh_process, time_and_memory
from testkit.hostile_adapters import ENTRIES, REAL, Entry, real_documents
from testkit.workspace import ROOT

SIZE = sre.DEFAULT_MAX_BYTES - 64 * 1024
FOLDER_OF = {entry.name: entry.folders[0] for entry in ENTRIES}
LISTS = {"argocd.fleet_state_from_applications", "ingest argocd", "ingest kubernetes", "ingest openslo"}


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _first_document(entry: str) -> Any:
    document = next(document for _, document in real_documents(FOLDER_OF[entry]) if isinstance(document, dict))
    if entry.endswith(".link_from_response"):
        return document["issue"]  # what Jira and GitHub answer a create with
    return document


def _padded(document: Any, size: int) -> bytes:
    """`document` with a field no adapter reads, grown to `size` bytes by a list of small objects.

    Objects of about 60 bytes, as labels, managed fields and resource lists are: a single long string would be
    cheaper to read than any real payload of that size, and every ratio against it would say little."""
    item = {"name": "p000000", "value": "v" * 32}
    count = max(0, size - len(_json({**document, "x-padding": []}))) // (len(_json(item)) + 2)
    return _json({**document, "x-padding": [{"name": f"p{n:06d}", "value": "v" * 32} for n in range(count)]})


def _application() -> bytes:
    """An Application listing as many resources as `SIZE` holds (the adapter keeps the first 200)."""
    document = json.loads(json.dumps(_first_document("argocd.intents_from_application")))
    status = document.setdefault("status", {})
    resource = {"kind": "Pod", "namespace": "default", "name": "p000000", "health": {"status": "Healthy"}}
    count = (SIZE - len(_json(document))) // (len(_json(resource)) + 2)
    status["resources"] = [{**resource, "name": f"p{n:06d}"} for n in range(count)]
    return _json(document)


def _big_webhook() -> bytes:
    context = {f"label{n}": "v" * 1000 for n in range(96)}
    alerts = [
        {
            "status": "firing",
            "labels": {"alertname": "Up", "n": str(n), **{f"l{k}": "w" * 100 for k in range(26)}},
            "annotations": {"summary": "s" * 200},
            "startsAt": "2024-01-01T00:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph",
        }
        for n in range(1000)
    ]
    body = {
        "receiver": "r" * 256,
        "status": "firing",
        "groupLabels": context,
        "commonLabels": context,
        "commonAnnotations": {f"note{n}": "a" * 8000 for n in range(48)},
        "externalURL": "http://alertmanager:9093",
        "version": "4",
        "groupKey": "g" * 4096,
        "truncatedAlerts": 0,
        "alerts": alerts,
    }
    return _json(body)


def _api_alerts() -> bytes:
    alerts = [
        {
            "labels": {"alertname": "Up", "n": str(n), **{f"l{k}": "w" * 100 for k in range(30)}},
            "annotations": {"summary": "s" * 200},
            "startsAt": "2024-01-01T00:00:00Z",
            "endsAt": "2024-01-01T01:00:00Z",
            "updatedAt": "2024-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph",
            "fingerprint": "0",
            "receivers": [{"name": "team"}],
            "status": {"state": "active", "silencedBy": [], "inhibitedBy": [], "mutedBy": []},
        }
        for n in range(1040)
    ]
    return _json(alerts)


def _stream(entry: str) -> bytes:
    """About `SIZE` bytes of the folder's real documents, renamed so that each is its own (a YAML stream)."""
    documents = [document for _, document in real_documents(FOLDER_OF[entry]) if isinstance(document, dict)]
    parts: list[str] = []
    total = 0
    for number in range(1_000_000):
        document = json.loads(json.dumps(documents[number % len(documents)]))
        document.setdefault("metadata", {})["name"] = f"d{number}"
        text = yaml.safe_dump(document, sort_keys=False)
        if total + len(text) + 4 > SIZE:
            break
        parts.append(text)
        total += len(text) + 4
    return "---\n".join(parts).encode("utf-8")


def _fleet() -> bytes:
    """Applications one after another, comma-separated: the entry point takes them as the items of a list."""
    application = _json(_first_document("argocd.fleet_state_from_applications"))
    return b",".join([application] * (SIZE // (len(application) + 1)))


WEBHOOK_INGESTS = {f"ingest {kind}" for kind in ("alertmanager", "github", "jira", "opsgenie", "pagerduty")}
"""Kinds whose senders write JSON but which `ingest` also reads as YAML: their largest valid input is the YAML."""


def _as_yaml(data: bytes) -> bytes:
    """The same document as YAML, at most `SIZE` bytes: the costlier spelling of a valid input `ingest` reads."""
    document = json.loads(data)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1 << 30).encode("utf-8")
    longest = max((key for key, value in document.items() if isinstance(value, list)), key=lambda k: len(document[k]))
    while len(text) > SIZE:  # YAML spells the same document longer: shorten its longest list until it fits
        del document[longest][-max(1, len(document[longest]) // 20) :]
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1 << 30).encode("utf-8")
    return text


def largest_valid(entry: str) -> bytes:
    """The largest valid input of an entry point this tool builds (see the module's description)."""
    if entry in WEBHOOK_INGESTS:
        return _as_yaml(largest_valid(entry.replace("ingest ", "", 1) + ".json"))
    if entry in ("alertmanager.intents_from_webhook", "alertmanager.json"):
        return _big_webhook()
    if entry == "alertmanager.intents_from_api_alerts":
        return _api_alerts()
    if entry == "argocd.fleet_state_from_applications":
        return _fleet()
    if entry == "argocd.intents_from_application":
        return _application()
    if entry in LISTS:
        return _stream(entry)
    if entry.endswith(".json"):  # a webhook kind's JSON, before `ingest` reads it as YAML
        entry = f"ingest {entry.removesuffix('.json')}"
    return _padded(_first_document(entry), SIZE)


def _with_first(document: Any, kind: type, value: Any) -> Any:
    """`document` with its first value of type `kind` (depth first) replaced by `value`."""
    done = False

    def walk(node: Any) -> Any:
        nonlocal done
        if not done and isinstance(node, kind) and node is not document:
            done = True
            return value
        if isinstance(node, dict):
            return {key: walk(item) for key, item in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(document)


def attacks(entry: str) -> Iterator[tuple[str, bytes]]:
    """The hostile inputs tried at an entry point, each named."""
    document = _first_document(entry)
    count = SIZE // 3
    yield "a 4 MiB string in a value", _json(_with_first(document, str, "x" * (SIZE - len(_json(document)))))
    yield "a million empty objects in a list", _json(_with_first(document, list, [{}] * count))
    yield "a million integers", _json({**document, "x": [1] * (SIZE // 2)})
    nest = "[" * 63 + "]" * 63
    yield (
        "nesting at the limit, over and over",
        _json(document)[:-1] + b',"x":[' + ",".join([nest] * (SIZE // (len(nest) + 1))).encode() + b"]}",
    )
    yield "4 MiB of lone surrogate escapes", _json(document)[:-1] + b',"x":"' + b"\\ud800" * (SIZE // 6) + b'"}'
    yield "integers of 4,300 digits", _json(document)[:-1] + b',"x":[' + b",".join([b"9" * 4299] * 900) + b"]}"
    if entry == "alertmanager.intents_from_webhook" or entry == "ingest alertmanager":
        alert = {"labels": {"alertname": "Up"}, "startsAt": "2024-01-01T00:00:00Z"}
        yield "1,001 alerts", _json({"status": "firing", "alerts": [alert] * 1001})
        yield "the largest context, once per alert as before", _big_webhook()
    if entry.startswith("ingest "):  # every kind reads YAML
        laughs = b"a0: &a0 [xxxxxxxx]\n" + b"".join(
            f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n".encode() for n in range(1, 12)
        )
        yield "a YAML alias bomb", laughs
        yield "a million YAML documents", b"---\n" * (SIZE // 4)
        yield "4 MiB of YAML flow sequences", b"x: [" + b"1, " * (SIZE // 3) + b"1]\n"
        yield (
            "a kind: List of aliases of one document",
            b"kind: List\nitems:\n- &e " + _json(document) + (b"\n- *e" * (SIZE // 5)),
        )
        yield "YAML nesting past the limit", b"x: " + b"[" * (SIZE // 2) + b"]" * (SIZE // 2)
    if entry in ("opsgenie.intents_from_webhook", "ingest opsgenie"):
        note = {"action": "AddNote", "alert": {"alertId": "a", "note": "n" * (SIZE - 100), "updatedAt": 1}}
        yield "a 4 MiB note (cut to the timeline's bound)", _json(note)
    if entry in ("jira.intents_from_webhook", "ingest jira", "signatures.verify, then jira"):
        item = {"field": "status", "fromString": "To Do", "toString": "In Progress"}
        changed = {**document, "changelog": {"id": "1", "items": [item] * (SIZE // 80)}}
        yield "50,000 status changes in one changelog (one intent per field)", _json(changed)
        text = {"type": "text", "text": "x"}
        adf = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [text] * (SIZE // 30)}]}
        comment = {"webhookEvent": "comment_created", "issue": {"id": "1"}, "comment": {"id": "1", "body": adf}}
        yield "an ADF comment of 140,000 text nodes", _json(comment)
    if entry in ("github.intents_from_webhook", "ingest github", "signatures.verify, then github"):
        grown = json.loads(json.dumps(document))
        grown.setdefault("issue", {})["labels"] = [{"name": f"l{n}"} for n in range(SIZE // 20)]
        yield "200,000 labels", _json(grown)
    if entry in ("argocd.intents_from_application", "ingest argocd"):
        resources = [{"kind": "Pod", "name": f"p{n}", "health": {"status": "Healthy"}} for n in range(40_000)]
        grown = json.loads(json.dumps(document))
        grown.setdefault("status", {})["resources"] = resources
        yield "40,000 resources (200 kept)", _json(grown)


def _call(entry: Entry, data: bytes) -> Callable[[], Any]:
    def run() -> Any:
        with contextlib.suppress(sre.ContractError):
            return entry.call(data)
        return None

    return run


def measure_one(name: str, path: Path) -> dict[str, float]:
    """In a fresh process: warm up as a running service is, then one entry point's time and memory on `path`."""
    entry = next(candidate for candidate in ENTRIES if candidate.name == name)
    with contextlib.suppress(sre.ContractError):
        entry.call(_json(_first_document(name)))  # imports and compiled rules: one-time costs, not the input's
    data = path.read_bytes()
    call = _call(entry, data)
    result, best, extra_kib = time_and_memory(call)
    return {
        "seconds": best,
        "extra_kib": extra_kib,
        "input_bytes": float(len(data)),
        "refused": 1.0 if result is None else 0.0,
    }


def _child(name: str, data: bytes) -> dict[str, float]:
    return in_fresh_process(__file__, [name], data)


def _process(command: list[str], data: bytes) -> dict[str, float]:
    """A whole CLI process on `data` (stdin): wall time best of three, and its peak resident size."""
    best = float("inf")
    peak = 0.0
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _PEAK_WRAPPER, *command], input=data, capture_output=True, check=False, cwd=ROOT
        )
        best = min(best, time.perf_counter() - started)
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        peak = max(
            peak, float(lines[-1].removeprefix("peak-kib ")) if lines and lines[-1].startswith("peak-kib ") else 0
        )
    return {"seconds": best, "extra_kib": peak, "input_bytes": float(len(data))}


_PEAK_WRAPPER = (
    "import resource, sys\n"
    "from ameide_sre_contracts import cli\n"
    "try:\n"
    "    code = cli.main(sys.argv[1:])\n"
    "finally:\n"
    "    print('peak-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _cli_cases() -> Iterator[tuple[str, list[str], bytes, list[tuple[str, bytes]]]]:
    """Each CLI command: its arguments, its largest valid input and the hostile inputs tried."""
    ingest_args = ["--tenant", "acme", "--producer", "p", "--cluster", "c", "--environment", "e", "--include-normal"]
    for kind in adapters.KINDS:
        name = f"ingest {kind}"
        yield (
            f"sre-contracts ingest {kind}",
            ["ingest", kind, "-", *ingest_args],
            largest_valid(name),
            list(attacks(name)),
        )
    import random

    from worst_case import hostile_json
    from worst_case import largest_valid as largest_envelope

    topic = sre.DOMAIN_FACTS_TOPIC
    envelope = largest_envelope(topic)
    as_json = sre.to_json(sre.decode(topic, envelope)).encode("utf-8")
    hostile = (hostile_json(random.Random(1), topic) or "{}").encode("utf-8")
    empties = b"\x0a\x00" * (SIZE // 2)  # a million empty meta fields, last one wins
    yield (
        "sre-contracts validate",
        ["validate", "--topic", topic, "-"],
        envelope,
        [
            ("a million empty elements (binary)", empties),
            ("a million empty objects (JSON)", hostile),
        ],
    )
    yield (
        "sre-contracts decode",
        ["decode", "--topic", topic, "-"],
        envelope,
        [
            ("a million empty elements (binary)", empties),
            ("4 MiB of 0xff", b"\xff" * SIZE),
        ],
    )
    yield (
        "sre-contracts encode",
        ["encode", "--topic", topic, "-", "-o", "/dev/null"],
        as_json,
        [
            ("a million empty objects (JSON)", hostile),
            ("4 MiB of lone surrogate escapes", b'{"meta":{"tenantId":"' + b"\\ud800" * (SIZE // 6) + b'"}}'),
        ],
    )
    yield "sre-contracts example", ["example", "IncidentCreated", "--envelope"], b"", []
    yield "sre-contracts topics", ["topics", "--payloads"], b"", []
    yield "sre-contracts catalog", ["catalog", "--format", "asyncapi"], b"", []


def measure() -> dict[str, Any]:
    rows = []
    for entry in ENTRIES:
        valid = largest_valid(entry.name)
        baseline = _child(entry.name, valid)
        if baseline["refused"]:
            raise SystemExit(f"{entry.name}: the largest valid input this tool built is refused")
        tried = [(name, _child(entry.name, data)) for name, data in attacks(entry.name)]
        rows.append({"entry": entry.name, "baseline": baseline, "tried": tried})
    for name, command, valid, hostile in _cli_cases():
        baseline = _process(command, valid)
        tried = [(attack, _process(command, data)) for attack, data in hostile]
        if name == "sre-contracts example":
            tried = [("a 100,000-character name of terminal escapes", _process(["example", "\x1b[2J" * 25_000], b""))]
        rows.append({"entry": name, "baseline": baseline, "tried": tried})
    return {"rows": rows}


def _mb(value: float) -> str:
    return f"{value / 1_048_576:.2f} MB"


def table(result: dict[str, Any]) -> list[str]:
    """Markdown: per entry point, the largest valid input and the worst input found by time and by memory."""
    lines = [
        "| entry point | largest valid input | its time | worst input found (by time) | its time | time ratio "
        "| worst by memory | peak memory | memory ratio | inputs tried |",
        "|---|---:|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for row in result["rows"]:
        base = row["baseline"]
        if not row["tried"]:
            lines.append(
                f"| {row['entry']} | no input | {base['seconds'] * 1000:.1f} ms | (takes no input) | | | | "
                f"{base['extra_kib'] / 1024:.1f} MB | | 0 |"
            )
            continue
        slowest = max(row["tried"], key=lambda item: item[1]["seconds"])
        biggest = max(row["tried"], key=lambda item: item[1]["extra_kib"])
        lines.append(
            f"| {row['entry']} | {_mb(base['input_bytes'])} | {base['seconds'] * 1000:.1f} ms | {slowest[0]} "
            f"({_mb(slowest[1]['input_bytes'])}) | {slowest[1]['seconds'] * 1000:.1f} ms | "
            f"{slowest[1]['seconds'] / max(base['seconds'], 1e-6):.2f} | {biggest[0]} | "
            f"{biggest[1]['extra_kib'] / 1024:.1f} MB | "
            f"{biggest[1]['extra_kib'] / max(base['extra_kib'], 1.0):.2f} | {len(row['tried'])} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=2, metavar=("ENTRY", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help="write the measurements as JSON")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_one(args.measure[0], Path(args.measure[1]))))
        return 0
    result = measure()
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print("\n".join(table(result)))
    return 0


if __name__ == "__main__":
    assert REAL.is_dir()
    sys.exit(main())
