"""Schema changes, breaking and additive, applied to a copy of the protos to prove the `make breaking` gate."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from testkit.workspace import ROOT, copy_workspace, run

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
    after: tuple[str, str] | None = None
    """Optionally, a second anchor and the text inserted right after it (a field moved elsewhere)."""
    also: tuple[tuple[str, str, str], ...] = ()
    """Further edits, each (path, anchor, replacement), applied in order after this one (a message moved)."""

    def apply(self, text: str) -> str:
        """The file's text with the change applied; each anchor must occur exactly once."""
        for anchor in (self.find, *(self.after[:1] if self.after else ())):
            if text.count(anchor) != 1:
                raise AssertionError(f"{self.kind}: anchor {anchor!r} is not in {self.path} exactly once")
        text = text.replace(self.find, self.replace)
        if self.after is not None:
            anchor, inserted = self.after
            text = text.replace(anchor, anchor + inserted)
        return text


POSTMORTEM = CORE + "postmortem.proto"
SERVICE = CORE + "service.proto"


def _message_text(path: str, name: str) -> str:
    """A top-level message's text in the committed contract, its leading comment and a blank line included."""
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(f"\nmessage {name} {{\n")
    start = text.rindex("\n\n", 0, start) + 2  # back over the leading comment
    end = text.index("\n}\n", start) + 3
    return text[start:end] + "\n"


ACTION_ITEM = _message_text(POSTMORTEM, "PostmortemActionItem")

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
        "    IncidentTriageCompleted incident_triage_completed = 18;\n",
        "",
        True,
        after=(
            "    TriageCancelled triage_cancelled = 23;\n  }\n",
            "  IncidentTriageCompleted incident_triage_completed = 18;\n",
        ),
    ),
    Change(
        "delete an enum value",
        CORE + "sre.proto",
        "  SEVERITY_LOW = 4 [",
        "  reserved 4;\n  SEVERITY_LOWER = 40 [",
        True,
    ),
    Change(
        "rename a package",
        PROCESS,
        "package ameide_core_proto.sre.process.v1;",
        "package ameide_core_proto.sre.process.v2;",
        True,
    ),
    Change(  # same full name, same wire and JSON: only the generated import `postmortem_pb2` breaks
        "move a message to another file",
        POSTMORTEM,
        ACTION_ITEM,
        "",
        True,
        also=(
            (
                POSTMORTEM,
                'import "ameide_core_proto/sre/core/v1/incident.proto";\n',
                'import "ameide_core_proto/sre/core/v1/incident.proto";\n'
                'import "ameide_core_proto/sre/core/v1/service.proto";\n',
            ),
            (SERVICE, "// An entry of the service catalog", ACTION_ITEM + "// An entry of the service catalog"),
        ),
    ),
    Change(  # the wire and JSON carry no message name: only code that names it breaks
        "rename a message",
        POSTMORTEM,
        "message PostmortemActionItem {",
        "message PostmortemTask {",
        True,
        also=((POSTMORTEM, "repeated PostmortemActionItem action_items", "repeated PostmortemTask action_items"),),
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
        "    FleetStateRecorded fleet_state_recorded = 51;\n    // Newer.\n    IncidentClosed incident_archived = 90;",
        False,
    ),
    Change(
        "add an enum value",
        CORE + "alert.proto",
        "  ALERT_SOURCE_KUBERNETES = 5;",
        "  ALERT_SOURCE_KUBERNETES = 5;\n  // Datadog monitors.\n  ALERT_SOURCE_DATADOG = 6;",
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
    proto.write_text(change.apply(proto.read_text(encoding="utf-8")), encoding="utf-8")
    for path, anchor, replacement in change.also:
        edited = workspace / path
        text = edited.read_text(encoding="utf-8")
        if text.count(anchor) != 1:
            raise AssertionError(f"{change.kind}: anchor {anchor!r} is not in {path} exactly once")
        edited.write_text(text.replace(anchor, replacement), encoding="utf-8")
    compiled = run(["buf", "build", "proto", "-o", "/dev/null"], cwd=workspace)
    if compiled.returncode != 0:
        raise AssertionError(f"{change.kind}: the mutated protos do not compile:\n{compiled.stderr}")
    gate = run(["make", "--no-print-directory", "breaking", f"VENV={VENV}"], cwd=workspace)
    return gate.returncode != 0, gate.stdout + gate.stderr
