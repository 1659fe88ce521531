"""The Makefile: set-up is incremental."""

from __future__ import annotations

from tests.conftest import run


def test_second_setup_has_nothing_to_do() -> None:
    """With nothing changed, `make setup protodeps` would run no command (nothing reinstalled)."""
    result = run(["make", "--question", "setup", "protodeps"])
    assert result.returncode == 0, "make would rebuild: " + run(["make", "--dry-run", "setup", "protodeps"]).stdout
