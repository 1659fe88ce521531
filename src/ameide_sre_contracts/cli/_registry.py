"""`registry plan`: what to register in Confluent Schema Registry for the envelopes, without registering it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ameide_sre_contracts import confluent
from ameide_sre_contracts.cli._io import EXIT_OK, bad_argument
from ameide_sre_contracts.errors import UnknownTopicError
from ameide_sre_contracts.topics import TOPICS


def cmd_registry_plan(args: argparse.Namespace) -> int:
    try:
        plan = confluent.schemas(args.topic or None)
    except UnknownTopicError as error:
        bad_argument("--topic", str(error))
    for number, entry in enumerate(plan, start=1):
        if args.format == "json":
            references = [{"name": name, "subject": subject} for name, subject in entry.references]
            line = {"subject": entry.subject, "file": entry.file, "schemaType": "PROTOBUF", "schema": entry.schema}
            print(json.dumps({**line, "references": references}))
            continue
        needs = ", ".join(subject for _, subject in entry.references) or "nothing"
        print(f"{number:>2}. {entry.subject}  (file {entry.file}; references {needs})")
    return EXIT_OK


def add_commands(command: Any) -> None:
    """The command's arguments, on the parser's `command(name, summary, description)` factory."""
    registry = command(
        "registry",
        "Confluent Schema Registry: what to register for the envelopes",
        "Print the schemas an envelope needs registered before its own, dependencies first, each under\n"
        "the subject Confluent's serializers expect (a file's name; <topic>-value for an envelope).\n"
        "confluent.register(client) registers them.",
    )
    actions = registry.add_subparsers(dest="action", required=True, metavar="ACTION")
    plan = actions.add_parser("plan", help="print the registration plan without registering")
    plan.add_argument("--topic", "-t", action="append", help=f"only this topic's envelope; one of {', '.join(TOPICS)}")
    plan.add_argument(
        "--format", choices=["text", "json"], default="text", help="json: one registry request body per line"
    )
    plan.set_defaults(run=cmd_registry_plan)
