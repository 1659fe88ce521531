"""Comparisons the adapter tests share: what "nothing lost" means for foreign JSON and for intents."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from google.protobuf.message import Message

from ameide_sre_contracts import to_json
from ameide_sre_contracts._rfc3339 import parse_timestamp
from ameide_sre_contracts.adapters._json import load_documents

REAL = Path(__file__).parent / "fixtures" / "real"
SOURCES: dict[str, dict[str, str]] = yaml.safe_load((REAL / "SOURCES.yaml").read_text(encoding="utf-8"))


def fixtures(folder: str) -> list[Path]:
    """The real payloads of one folder, sorted."""
    return sorted(path for path in (REAL / folder).iterdir() if path.is_file())


def documents(path: Path) -> list[Any]:
    """The documents of a fixture, read as the adapters' CLI reads them."""
    return load_documents(path.read_bytes())


def _instant(text: str) -> int | None:
    stamp = parse_timestamp(text)
    return None if stamp is None else stamp.seconds * 1_000_000_000 + stamp.nanos


def is_zero(value: Any) -> bool:
    """Null, empty or zero: what a Go or protobuf reader treats as absent."""
    return value in (None, "", 0, False, [], {}) or value == "0001-01-01T00:00:00Z"


def contained(given: Any, returned: Any, path: str = "$") -> list[str]:
    """Where `returned` lacks or changes something `given` has (timestamps compared as instants, nulls as absent)."""
    if is_zero(given):
        return [] if is_zero(returned) else [f"{path}: {returned!r} where the input had {given!r}"]
    if isinstance(given, Mapping):
        if not isinstance(returned, Mapping):
            return [f"{path}: {returned!r} is not an object"]
        problems: list[str] = []
        for key, value in given.items():
            if key not in returned and not is_zero(value):
                problems.append(f"{path}.{key}: missing")
            elif key in returned:
                problems.extend(contained(value, returned[key], f"{path}.{key}"))
        return problems
    if isinstance(given, list):
        if not isinstance(returned, list) or len(returned) != len(given):
            return [f"{path}: {returned!r} differs in length from {given!r}"]
        return [
            problem
            for index, item in enumerate(given)
            for problem in contained(item, returned[index], f"{path}[{index}]")
        ]
    if isinstance(given, str) and isinstance(returned, str):
        instants = _instant(given), _instant(returned)
        if instants[0] is not None and instants[0] == instants[1]:
            return []
    if isinstance(given, int | float) and isinstance(returned, int | float) and not isinstance(given, bool):
        return [] if float(given) == float(returned) else [f"{path}: {returned!r} != {given!r}"]
    return [] if given == returned else [f"{path}: {returned!r} != {given!r}"]


def extra_keys(given: Any, returned: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Keys `returned` has and `given` does not, with their values."""
    if isinstance(given, Mapping) and isinstance(returned, Mapping):
        for key, value in returned.items():
            if key not in given:
                yield f"{path}.{key}", value
            else:
                yield from extra_keys(given[key], value, f"{path}.{key}")
    elif isinstance(given, list) and isinstance(returned, list):
        for index, (left, right) in enumerate(zip(given, returned, strict=False)):
            yield from extra_keys(left, right, f"{path}[{index}]")


def leaves(value: Any, dotted: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of foreign JSON with its dotted path (list indexes left out, as `NOT_CARRIED` spells paths)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(item, f"{dotted}.{key}" if dotted else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, dotted)
    else:
        yield dotted, value


def carried(messages: Iterable[Message]) -> tuple[set[str], set[float], set[int]]:
    """The strings, numbers and instants anywhere in the messages' JSON (API versions also as `group/version`)."""
    strings: set[str] = set()
    numbers: set[float] = set()
    instants: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            if "apiVersion" in value and "apiGroup" in value:
                strings.add(f"{value['apiGroup']}/{value['apiVersion']}")
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            strings.add(value)
            if re.fullmatch(r"[A-Z][A-Z0-9_]+", value):  # an enum name: also as sources spell its value
                words = value.split("_")
                for start in range(len(words)):
                    strings.add("_".join(words[start:]).lower())
                    strings.add("".join(word.capitalize() for word in words[start:]))
            instant = _instant(value)
            if instant is not None:
                instants.add(instant)
            with contextlib.suppress(ValueError):
                numbers.add(float(value))
            if value.startswith(("{", "[", '"')):
                with contextlib.suppress(ValueError):
                    walk(json.loads(value))
        elif isinstance(value, bool):
            strings.add(str(value).lower())
        elif isinstance(value, int | float):
            numbers.add(float(value))

    for message in messages:
        walk(json.loads(to_json(message)))
    return strings, numbers, instants


def dropped(source: Any, messages: Iterable[Message], not_carried: Iterable[str] = ()) -> list[str]:
    """The source's non-empty scalars that appear nowhere in the messages, outside the paths declared not carried."""
    skipped = tuple(not_carried)
    strings, numbers, instants = carried(list(messages))
    missing = []
    for dotted, value in leaves(source):
        if is_zero(value) or any(dotted == path or dotted.startswith(path + ".") for path in skipped):
            continue
        if isinstance(value, bool):
            found = str(value).lower() in strings
        elif isinstance(value, int | float):
            found = float(value) in numbers
        else:
            text = str(value)
            instant = _instant(text)
            found = text in strings or (instant is not None and instant in instants)
        if not found:
            missing.append(f"{dotted}={value!r}")
    return missing
