"""`make bench QUICK=1` runs end to end (numbers are not asserted: machines are shared and noisy)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import ROOT, run

VENV = str(Path(sys.executable).parent.parent)


def test_quick_benchmark_writes_a_report(tmp_path: Path) -> None:
    """The quick run measures every operation for the three envelopes and writes the ratios."""
    out = tmp_path / "benchmarks.md"
    result = run(["make", "--no-print-directory", "bench", "QUICK=1", f"BENCH_OUT={out}", f"VENV={VENV}"], cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    for row in (
        "parse (FromString)",
        "decode(validate=True)",
        "encode(validate=True)",
        "generated check alone",
        "parse + protovalidate 2.x validate (envelope rules in CEL)",
        "pydantic model_validate_json (JSON bytes)",
        "msgspec json.decode (JSON bytes)",
        "from_kafka",
        "from_http",
        "protovalidate 1.2.0 validate",
    ):
        assert f"| {row} |" in report, row
    for ratio in (
        "decode(validate=True) ÷ bare parse",
        "encode(validate=True) ÷ bare serialize",
        "the previous release's decode work ÷ decode",
        "from_kafka ÷ decode",
    ):
        assert f"| {ratio} |" in report, ratio
    assert "Cold import" in report
    assert "Targets met in this run:" in report
