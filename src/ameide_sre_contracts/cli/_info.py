"""`topics`, `catalog` and `example`: what the contract holds, without reading any input."""

from __future__ import annotations

import argparse
from typing import Any

from google.protobuf.message import Message

from ameide_sre_contracts import catalog, testing
from ameide_sre_contracts.cli._io import EXIT_OK, bad_argument, json_line, pretty, write
from ameide_sre_contracts.codec import to_json
from ameide_sre_contracts.topics import PAYLOADS, TOPICS


def _payload_type(name: str) -> type[Message]:
    for payload, info in PAYLOADS.items():
        if name in (payload.DESCRIPTOR.name, payload.DESCRIPTOR.full_name, info.event_type, info.case):
            return payload
    bad_argument("PAYLOAD", f"unknown payload {name!r}; `sre-contracts topics --payloads` lists them")


def cmd_topics(args: argparse.Namespace) -> int:
    width = max(len(name) for name in TOPICS)
    print(f"{'TOPIC':<{width}}  {'ENVELOPE':<48}  PAYLOADS")
    for topic in TOPICS.values():
        print(f"{topic.name:<{width}}  {topic.envelope_type.DESCRIPTOR.full_name:<48}  {len(topic.payload_types)}")
        if args.payloads:
            for payload in topic.payload_types:
                print(f"  {PAYLOADS[payload].case:<34} {PAYLOADS[payload].event_type}")
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    text = catalog.markdown() if args.format == "markdown" else catalog.asyncapi()
    write(text.encode("utf-8"), args.output)
    return EXIT_OK


def cmd_example(args: argparse.Namespace) -> int:
    payload = testing.example(_payload_type(args.payload))
    message = testing.example_envelope(payload) if args.envelope else payload
    print(json_line(to_json(message)) if args.compact else pretty(message))
    return EXIT_OK


def add_commands(command: Any) -> None:
    """The three commands' arguments, on the parser's `command(name, summary, description)` factory."""
    topics = command("topics", "list topics, envelopes and payload counts")
    topics.add_argument("--payloads", action="store_true", help="also list each topic's payloads and event types")
    topics.set_defaults(run=cmd_topics)

    catalog_cmd = command("catalog", "print or write the event catalog")
    catalog_cmd.add_argument("--format", choices=["markdown", "asyncapi"], default="markdown")
    catalog_cmd.add_argument("--output", "-o", help="file to write (default: stdout)")
    catalog_cmd.set_defaults(run=cmd_catalog)

    example = command("example", "print a valid example payload as JSON")
    example.add_argument("payload", help="payload name, oneof case or CloudEvents type, e.g. IncidentCreated")
    example.add_argument("--envelope", action="store_true", help="wrap it in its envelope")
    example.add_argument("--compact", action="store_true", help="one line")
    example.set_defaults(run=cmd_example)
