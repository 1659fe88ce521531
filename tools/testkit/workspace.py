"""Paths, envelope types and subprocess helpers shared by tests and tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
PROTODEPS = ROOT / "build" / "protodeps"
ENVELOPES: list[type[Message]] = [
    intents_pb2.SreDomainIntent,
    facts_pb2.SreDomainFact,
    process_facts_pb2.SreProcessFact,
]


def run(
    args: list[str], *, cwd: Path = ROOT, check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command with the venv first on PATH, capturing text output."""
    merged = dict(os.environ)
    merged["PATH"] = f"{VENV_BIN}{os.pathsep}{merged.get('PATH', '')}"
    merged.update(env or {})
    result = subprocess.run(args, cwd=cwd, env=merged, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


# What a checkout or an unpacked sdist holds beside its sources: tool state and build products.
_NOT_SOURCES = {".git", ".venv", "build", "dist", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
_NOT_SOURCES_ANYWHERE = {"__pycache__", ".hypothesis"}


def source_files(root: Path = ROOT) -> list[str]:
    """The project's source files, relative to `root`: what git tracks, or in a tree without git
    (an unpacked sdist) every file but tool state and build products."""
    if (root / ".git").exists():
        listed = run(["git", "ls-files"], cwd=root, check=True).stdout.splitlines()
        return sorted(path for path in listed if (root / path).exists())
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if parts[0] in _NOT_SOURCES or _NOT_SOURCES_ANYWHERE & set(parts) or not path.is_file():
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        found.append(path.relative_to(root).as_posix())
    return sorted(found)


def copy_workspace(destination: Path, *extra: str) -> Path:
    """Copy the buf workspace (and `extra` top-level paths) to destination, keeping mtimes."""
    for name in ("buf.yaml", "buf.gen.yaml", "Makefile", "proto", "compat", "tools", *extra):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    shutil.copytree(PROTODEPS, destination / "build" / "protodeps")
    generators = ROOT / "build" / "gen-venv"
    if generators.is_dir():  # the generators' venv, shared: it is large and read-only here
        (destination / "build" / "gen-venv").symlink_to(generators)
    return destination
