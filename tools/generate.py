"""Generate src/ameide_core_proto/ with `buf generate`, or check that it is current.

Usage:
    python tools/generate.py            # regenerate src/ameide_core_proto/ and the docs/ catalog
    python tools/generate.py --check    # regenerate into a temporary directory, fail on any difference

`buf generate` writes into a staging directory; this script then
  * moves validate.proto's generated module to a private place,
    `ameide_core_proto.sre._buf_validate_pb2`, so the wheel ships no top-level
    `buf` package that would overwrite another distribution's files, and points
    the generated imports at it;
  * makes that module reuse `buf/validate/validate.proto` when another library
    already registered it in the default descriptor pool (a second
    registration with different content fails with "duplicate file name");
  * adds `__init__.py` to every generated package and `py.typed` to
    `ameide_core_proto/sre/` (`ameide_core_proto` itself stays a PEP 420
    namespace shared with other Ameide contract packages);
  * writes the contract's descriptors with their comments as
    `ameide_core_proto/sre/sre_contract.binpb` (the event catalog reads it;
    the wheel also ships the .proto sources, taken from proto/ at build time);
  * compiles the contract's rules into `ameide_core_proto/sre/_fastpath.py`,
    the validation fast path (tools/fastpath/), and says which message types
    it leaves to protovalidate;
  * writes a ProtoJSON reader and writer per message type into
    `ameide_core_proto/sre/_protojson.py` (tools/fastpath/emit_json.py);
  * renders the event catalog, docs/catalog.md and docs/asyncapi.yaml, from
    the package (in --check mode, from the committed code).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import fastpath

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "ameide_core_proto"
DOCS = {"catalog.md": "markdown", "asyncapi.yaml": "asyncapi"}
OWNED_PACKAGE = Path("ameide_core_proto/sre")
PRIVATE_VALIDATE = "_buf_validate_pb2"

GENERATED_VALIDATE_IMPORT = "from buf.validate import validate_pb2 as buf_dot_validate_dot_validate__pb2\n"
PRIVATE_VALIDATE_IMPORT = (
    f"from ameide_core_proto.sre import {PRIVATE_VALIDATE} as buf_dot_validate_dot_validate__pb2\n"
)
GENERATED_REGISTRATION = "DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile("
SHARED_REGISTRATION = "DESCRIPTOR = _registered_or_add("
REUSE_HELPER = """

def _registered_or_add(serialized: bytes) -> _descriptor.FileDescriptor:
    # Another library may have registered its own copy of validate.proto in the
    # default pool; reuse it rather than fail with "duplicate file name".
    pool = _descriptor_pool.Default()
    try:
        return pool.FindFileByName("buf/validate/validate.proto")
    except KeyError:
        return pool.AddSerializedFile(serialized)

"""
IMPORTS_END = "# @@protoc_insertion_point(imports)\n"


class GenerationError(RuntimeError):
    """The generator's output no longer has the shape this script rewrites."""


def _replace_once(text: str, old: str, new: str, where: Path) -> str:
    if text.count(old) != 1:
        raise GenerationError(f"{where}: expected exactly one {old.strip()!r}")
    return text.replace(old, new)


GENERATOR_VENV = ROOT / "build" / "gen-venv"


def _env() -> dict[str, str]:
    """buf runs `python` for protoc and the local plugins: the generator venv's (`make` builds it)."""
    generators = GENERATOR_VENV / "bin"
    if not (generators / "python").exists():
        raise GenerationError(f"{GENERATOR_VENV} is missing: run `make generate` (it installs the generators)")
    env = dict(os.environ)
    env["PATH"] = f"{generators}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def run_buf_generate(staging: Path) -> None:
    subprocess.run(
        ["buf", "generate", "--template", "buf.gen.yaml", "-o", str(staging)], cwd=ROOT, env=_env(), check=True
    )
    contract = staging / "gen" / OWNED_PACKAGE / "sre_contract.binpb"
    subprocess.run(
        ["buf", "build", "proto", "--exclude-imports", "--as-file-descriptor-set", "-o", str(contract)],
        cwd=ROOT,
        env=_env(),
        check=True,
    )


