"""The distribution's version: the one place it is written (pyproject.toml reads it from here)."""

__version__ = "1.1.0"
