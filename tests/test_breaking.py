"""`make breaking`: the v1 gate refuses every wire- or JSON-breaking change and accepts additive ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

import ameide_sre_contracts as sre
from testkit.evolution import CHANGES, CORE, VENV, Change, apply_and_check
from tests.conftest import ROOT, copy_workspace, run

BASELINES = sorted((ROOT / "compat").glob("sre-v1.*.binpb"))


def test_unchanged_contract_passes_against_every_released_baseline(tmp_path: Path) -> None:
    """The committed contract is compatible with every released v1 contract, each checked by name."""
    workspace = copy_workspace(tmp_path, "requirements", "pyproject.toml")
    gate = run(["make", "breaking", f"VENV={VENV}"], cwd=workspace)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert [path.name for path in BASELINES] == ["sre-v1.0.binpb", "sre-v1.1.binpb", "sre-v1.2.binpb"]
    for baseline in BASELINES:
        assert f"against compat/{baseline.name}" in gate.stdout


def test_the_gate_refuses_what_breaks_only_the_newest_release(tmp_path: Path) -> None:
    """A field released in 1.1 deleted: compatible with 1.0, refused because 1.1 is checked too."""
    change = Change(
        "delete a field released in 1.1",
        CORE + "alert.proto",
        "  string raw_severity = 13 [(buf.validate.field).string.max_len = 256];\n",
        "",
        True,
    )
    refused, output = apply_and_check(change, tmp_path)
    assert refused, output
    assert "against compat/sre-v1.0.binpb" in output
    assert "raw_severity" in output


@pytest.mark.parametrize("kind", ["move a message to another file", "rename a message"])
def test_the_gate_protects_generated_imports_against_the_baselines_held_to_file(tmp_path: Path, kind: str) -> None:
    """Wire- and JSON-compatible, so 1.0 (held to WIRE_JSON) passes it; 1.1, held to FILE, refuses it."""
    change = next(candidate for candidate in CHANGES if candidate.kind == kind)
    refused, output = apply_and_check(change, tmp_path)
    assert refused, output
    assert "buf breaking (WIRE_JSON) against compat/sre-v1.0.binpb" in output
    assert "buf breaking (FILE) against compat/sre-v1.1.binpb" in output
    assert "PostmortemActionItem" in output, output


def test_a_released_contract_version_is_never_rewritten(tmp_path: Path) -> None:
    """The contract at a released version equals that release's image; changing it means raising the version."""
    minor = ".".join(sre.CONTRACT_VERSION.split(".")[:2])
    released = ROOT / "compat" / f"sre-v{minor}.binpb"
    if not released.exists():  # an unreleased version in the making: nothing to compare yet
        return
    built = tmp_path / "now.binpb"
    run(["buf", "build", "proto", "--exclude-imports", "-o", str(built)], check=True)
    now, then = (_without_source_info(path) for path in (built, released))
    assert now == then, f"the contract differs from released {released.name}: raise contract_version in sre.proto"
    (tmp_path / "w").mkdir()
    workspace = copy_workspace(tmp_path / "w", "requirements", "pyproject.toml")
    refused = run(["make", "--no-print-directory", "baseline", f"VENV={VENV}"], cwd=workspace)
    assert refused.returncode != 0
    assert "is released" in refused.stdout + refused.stderr


def _without_source_info(path: Path) -> dict[str, bytes]:
    image = descriptor_pb2.FileDescriptorSet.FromString(path.read_bytes())
    files = {}
    for file in image.file:
        file.ClearField("source_code_info")
        files[file.name] = file.SerializeToString(deterministic=True)
    return files


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.kind)
def test_gate_verdict(tmp_path: Path, change: Change) -> None:
    """Breaking changes are refused (with buf's reason); additive changes pass."""
    refused, output = apply_and_check(change, tmp_path)
    assert refused == change.breaking, output
    if change.breaking:
        assert "proto/ameide_core_proto/sre/" in output, output


def test_every_required_kind_is_covered() -> None:
    """The ten breaking kinds and four additive kinds the contract promises are all exercised."""
    assert sum(change.breaking for change in CHANGES) == 10
    assert sum(not change.breaking for change in CHANGES) == 4


@pytest.mark.parametrize("baseline", BASELINES, ids=lambda path: path.name)
def test_baseline_holds_only_the_contracts_own_files(baseline: Path) -> None:
    """A committed baseline carries no third-party descriptor (validate.proto, well-known types)."""
    image = descriptor_pb2.FileDescriptorSet.FromString(baseline.read_bytes())
    names = [file.name for file in image.file]
    assert "ameide_core_proto/sre/core/v1/sre.proto" in names
    assert all(name.startswith("ameide_core_proto/sre/") for name in names), names
