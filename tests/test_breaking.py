"""`make breaking`: the v1 gate refuses every wire- or JSON-breaking change and accepts additive ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from testkit.evolution import CHANGES, VENV, Change, apply_and_check
from tests.conftest import ROOT, copy_workspace, run


def test_unchanged_contract_passes(tmp_path: Path) -> None:
    """The committed contract matches its baseline."""
    workspace = copy_workspace(tmp_path, "requirements", "pyproject.toml")
    assert run(["make", "breaking", f"VENV={VENV}"], cwd=workspace).returncode == 0


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.kind)
def test_gate_verdict(tmp_path: Path, change: Change) -> None:
    """Breaking changes are refused (with buf's reason); additive changes pass."""
    refused, output = apply_and_check(change, tmp_path)
    assert refused == change.breaking, output
    if change.breaking:
        assert "proto/ameide_core_proto/sre/" in output, output


def test_every_required_kind_is_covered() -> None:
    """The eight breaking kinds and four additive kinds the contract promises are all exercised."""
    assert sum(change.breaking for change in CHANGES) == 8
    assert sum(not change.breaking for change in CHANGES) == 4


def test_baseline_holds_only_the_contracts_own_files() -> None:
    """The committed baseline carries no third-party descriptor (validate.proto, well-known types)."""
    baseline = descriptor_pb2.FileDescriptorSet.FromString((ROOT / "compat/sre-v1.binpb").read_bytes())
    names = [file.name for file in baseline.file]
    assert "ameide_core_proto/sre/core/v1/sre.proto" in names
    assert all(name.startswith("ameide_core_proto/sre/") for name in names), names
