"""The published artifact: the wheel installs and works on its own in a fresh virtual environment."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from testkit.workspace import source_files
from tests.conftest import ROOT, run

ALLOWED_TOP_LEVEL = {"ameide_core_proto", "ameide_sre_contracts"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("*.whl")
    return built


def test_wheel_exposes_only_the_contract_packages(wheel: Path) -> None:
    """No top-level import name but the two packages; no top-level `buf`; namespace kept open."""
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == ALLOWED_TOP_LEVEL
    assert "ameide_core_proto/__init__.py" not in names, "ameide_core_proto must stay a PEP 420 namespace"
    assert "ameide_core_proto/py.typed" not in names
    assert "ameide_core_proto/sre/py.typed" in names
    assert "ameide_sre_contracts/py.typed" in names
    assert "ameide_core_proto/sre/sre_contract.binpb" in names
    assert "ameide_core_proto/sre/core/v1/facts.proto" in names
    assert not [n for n in names if n.endswith(".proto") and "validate" in n]


def test_wheel_installs_and_validates_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    """Installed with only its declared dependencies, every generated module imports and validates."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        timeout=600,
    )
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import ameide_core_proto, ameide_sre_contracts
        from pathlib import Path
        site = Path(ameide_sre_contracts.__file__).parent.parent
        assert "site-packages" in str(site), site
        modules = [m.name for m in pkgutil.walk_packages(ameide_core_proto.__path__, "ameide_core_proto.")]
        for name in modules:
            if not name.endswith("_pb2_grpc"):
                importlib.import_module(name)
        from ameide_core_proto.sre.core.v1 import sre_pb2
        import protovalidate
        from ameide_sre_contracts import cloudevents, confluent, kafka, testing
        from ameide_core_proto.sre.core.v1 import facts_pb2
        fact = testing.examples(facts_pb2.SreDomainFact)[0]
        record = kafka.to_kafka(fact)
        assert kafka.from_kafka(record.topic, record.key, record.value, record.headers) == fact
        assert cloudevents.from_http(*cloudevents.to_http(fact)) == fact
        bad = sre_pb2.SreMessageMeta(message_id="not-a-uuid")
        rules = sorted({v.proto.rule_id for v in protovalidate.collect_violations(bad)})
        print(len(modules), rules)
        """
    )
    result = subprocess.run([python, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    count, rules = result.stdout.split(" ", 1)
    assert int(count) >= 12
    assert "string.uuid" in rules
    assert "required" in rules
    topics = subprocess.run([str(env_dir / "bin" / "sre-contracts"), "topics"], capture_output=True, text=True)
    assert topics.returncode == 0, topics.stderr
    assert "sre.domain.facts.v1" in topics.stdout
    catalog = subprocess.run([str(env_dir / "bin" / "sre-contracts"), "catalog"], capture_output=True, text=True)
    assert catalog.returncode == 0, catalog.stderr
    assert "### IncidentCreated" in catalog.stdout
    without_grpc = subprocess.run(
        [python, "-c", "import ameide_sre_contracts.grpc"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert "No module named 'grpc'" in without_grpc.stderr

    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[grpc]"],
        check=True,
        timeout=600,
    )
    with_grpc = subprocess.run(
        [
            python,
            "-c",
            "from ameide_core_proto.sre.core.v1 import query_pb2_grpc; import ameide_sre_contracts.grpc as g; "
            "print(query_pb2_grpc.SreIncidentQueryServiceStub.__name__, g.ValidatingInterceptor.__name__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert with_grpc.stdout.split() == ["SreIncidentQueryServiceStub", "ValidatingInterceptor"], with_grpc.stderr


def test_sdist_carries_every_source_file(tmp_path: Path) -> None:
    """The sdist holds every source file (what git tracks), so `make test` runs from it unpacked."""
    run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
    )
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        shipped = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    sources = source_files()
    assert "Makefile" in sources
    assert "tests/fixtures/real/SOURCES.yaml" in sources
    assert sorted(set(sources) - shipped) == []
