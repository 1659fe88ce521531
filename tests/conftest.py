"""Shared paths and helpers for the test suite (the machinery itself lives in tools/testkit)."""

from __future__ import annotations

import shutil

from google.protobuf.message import Message

from testkit.workspace import ENVELOPES, PROTODEPS, ROOT, VENV_BIN, copy_workspace, run

__all__ = ["ENVELOPES", "PROTODEPS", "ROOT", "VENV_BIN", "all_examples", "copy_workspace", "example_id", "run", "tool"]


def all_examples() -> list[Message]:
    """One valid example envelope per oneof case of every envelope."""
    from ameide_sre_contracts import testing

    return [envelope for envelope_type in ENVELOPES for envelope in testing.examples(envelope_type)]


def example_id(envelope: Message) -> str:
    """A test id naming the envelope and its payload, e.g. `SreDomainFact.IncidentCreated`."""
    import ameide_sre_contracts as sre

    return f"{type(envelope).__name__}.{sre.payload_of(envelope).DESCRIPTOR.name}"


def tool(name: str) -> str:
    """The absolute path of a console tool installed in the test venv; fail if it is missing."""
    path = VENV_BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise AssertionError(f"{name} is not installed; run `make setup`")
        return found
    return str(path)