def render_docs(out_dir: Path) -> None:
    """Render the catalog from the importable package (src/, installed editable) into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, form in DOCS.items():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ameide_sre_contracts.cli",
                "catalog",
                "--format",
                form,
                "--output",
                str(out_dir / name),
            ],
            cwd=ROOT,
            check=True,
        )


def arrange(staging: Path) -> Path:
    """Rewrite the staged output in place; return the tree to install as src/ameide_core_proto."""
    gen = staging / "gen"
    owned = gen / OWNED_PACKAGE
    generated_validate = gen / "buf" / "validate" / "validate_pb2.py"
    text = generated_validate.read_text(encoding="utf-8")
    text = _replace_once(text, GENERATED_REGISTRATION, SHARED_REGISTRATION, generated_validate)
    text = _replace_once(text, IMPORTS_END, IMPORTS_END + REUSE_HELPER, generated_validate)
    (owned / f"{PRIVATE_VALIDATE}.py").write_text(text, encoding="utf-8")
    shutil.move(generated_validate.with_suffix(".pyi"), owned / f"{PRIVATE_VALIDATE}.pyi")
    shutil.rmtree(gen / "buf")

    for module in sorted(owned.rglob("*_pb2.py")):
        text = module.read_text(encoding="utf-8")
        if GENERATED_VALIDATE_IMPORT in text:
            module.write_text(
                _replace_once(text, GENERATED_VALIDATE_IMPORT, PRIVATE_VALIDATE_IMPORT, module),
                encoding="utf-8",
            )
    leftovers = [
        p
        for p in owned.rglob("*.py*")
        if "from buf." in p.read_text(encoding="utf-8") or "import buf." in p.read_text(encoding="utf-8")
    ]
    if leftovers:
        raise GenerationError(f"modules still import the top-level `buf` package: {leftovers}")

    for stub in owned.rglob("*_pb2_grpc.pyi"):
        # mypy-protobuf stubs every file; only files with services get a module.
        if not stub.with_suffix(".py").exists():
            stub.unlink()
    for directory in [owned, *(d for d in owned.rglob("*") if d.is_dir())]:
        (directory / "__init__.py").touch()
    (owned / "py.typed").touch()
    (owned / "_payloads.py").write_text(payload_unions(owned / "sre_contract.binpb"), encoding="utf-8")
    fast, fast_stub, left = fastpath.generate(owned / "sre_contract.binpb")
    (owned / "_fastpath.py").write_text(fast, encoding="utf-8")
    (owned / "_fastpath.pyi").write_text(fast_stub, encoding="utf-8")
    reader, reader_stub = fastpath.generate_json(owned / "sre_contract.binpb")
    (owned / "_protojson.py").write_text(reader, encoding="utf-8")
    (owned / "_protojson.pyi").write_text(reader_stub, encoding="utf-8")
    for notice in fastpath.notices(left):
        print(notice, file=sys.stderr)
    unexpected = [p for p in gen.iterdir() if p.name != "ameide_core_proto"]
    if unexpected:
        raise GenerationError(f"unexpected generated top-level names: {unexpected}")
    return gen / "ameide_core_proto"


ENVELOPE_UNIONS = {
    "SreDomainIntent": "DomainIntentPayload",
    "SreDomainFact": "DomainFactPayload",
    "SreProcessFact": "ProcessFactPayload",
}


def payload_unions(contract: Path) -> str:
    """`_payloads.py`: each envelope's payload types as a union, read from the envelopes' oneofs."""
    from google.protobuf import descriptor_pb2

    image = descriptor_pb2.FileDescriptorSet.FromString(contract.read_bytes())
    module_of: dict[str, str] = {}
    for file in image.file:
        module = file.name.removesuffix(".proto").replace("/", ".") + "_pb2"
        for message in file.message_type:
            module_of[f".{file.package}.{message.name}"] = module
    imports: set[str] = set()
    unions: list[str] = []
    for file in image.file:
        for message in file.message_type:
            if message.name not in ENVELOPE_UNIONS:
                continue
            members = [field.type_name for field in message.field if field.HasField("oneof_index")]
            names = []
            for type_name in members:
                package, _, module = module_of[type_name].rpartition(".")
                imports.add(f"from {package} import {module}")
                names.append(f"    {module}.{type_name.rsplit('.', 1)[1]},")
            unions += [
                "",
                f"{ENVELOPE_UNIONS[message.name]}: TypeAlias = Union[",
                *names,
                "]",
                f'"""Every payload `{message.name}` carries, one per oneof case."""',
            ]
    header = [
        '"""The payload types each SRE envelope carries, as unions for type checkers.',
        "",
        "Generated by tools/generate.py from the envelopes' oneofs; do not edit.",
        '"""',
        "",
        "from typing import TypeAlias, Union",
        "",
        *sorted(imports),
        "",
    ]
    return "\n".join([*header, *unions]) + "\n"


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two trees (added, removed or changed)."""
    expected_files = {p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file()}
    actual_files = (
        {p.relative_to(actual).as_posix() for p in actual.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        if actual.exists()
        else set()
    )
    changed = {
        name for name in expected_files & actual_files if not filecmp.cmp(expected / name, actual / name, shallow=False)
    }
    return sorted((expected_files ^ actual_files) | changed)


def main(argv: list[str]) -> int:
    check = "--check" in argv[1:]
    with tempfile.TemporaryDirectory(prefix="sre-generate-") as tmp:
        staging = Path(tmp)
        run_buf_generate(staging)
        tree = arrange(staging)
        stale = [f"src/ameide_core_proto/{name}" for name in differences(tree, TARGET)]
        if check:
            render_docs(staging / "docs")
            stale += [f"docs/{name}" for name in DOCS if _differs(staging / "docs" / name, ROOT / "docs" / name)]
            if stale:
                print("generated files are out of date; run `make generate` and commit:", file=sys.stderr)
                for name in stale:
                    print(f"  {name}", file=sys.stderr)
                return 1
            print("generated code and docs are up to date")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(tree, TARGET)
        render_docs(ROOT / "docs")
        print(f"generated {len(list(TARGET.rglob('*.*')))} files into {TARGET.relative_to(ROOT)}, and docs/")
    return 0


def _differs(expected: Path, actual: Path) -> bool:
    return not actual.exists() or not filecmp.cmp(expected, actual, shallow=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
