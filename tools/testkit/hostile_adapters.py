"""Hostile payloads built from the real ones, for every adapter entry point and `ingest`.

A real payload (`tests/fixtures/real/`) has each of its values replaced in
turn by each of `HOSTILE_VALUES`: wrong types, integers past every field
type's range, numbers JSON has no spelling for, lone surrogates, terminal
controls, bidi overrides, megabyte strings, impossible dates. YAML gets its
own attacks (`yaml_attacks`): alias bombs, recursive and merge aliases,
tags outside the core schema, non-string and repeated keys, huge integers.
`check_adapter_input` states the promise: the entry point returns intents
(within `OUTPUT_FACTOR` times the input plus `INTENT_OVERHEAD` per intent)
or raises a `ContractError` whose text is one printable line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts import adapters
from ameide_sre_contracts.adapters import (
    alertmanager,
    argocd,
    github,
    jira,
    kubernetes,
    openslo,
    opsgenie,
    pagerduty,
    signatures,
)
from ameide_sre_contracts.adapters._json import load_json
from ameide_sre_contracts.errors import ContractError

REAL = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "real"
TENANT = "acme"
PRODUCER = "hostile-tests"
INCIDENT = "00000000-0000-4000-8000-0000000000aa"
MITIGATING, CLOSED = sre_pb2.INCIDENT_STATUS_MITIGATING, sre_pb2.INCIDENT_STATUS_CLOSED
OUTPUT_FACTOR = alertmanager.OUTPUT_FACTOR
INTENT_OVERHEAD = alertmanager.INTENT_OVERHEAD


class Raw(str):
    """A JSON token written as it is (`1e400`, `NaN`): values no encoder writes and attackers do."""


HOSTILE_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    2**64,
    Raw("1" + "0" * 400),  # an integer no double holds
    Raw("1e400"),
    Raw("NaN"),
    Raw("-Infinity"),
    1.5,
    "",
    "\ud800",  # a lone surrogate
    "\x1b[2J\x1b]0;owned\x07",  # terminal escapes and a bell
    "\u202egnp.exe",  # a bidi override
    "x" * 70_000,
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:60+23:59",
    "2023-02-29T00:00:00Z",
    [],
    {},
    {"nested": [[[[{"deep": [1]}]]]]},
)
"""What each value of a real payload is replaced by, in turn."""


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(document) if isinstance(document, dict) else list(document)
    copy[path[0]] = _replaced(document[path[0]], path[1:], value)
    return copy


def to_json(document: Any) -> bytes:
    """JSON text of `document`, `Raw` values written as they are, lone surrogates as `\\ud800` escapes."""
    raws: dict[str, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            token = f"@raw{len(raws)}@"
            raws[f'"{token}"'] = str(value)
            return token
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    text = json.dumps(swap(document))
    for token, raw in raws.items():
        text = text.replace(token, raw)
    return text.encode("ascii")


@dataclass(frozen=True)
class Entry:
    """One way a payload of some system is handed to the package."""

    name: str
    folders: tuple[str, ...]
    call: Callable[[bytes], Any]


def _intents(result: Any) -> list[Any]:
    if isinstance(result, list):
        return result
    return [result]


def _signed_receiver(
    sender: signatures.Sender, header: str, prefix: str, mapped: Callable[..., Any]
) -> Callable[[bytes], object]:
    """The README's receiver for a sender that signs: the body signed as it signs, verified, then mapped."""

    def receive(data: bytes) -> object:
        signature = prefix + hmac.new(b"hostile-run-secret", data, hashlib.sha256).hexdigest()
        signatures.verify(sender, data, {header: signature}, [b"another", b"hostile-run-secret"])
        return mapped(data, tenant_id=TENANT, producer=PRODUCER)

    return receive


def issue_of(data: bytes) -> Any:
    """A webhook's `issue`, read by the package's bounded reader: the shape Jira and GitHub answer a create with."""
    document = load_json(data, what="the input")
    if isinstance(document, dict) and isinstance(document.get("issue"), dict):
        return document["issue"]
    return document


