"""YAML read as manifests and SLO files need it, and nothing an attacker needs.

Documents are built straight from the parser's events (libyaml's when the
wheel has it), with no node graph in between: a node costs a kilobyte of
Python objects, so 4 MiB of `1, 1, 1` would have taken more than a
gigabyte before anything could refuse it. Values resolve by YAML 1.2's
core schema (null, booleans, integers, floats, strings, sequences,
mappings), so `no` stays a string and no value is a timestamp, a set or
binary. Refused, with the path and the line where: an alias (so the
document is never larger than its text), a tag outside the core schema, a
key that is not a string or is given twice, nesting past `MAX_DEPTH`,
more than `max_values` values, integers longer than
`MAX_INTEGER_DIGITS`, and a stream of more than `MAX_DOCUMENTS` documents.
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml
from yaml import events

from ameide_sre_contracts.errors import AdapterInputError

MAX_DEPTH: Final = 64
"""The deepest nesting of collections a document may have; manifests nest a dozen levels."""
MAX_DOCUMENTS: Final = 10_000
"""The most documents a stream may hold: a million empty `---` cost seconds to parse and mean nothing; a larger
set of objects travels as one `kind: List`."""
MAX_INTEGER_DIGITS: Final = 32
"""The longest integer read, sign and prefix included: the contract's widest field (uint64) takes 20 digits."""

_CORE: Final = "tag:yaml.org,2002:"
CORE_TAGS: Final = frozenset(_CORE + name for name in ("null", "bool", "int", "float", "str", "seq", "map"))
"""The tags of YAML 1.2's core schema: the only ones a document may carry, written or implied."""

_NULL = re.compile(r"(?:~|null|Null|NULL|)")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: 10x the pure parser


def _where(event: Any) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "the input"


def _integer(text: str, event: Any, path: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise AdapterInputError(
            path, f"an integer of at most {MAX_INTEGER_DIGITS} characters", f"{len(text)} at {_where(event)}"
        )
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered.endswith(".nan"):
        return float("nan")
    return float(text)


def _resolved(tag: str, text: str, event: Any, path: str) -> Any:
    """The value of a scalar whose tag is `tag` (a core tag), or the refusal of one that does not fit it."""
    if tag == _CORE + "str":
        return text
    for core, pattern in (("null", _NULL), ("bool", _BOOL), ("int", _INT), ("float", _FLOAT)):
        if tag == _CORE + core:
            if not pattern.fullmatch(text):
                raise AdapterInputError(path, f"a YAML 1.2 {core}", f"{text[:32]!r} at {_where(event)}")
            if core == "null":
                return None
            if core == "bool":
                return text.lower() == "true"
            return _integer(text, event, path) if core == "int" else _float(text)
    raise AdapterInputError(path, "YAML 1.2 core schema values", f"the tag {tag[:64]!r} at {_where(event)}")


def _scalar(event: Any, path: str) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0] or tag == "!":  # quoted, or the non-specific tag: a string
            return event.value
        text = event.value
        for core, pattern in (("null", _NULL), ("bool", _BOOL), ("int", _INT), ("float", _FLOAT)):
            if pattern.fullmatch(text):
                return _resolved(_CORE + core, text, event, path)
        return text
    return _resolved(tag, event.value, event, path)


def _step(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key[:64]!r}]"


class _Builder:
    """A document under construction: the open collections, each with the key its next value goes under."""

    def __init__(self, max_values: int) -> None:
        self.stack: list[tuple[Any, str, str | None]] = []  # (collection, its path, a mapping's pending key)
        self.document: Any = None
        self.values_left = self.max_values = max_values

    def path(self) -> str:
        if not self.stack:
            return "$"
        collection, where, key = self.stack[-1]
        if isinstance(collection, list):
            return f"{where}[{len(collection)}]"
        return _step(where, key) if key is not None else where

    def add(self, value: Any, event: Any) -> None:
        self.values_left -= 1
        if self.values_left < 0:
            raise AdapterInputError(
                "$", f"YAML of at most {self.max_values} values (keys and items)", f"more at {_where(event)}"
            )
        if not self.stack:
            self.document = value
            return
        collection, where, key = self.stack[-1]
        if isinstance(collection, list):
            collection.append(value)
        elif key is None:
            if not isinstance(value, str):
                raise AdapterInputError(where, "mapping keys that are strings", f"another key at {_where(event)}")
            if value in collection:
                raise AdapterInputError(where, "each key once", f"{value[:64]!r} again at {_where(event)}")
            self.stack[-1] = (collection, where, value)
        else:
            collection[key] = value
            self.stack[-1] = (collection, where, None)

    def open(self, collection: Any, event: Any) -> None:
        if self.stack and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None:
            raise AdapterInputError(
                self.stack[-1][1], "mapping keys that are strings", f"another key at {_where(event)}"
            )
        if len(self.stack) >= MAX_DEPTH:
            raise AdapterInputError(self.path(), f"nesting at most {MAX_DEPTH} deep", f"deeper at {_where(event)}")
        where = self.path()
        self.add(collection, event)
        self.stack.append((collection, where, None))


def _collection_tag(event: Any, core: str, path: str) -> None:
    if event.tag is not None and event.tag not in ("!", _CORE + core):
        raise AdapterInputError(path, "YAML 1.2 core schema values", f"the tag {event.tag[:64]!r} at {_where(event)}")


def load_yaml(data: bytes | str, max_values: int = 1 << 62) -> list[Any]:
    """Every document of a YAML stream, built as it is parsed (see the module's description).

    Raises:
        AdapterInputError: text that is not such YAML; the path or the line says where.
    """
    parser = _Parser(data)
    documents: list[Any] = []
    builder = _Builder(max_values)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, events.ScalarEvent):
                builder.add(_scalar(event, builder.path()), event)
            elif isinstance(event, events.MappingStartEvent):
                _collection_tag(event, "map", builder.path())
                builder.open({}, event)
            elif isinstance(event, events.SequenceStartEvent):
                _collection_tag(event, "seq", builder.path())
                builder.open([], event)
            elif isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
                builder.stack.pop()
            elif isinstance(event, events.AliasEvent):
                raise AdapterInputError(builder.path(), "YAML without aliases", f"an alias at {_where(event)}")
            elif isinstance(event, events.DocumentStartEvent):
                if len(documents) >= MAX_DOCUMENTS:
                    raise AdapterInputError(
                        "$", f"a YAML stream of at most {MAX_DOCUMENTS} documents", f"more at {_where(event)}"
                    )
                builder.document = None
            elif isinstance(event, events.DocumentEndEvent):
                documents.append(builder.document)
    except AdapterInputError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(error.problem or error.context or "text that is not YAML").removeprefix("found ")
        raise AdapterInputError("$", "YAML documents", f"{problem}{where}") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError) as error:
        raise AdapterInputError("$", "YAML documents", str(error).splitlines()[0] if str(error) else "") from None
    finally:
        parser.dispose()
    return documents
