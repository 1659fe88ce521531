"""tools/generate.py: generation is reproducible, drift is caught, validate.proto stays private."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, copy_workspace, run

GENERATED = ROOT / "src" / "ameide_core_proto"


def test_committed_generated_code_is_current() -> None:
    """Regenerating into a temporary directory reproduces the committed tree byte for byte."""
    result = run([sys.executable, "tools/generate.py", "--check"])
    assert result.returncode == 0, result.stderr


def test_drift_is_reported_by_file(tmp_path: Path) -> None:
    """An edited and a deleted generated file both fail the check, each named."""
    workspace = copy_workspace(tmp_path)
    shutil.copytree(GENERATED, workspace / "src" / "ameide_core_proto")
    edited = workspace / "src/ameide_core_proto/sre/core/v1/sre_pb2.pyi"
    edited.write_text(edited.read_text(encoding="utf-8") + "# hand edit\n", encoding="utf-8")
    (workspace / "src/ameide_core_proto/sre/py.typed").unlink()
    result = run([sys.executable, "tools/generate.py", "--check"], cwd=workspace)
    assert result.returncode == 1
    assert "sre/core/v1/sre_pb2.pyi" in result.stderr
    assert "sre/py.typed" in result.stderr


def test_generated_modules_never_import_a_top_level_buf_package() -> None:
    """Every generated module reaches validate.proto through the private module."""
    importing = [p for p in GENERATED.rglob("*_pb2.py") if "_buf_validate_pb2" in p.read_text(encoding="utf-8")]
    assert importing, "no generated module imports the private validate module"
    for path in (p for p in GENERATED.rglob("*") if p.suffix in (".py", ".pyi")):
        text = path.read_text(encoding="utf-8")
        assert "from buf" not in text, path
        assert "import buf" not in text, path


def _python(code: str) -> str:
    result = run([sys.executable, "-c", textwrap.dedent(code)])
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_validate_proto_registered_by_another_library_first_is_reused() -> None:
    """When another copy of validate.proto is already in the default pool, the contract reuses it."""
    out = _python(
        """
        from google.protobuf import descriptor_pool, descriptor_pb2
        from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2  # validate.proto's imports
        from protovalidate._gen.buf.validate import validate_pb
        other = descriptor_pb2.FileDescriptorProto.FromString(validate_pb.desc().proto.to_binary())
        other.options.java_package = "com.example.another.copy"   # a different build of the same file
        registered = descriptor_pool.Default().AddSerializedFile(other.SerializeToString())

        from ameide_core_proto.sre import _buf_validate_pb2
        from ameide_core_proto.sre.core.v1 import sre_pb2
        import protovalidate
        assert _buf_validate_pb2.DESCRIPTOR is registered
        rules = [v.proto.rule_id for v in protovalidate.collect_violations(sre_pb2.SreMessageMeta())]
        print(sorted(rules))
        """
    )
    assert "'required'" in out
    assert "'string.min_len'" in out


def test_another_library_registering_the_same_release_after_the_contract_succeeds() -> None:
    """A library loaded later that registers the same validate.proto release does not collide."""
    out = _python(
        """
        from ameide_core_proto.sre.core.v1 import sre_pb2
        from google.protobuf import descriptor_pool
        from protovalidate._gen.buf.validate import validate_pb
        again = descriptor_pool.Default().AddSerializedFile(validate_pb.desc().proto.to_binary())
        print(again.name)
        """
    )
    assert out.strip() == "buf/validate/validate.proto"


def test_runtime_floors_are_what_the_pinned_generators_emit() -> None:
    """pyproject's protobuf and grpcio floors equal the versions the generated code checks at import."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    generated = (GENERATED / "sre/core/v1/sre_pb2.py").read_text(encoding="utf-8")
    emitted = re.search(r"Domain\.PUBLIC,\s*(\d+),\s*(\d+),\s*(\d+),", generated).groups()  # type: ignore[union-attr]
    declared = next(d for d in project["dependencies"] if d.startswith("protobuf"))
    floor = re.search(r">=([\d.]+)", declared).group(1)  # type: ignore[union-attr]
    # The window is googleapis-common-protos': it starts no later than 6.33.5 and no earlier than the gencode.
    assert tuple(int(part) for part in emitted) <= tuple(int(part) for part in floor.split(".")) <= (6, 33, 5)
    assert declared.endswith(",<8")
    grpc_stub = (GENERATED / "sre/core/v1/query_pb2_grpc.py").read_text(encoding="utf-8")
    grpc_version = re.search(r"GRPC_GENERATED_VERSION = '([\d.]+)'", grpc_stub).group(1)  # type: ignore[union-attr]
    assert f"grpcio>={grpc_version}" in project["optional-dependencies"]["grpc"]