def _ingest_entry(kind: str) -> Entry:
    def call(data: bytes) -> Any:
        return adapters.ingest(
            kind, data, tenant_id=TENANT, producer=PRODUCER, cluster="c", environment="e", include_normal=True
        )

    folders = {"alertmanager": (kind, "grafana"), "openslo": (kind, "openslo-kinds")}.get(kind, (kind,))
    return Entry(f"ingest {kind}", folders, call)


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "alertmanager.intents_from_webhook",
        ("alertmanager", "grafana"),
        lambda data: alertmanager.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "alertmanager.intents_from_api_alerts",
        ("alertmanager",),
        lambda data: alertmanager.intents_from_api_alerts(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "argocd.intents_from_application",
        ("argocd",),
        lambda data: argocd.intents_from_application(data, tenant_id=TENANT, producer=PRODUCER, cluster="c"),
    ),
    Entry(
        "argocd.fleet_state_from_applications",
        ("argocd",),
        lambda data: argocd.fleet_state_from_applications(
            b"[" + data + b"]", tenant_id=TENANT, producer=PRODUCER, cluster="c", environment="e"
        ),
    ),
    Entry(
        "kubernetes.intents_from_event",
        ("kubernetes",),
        lambda data: kubernetes.intents_from_event(data, tenant_id=TENANT, producer=PRODUCER, include_normal=True),
    ),
    Entry(
        "openslo.intents_from_slo",
        ("openslo",),
        lambda data: openslo.intents_from_slo(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "openslo.intents_from_documents",
        ("openslo", "openslo-kinds"),
        lambda data: openslo.intents_from_documents(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "opsgenie.intents_from_webhook",
        ("opsgenie",),
        lambda data: opsgenie.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "pagerduty.intents_from_webhook",
        ("pagerduty",),
        lambda data: pagerduty.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "jira.intents_from_webhook",
        ("jira",),
        lambda data: jira.intents_from_webhook(
            data, tenant_id=TENANT, producer=PRODUCER, status_map={"In Progress": MITIGATING, "Closed": CLOSED}
        ),
    ),
    Entry(
        "github.intents_from_webhook",
        ("github",),
        lambda data: github.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "jira.link_from_response",
        ("jira",),
        lambda data: jira.link_from_response(issue_of(data), incident_id=INCIDENT, tenant_id=TENANT, producer=PRODUCER),
    ),
    Entry(
        "github.link_from_response",
        ("github",),
        lambda data: github.link_from_response(
            issue_of(data), incident_id=INCIDENT, tenant_id=TENANT, producer=PRODUCER
        ),
    ),
    Entry(
        "signatures.verify, then pagerduty",
        ("pagerduty",),
        _signed_receiver("pagerduty", "X-PagerDuty-Signature", "v1=", pagerduty.intents_from_webhook),
    ),
    Entry(
        "signatures.verify, then github",
        ("github",),
        _signed_receiver("github", "X-Hub-Signature-256", "sha256=", github.intents_from_webhook),
    ),
    Entry(
        "signatures.verify, then jira",
        ("jira",),
        _signed_receiver("jira", "X-Hub-Signature", "sha256=", jira.intents_from_webhook),
    ),
    *(_ingest_entry(kind) for kind in adapters.KINDS),
)
"""Every adapter entry point that reads foreign input, and `ingest` for each kind."""


def real_documents(folder: str) -> list[tuple[str, Any]]:
    """Each real payload of `folder` as (file name, one document): a YAML stream of several gives several."""
    found = []
    for path in sorted((REAL / folder).iterdir()):
        text = path.read_text(encoding="utf-8")
        loaded = [json.loads(text)] if path.suffix == ".json" else list(yaml.safe_load_all(text))
        for index, document in enumerate(loaded):
            if document is not None:
                found.append((f"{path.name}#{index}", json.loads(json.dumps(document, default=str))))
    return found


def mutants(document: Any) -> Iterator[tuple[str, bytes]]:
    """Every value of `document` replaced in turn by every hostile value, as JSON text with what it did."""
    for path in _paths(document):
        where = "$" + "".join(f"[{step!r}]" for step in path)
        for value in HOSTILE_VALUES:
            yield f"{where} := {str(value)[:24]!r}", to_json(_replaced(document, path, value))


def sampled_mutants(document: Any, count: int, seed: int) -> list[tuple[str, bytes]]:
    """`count` of `mutants(document)`, chosen by `seed` (all of them when there are fewer)."""
    every = list(mutants(document))
    return every if len(every) <= count else random.Random(seed).sample(every, count)


def yaml_attacks(document: Any) -> Iterator[tuple[str, bytes]]:
    """YAML built to expand, to recurse, to construct what is not data, and to be read two ways."""
    body = yaml.safe_dump(document, sort_keys=False).encode("utf-8")
    laughs = b"a0: &a0 [" + b"x" * 8 + b"]\n"
    for level in range(1, 12):
        laughs += f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n".encode()
    yield "alias bomb", laughs
    yield "alias bomb inside the document", body + b"\nbomb: " + laughs.replace(b"\n", b"\n  ")[:-2].lstrip()
    yield (
        "a list of aliases of one document",
        b"kind: List\nitems:\n- &e " + json.dumps(document).encode() + (b"\n- *e" * 5000),
    )
    yield "recursive alias", b"a: &a [*a]\n"
    yield "merge key", b"base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n"
    for tag in ("!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!set {a, b}", "!!timestamp 0000-01-01"):
        yield f"tag {tag.split()[0]}", body + f"\nextra: {tag}\n".encode()
    yield "custom tag", b"!Application " + json.dumps(document).encode()
    yield "non-string key", b"? [a, b]\n: 1\n"
    yield "integer key", b"1: one\n"
    first, rest = body.split(b"\n", 1)
    if first.startswith(b"- "):  # a list: its first item's first key, again, inside that item
        yield "repeated key", first + b"\n  " + first[2:] + b"\n" + rest
    else:
        yield "repeated key", body + b"\n" + first + b"\n"
    yield "5,000-digit integer", b"n: " + b"9" * 5000 + b"\n"
    yield "octal and hex past 64 bits", b"n: 0x" + b"f" * 40 + b"\nm: 0o" + b"7" * 40 + b"\n"
    yield "yaml infinity", b"n: .inf\nm: -.Inf\no: .NaN\n"
    yield "nesting 5,000 deep", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    yield "nesting 65 deep", b"a: " + b"[" * 65 + b"]" * 65 + b"\n"
    yield "a lone surrogate escape", b'a: "\\ud800"\n'
    yield "C1 control", 'a: "\x9b31m"\n'.encode()
    yield "byte order marks", b"\xef\xbb\xbf" + body
    yield "not UTF-8", body + b"\nb: \xff\xfe\n"
    yield "many documents", b"---\n" * 100_000


def check_adapter_input(entry: Entry, data: bytes | str) -> str:
    """Run `entry` on `data`; the outcome's name, or AssertionError when the promise is broken."""
    try:
        intents = _intents(entry.call(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")))
    except sre.ContractError as error:
        text = str(error)
        assert text.isprintable(), f"{entry.name}: unprintable error text {text[:200]!r}"
        assert len(text) <= ContractError.MAX_TEXT + 64, f"{entry.name}: error text of {len(text)} characters"
        return type(error).__name__
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    produced = sum(len(sre.encode(intent)) for intent in intents)
    bound = OUTPUT_FACTOR * size + INTENT_OVERHEAD * len(intents)
    assert produced <= bound, f"{entry.name}: {produced} bytes of intents from {size} bytes (bound {bound})"
    return "intents"
