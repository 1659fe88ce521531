"""Schema changes, breaking and additive, applied to a copy of the protos to prove the `make breaking` gate."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from testkit.workspace import copy_workspace, run

CORE = "proto/ameide_core_proto/sre/core/v1/"
PROCESS = "proto/ameide_core_proto/sre/process/v1/process_facts.proto"
VENV = str(Path(sys.executable).parent.parent)


@dataclass(frozen=True)
class Change:
    """One edit of one proto file; `breaking` says whether the gate must refuse it."""

    kind: str
    path: str
    find: str
    replace: str
    breaking: bool


CHANGES = [
    Change("renumber a field", CORE + "sre.proto", "string producer = 4 [", "string producer = 14 [", True),
    Change(
        "delete a field without reserving it",
        CORE + "sre.proto",
        "string environment = 5 [(buf.validate.field).string.max_len = 63];",
        "",
        True,
    ),
    Change("change a field's type", CORE + "sre.proto", "string cluster = 4 [", "int64 cluster = 4 [", True),
    Change(
        "change a field's JSON name",
        CORE + "sre.proto",
        "string producer = 4 [(buf.validate.field).string = {",
        'string producer = 4 [json_name = "origin", (buf.validate.field).string = {',
        True,
    ),
    Change(
        "move a field into a oneof",
        CORE + "sre.proto",
        "string namespace = 3 [(buf.validate.field).string.max_len = 63];",
        "oneof location {\n    string namespace = 3 [(buf.validate.field).string.max_len = 63];\n  }",
        True,
    ),
    Change(
        "move a field out of a oneof",
        PROCESS,
        "    IncidentTriageCompleted incident_triage_completed = 18;\n  }",
        "  }\n  // Moved out.\n  IncidentTriageCompleted incident_triage_completed = 18;",
        True,
    ),
    Change("delete an enum value", CORE + "sre.proto", "  SEVERITY_LOW = 4;\n", "", True),
    Change(
        "rename a package",
        PROCESS,
        "package ameide_core_proto.sre.process.v1;",
        "package ameide_core_proto.sre.process.v2;",
        True,
    ),
    Change(
        "add a field",
        CORE + "sre.proto",
        "message ResourceRef {",
        "message ResourceRef {\n  // Optional. A note.\n  string note = 99;",
        False,
    ),
    Change(
        "add a oneof case",
        CORE + "facts.proto",
        "    FleetStateRecorded fleet_state_recorded = 51;",
        "    FleetStateRecorded fleet_state_recorded = 51;\n    // Newer.\n    IncidentClosed incident_archived = 60;",
        False,
    ),
    Change(
        "add an enum value",
        CORE + "sre.proto",
        "  SEVERITY_LOW = 4;",
        "  SEVERITY_LOW = 4;\n  // Informational.\n  SEVERITY_INFO = 5;",
        False,
    ),
    Change(
        "add a message",
        CORE + "sre.proto",
        "// The aggregate a domain message is about",
        "// A new message.\nmessage Brandnew {\n  // A field.\n  string name = 1;\n}\n\n"
        "// The aggregate a domain message is about",
        False,
    ),
]


def apply_and_check(change: Change, workspace_dir: Path) -> tuple[bool, str]:
    """Apply `change` to a fresh workspace copy; return (gate refused it, gate output).

    The mutated protos must still compile, so a refusal is the gate's verdict,
    not a syntax error.
    """
    workspace = copy_workspace(workspace_dir, "requirements", "pyproject.toml")
    proto = workspace / change.path
    text = proto.read_text(encoding="utf-8")
    if text.count(change.find) != 1:
        raise AssertionError(f"{change.kind}: anchor {change.find!r} is not in {change.path} exactly once")
    proto.write_text(text.replace(change.find, change.replace), encoding="utf-8")
    compiled = run(["buf", "build", "proto", "-o", "/dev/null"], cwd=workspace)
    if compiled.returncode != 0:
        raise AssertionError(f"{change.kind}: the mutated protos do not compile:\n{compiled.stderr}")
    gate = run(["make", "--no-print-directory", "breaking", f"VENV={VENV}"], cwd=workspace)
    return gate.returncode != 0, gate.stdout + gate.stderr
