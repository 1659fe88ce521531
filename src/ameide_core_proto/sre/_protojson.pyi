"""Types of the generated ProtoJSON reader and writer (see _protojson.py)."""

from collections.abc import Callable
from typing import Any

READERS: dict[str, Callable[[Any, bool], dict[str, Any]]]
WRITERS: dict[str, Callable[[Any], dict[str, Any]]]
