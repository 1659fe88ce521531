"""`make breaking`: the v1 gate fails on wire- or JSON-breaking edits and passes additive ones."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import copy_workspace, run

SRE_PROTO = "proto/ameide_core_proto/sre/core/v1/sre.proto"
VENV = str(Path(sys.executable).parent.parent)

# (description, text to find in sre.proto, replacement)
BREAKING = [
    ("renumbered field", "string producer = 4 [", "string producer = 14 ["),
    (
        "removed field without reserved",
        "string environment = 5 [(buf.validate.field).string.max_len = 63];",
        "",
    ),
    ("changed field type", "string cluster = 4 [", "int64 cluster = 4 ["),
    ("removed enum value", "SEVERITY_LOW = 4;", ""),
]
ADDITIVE = [
    (
        "added field",
        "message ResourceRef {",
        "message ResourceRef {\n  // Optional. A note.\n  string note = 99;",
    ),
    ("added enum value", "SEVERITY_LOW = 4;", "SEVERITY_LOW = 4;\n  // Informational.\n  SEVERITY_INFO = 5;"),
]


def _make_breaking(tmp_path: Path, find: str, replace: str) -> int:
    workspace = copy_workspace(tmp_path, "requirements", "pyproject.toml")
    proto = workspace / SRE_PROTO
    text = proto.read_text(encoding="utf-8")
    assert text.count(find) == 1, f"mutation anchor {find!r} not found once"
    proto.write_text(text.replace(find, replace), encoding="utf-8")
    return run(["make", "--no-print-directory", "breaking", f"VENV={VENV}"], cwd=workspace).returncode


def test_unchanged_contract_passes(tmp_path: Path) -> None:
    """The committed contract matches its baseline."""
    workspace = copy_workspace(tmp_path, "requirements", "pyproject.toml")
    assert run(["make", "breaking", f"VENV={VENV}"], cwd=workspace).returncode == 0


@pytest.mark.parametrize(("kind", "find", "replace"), BREAKING, ids=[b[0] for b in BREAKING])
def test_breaking_change_fails_the_gate(tmp_path: Path, kind: str, find: str, replace: str) -> None:
    """Each breaking mutation makes `make breaking` exit non-zero."""
    assert _make_breaking(tmp_path, find, replace) != 0, kind


@pytest.mark.parametrize(("kind", "find", "replace"), ADDITIVE, ids=[a[0] for a in ADDITIVE])
def test_additive_change_passes_the_gate(tmp_path: Path, kind: str, find: str, replace: str) -> None:
    """Additive changes keep `make breaking` green."""
    assert _make_breaking(tmp_path, find, replace) == 0, kind


def test_baseline_holds_only_the_contracts_own_files() -> None:
    """The committed baseline carries no third-party descriptor (validate.proto, well-known types)."""
    from google.protobuf import descriptor_pb2

    from tests.conftest import ROOT

    baseline = descriptor_pb2.FileDescriptorSet.FromString((ROOT / "compat/sre-v1.binpb").read_bytes())
    names = [file.name for file in baseline.file]
    assert "ameide_core_proto/sre/core/v1/sre.proto" in names
    assert all(name.startswith("ameide_core_proto/sre/") for name in names), names
