"""tools/materialize_protodeps.py: validate.proto rendered faithfully from the protovalidate wheel."""

from __future__ import annotations

import sys
from pathlib import Path

from google.protobuf import descriptor_pb2

from testkit.workspace import source_files
from tests.conftest import PROTODEPS, ROOT, run, tool

sys.path.insert(0, str(ROOT / "tools"))
import materialize_protodeps


def _compile(module_dir: Path, out: Path) -> descriptor_pb2.FileDescriptorProto:
    run(
        [
            tool("buf"),
            "build",
            str(module_dir),
            "--as-file-descriptor-set",
            "--exclude-source-info",
            "-o",
            str(out),
        ],
        check=True,
    )
    compiled = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    (validate,) = [f for f in compiled.file if f.name == materialize_protodeps.VALIDATE_PROTO]
    return validate


def test_materialized_file_compiles_to_the_embedded_descriptor(tmp_path: Path) -> None:
    """Compiling the materialized validate.proto gives exactly the wheel's FileDescriptorProto."""
    compiled = _compile(PROTODEPS, tmp_path / "image.binpb")
    embedded = materialize_protodeps.embedded_validate_descriptor()
    assert compiled == embedded
    assert len(compiled.message_type) > 20
    assert compiled.extension


def test_a_rendering_difference_would_be_caught(tmp_path: Path) -> None:
    """The comparison is sensitive: dropping one rendered option changes the compiled descriptor."""
    text = (PROTODEPS / materialize_protodeps.VALIDATE_PROTO).read_text(encoding="utf-8")
    altered = text.replace('option java_package = "com.buf.validate";\n', "", 1)
    assert altered != text
    target = tmp_path / "deps" / materialize_protodeps.VALIDATE_PROTO
    target.parent.mkdir(parents=True)
    target.write_text(altered, encoding="utf-8")
    (tmp_path / "deps" / "buf.yaml").write_text("version: v2\n", encoding="utf-8")
    assert _compile(tmp_path / "deps", tmp_path / "image.binpb") != materialize_protodeps.embedded_validate_descriptor()


def test_materialize_rewrites_only_on_change(tmp_path: Path) -> None:
    """A second run leaves an up-to-date file alone; a stale file is rewritten."""
    assert materialize_protodeps.materialize(tmp_path) is True
    assert materialize_protodeps.materialize(tmp_path) is False
    target = tmp_path / materialize_protodeps.VALIDATE_PROTO
    target.write_text("stale", encoding="utf-8")
    assert materialize_protodeps.materialize(tmp_path) is True
    assert target.read_text(encoding="utf-8") == (PROTODEPS / materialize_protodeps.VALIDATE_PROTO).read_text(
        encoding="utf-8"
    )


def test_validate_proto_is_never_committed() -> None:
    """No validate.proto among the sources (tracked by git, or shipped in the sdist) anywhere."""
    sources = source_files()
    assert "pyproject.toml" in sources
    assert not [path for path in sources if path.endswith("validate.proto")]
