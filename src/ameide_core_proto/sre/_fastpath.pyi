"""Types of the generated fast path (see _fastpath.py): a check takes the message and its encoded size
in bytes (or any larger number when the size is not at hand)."""

from collections.abc import Callable
from typing import Any

CHECKS: dict[str, Callable[[Any, int], bool]]
UNSUPPORTED: dict[str, str]
TRIVIAL: frozenset[str]
