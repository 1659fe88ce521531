"""The package's public surface."""

from __future__ import annotations

from importlib.metadata import version

import pytest

import ameide_sre_contracts as sre


def test_version_is_the_distributions() -> None:
    """__version__ is a real attribute and equals the installed distribution's version."""
    assert sre.__version__ == version("ameide-sre-contracts")


def test_every_exported_name_exists() -> None:
    """__all__ lists only names the package defines; unknown attributes raise AttributeError."""
    for name in sre.__all__:
        assert hasattr(sre, name), name
    unknown = "no_such_name"
    with pytest.raises(AttributeError, match=unknown):
        getattr(sre, unknown)
