"""How the work budgets are measured: one call's time and peak memory, and a measurement in a fresh process."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import timeit
import tracemalloc
from collections.abc import Callable
from typing import Any

from testkit.workspace import ROOT


def time_and_memory(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """`call`'s result the first time, its best time of three, and its extra memory in KiB.

    Memory is the larger of the Python allocations' peak (tracemalloc) and how far the process's peak
    resident size rose: native allocations (upb, protovalidate) are invisible to tracemalloc."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    result = call()
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    native = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024  # KiB on Linux
    best = min(timeit.repeat(call, number=1, repeat=3))
    return result, best, max(native, python_peak) / 1024


def in_fresh_process(script: str, arguments: list[str], data: bytes) -> dict[str, float]:
    """`python script --measure *arguments FILE` with `data` in FILE: the JSON measurement it prints."""
    with tempfile.NamedTemporaryFile(suffix=".input") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(
            [sys.executable, script, "--measure", *arguments, handle.name],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=900,
            check=True,
        )
    result: dict[str, float] = json.loads(done.stdout)
    return result
