"""`ingest`: another system's payload, JSON or YAML, as validated intents (JSON lines or length-delimited frames)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ameide_core_proto.sre.core.v1.sre_pb2 import SreMessageMeta
from ameide_sre_contracts.adapters import KINDS, ingest
from ameide_sre_contracts.cli._io import EXIT_OK, bad_argument, bad_input, delimited, json_line, read, write
from ameide_sre_contracts.codec import encode, to_json
from ameide_sre_contracts.errors import DecodeError
from ameide_sre_contracts.validation import violations

_STAMPED = {"tenant_id": "--tenant", "producer": "--producer"}


def _check_stamps(args: argparse.Namespace) -> None:
    """The tenant and producer every intent carries, checked by the contract's own rules before any input is read:
    a bad one is the argument's fault, not the input's."""
    meta = SreMessageMeta(tenant_id=args.tenant, producer=args.producer)
    for violation in violations(meta):
        if violation.field_path in _STAMPED:
            bad_argument(_STAMPED[violation.field_path], f"{violation.message} [{violation.rule_id}]")


def cmd_ingest(args: argparse.Namespace) -> int:
    _check_stamps(args)
    data = read(args.file)
    try:
        intents = ingest(
            args.kind,
            data,
            tenant_id=args.tenant,
            producer=args.producer,
            cluster=args.cluster,
            environment=args.environment,
            include_normal=args.include_normal,
        )
    except DecodeError as error:
        bad_input(f"not {args.kind}'s payload: {error}")
    if args.format == "binary":
        write(b"".join(delimited(encode(intent)) for intent in intents), None)
    else:
        for intent in intents:
            print(json_line(to_json(intent)))
    print(f"{len(intents)} intent(s)", file=sys.stderr)
    return EXIT_OK


def add_commands(command: Any) -> None:
    """The command's arguments, on the parser's `command(name, summary, description)` factory."""
    ingest_cmd = command(
        "ingest",
        "map another system's payload into validated intents (JSON lines)",
        "Map what Alertmanager or Grafana (webhook, API v2), Argo CD (Applications), Kubernetes\n"
        "(events), OpenSLO (any v1 kinds), PagerDuty (webhook v3), Opsgenie, Jira or GitHub (webhooks)\n"
        "publish into intents, one per line. JSON or YAML in, for every kind.",
    )
    ingest_cmd.add_argument("kind", choices=KINDS)
    ingest_cmd.add_argument("file", nargs="?", default="-", help="file to read, or - (default: stdin)")
    ingest_cmd.add_argument("--tenant", required=True, help="the tenant the intents belong to")
    ingest_cmd.add_argument("--producer", required=True, help="the producer name to stamp on them")
    ingest_cmd.add_argument("--cluster", help="the cluster (argocd, kubernetes; the SLO scope's for openslo)")
    ingest_cmd.add_argument("--environment", help="the environment (argocd, kubernetes, openslo)")
    ingest_cmd.add_argument("--include-normal", action="store_true", help="kubernetes: map Normal events too")
    ingest_cmd.add_argument(
        "--format",
        choices=["json", "binary"],
        default="json",
        help="json: one ProtoJSON intent per line; binary: length-delimited protobuf frames",
    )
    ingest_cmd.set_defaults(run=cmd_ingest)
