"""YAML read as manifests and SLO files need it, and nothing an attacker needs.

The loader resolves YAML 1.2's core schema (null, booleans, integers,
floats, strings, sequences, mappings), so `no` stays a string and no value
is a timestamp, a set or binary. Before a document is built its node graph
is checked: an alias, a tag outside the core schema, a key that is not a
string, a key given twice or nesting past the limit is refused with the
path it stands at. Refusing every alias keeps the built document no larger
than its text: nothing an adapter reads or writes can expand.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ameide_sre_contracts.errors import AdapterInputError

MAX_DEPTH: Final = 64
"""The deepest nesting of collections a document may have; manifests nest a dozen levels."""
MAX_INTEGER_DIGITS: Final = 4300
"""Python's own bound on converting digits to an integer (`sys.int_info.default_max_str_digits`)."""

_CORE: Final = "tag:yaml.org,2002:"
CORE_TAGS: Final = frozenset(_CORE + name for name in ("null", "bool", "int", "float", "str", "seq", "map"))
"""The tags of YAML 1.2's core schema: the only ones a document may carry, written or implied."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: 10x the pure parser


class CoreLoader(_Base):  # type: ignore[misc]
    """A safe loader for YAML 1.2's core schema only."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}
    yaml_constructors: ClassVar[dict[str | None, Any]] = {}


CoreLoader.add_implicit_resolver(_CORE + "null", _NULL, ["~", "n", "N", ""])
CoreLoader.add_implicit_resolver(_CORE + "bool", _BOOL, list("tTfF"))
CoreLoader.add_implicit_resolver(_CORE + "int", _INT, list("-+0123456789"))
CoreLoader.add_implicit_resolver(_CORE + "float", _FLOAT, list("-+.0123456789"))


def _where(node: Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _scalar(loader: Any, node: ScalarNode, pattern: re.Pattern[str], what: str) -> str:
    text: str = loader.construct_scalar(node)
    if not pattern.match(text):
        raise AdapterInputError("$", what, f"{text[:32]!r} at {_where(node)}")
    return text


def _construct_int(loader: Any, node: ScalarNode) -> int:
    text = _scalar(loader, node, _INT, "a YAML 1.2 integer")
    if len(text) > MAX_INTEGER_DIGITS:
        raise AdapterInputError(
            "$", f"an integer of at most {MAX_INTEGER_DIGITS} digits", f"{len(text)} characters at {_where(node)}"
        )
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _construct_float(loader: Any, node: ScalarNode) -> float:
    text = _scalar(loader, node, _FLOAT, "a YAML 1.2 float").lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith(".nan"):
        return float("nan")
    return float(text)


def _refuse(loader: Any, node: Node) -> None:
    raise AdapterInputError("$", "YAML 1.2 core schema values", f"the tag {node.tag[:64]!r} at {_where(node)}")


CoreLoader.add_constructor(_CORE + "null", lambda loader, node: None)
CoreLoader.add_constructor(
    _CORE + "bool", lambda loader, node: _scalar(loader, node, _BOOL, "true or false").lower() == "true"
)
CoreLoader.add_constructor(_CORE + "int", _construct_int)
CoreLoader.add_constructor(_CORE + "float", _construct_float)
CoreLoader.add_constructor(_CORE + "str", yaml.SafeLoader.construct_yaml_str)
CoreLoader.add_constructor(_CORE + "seq", yaml.SafeLoader.construct_yaml_seq)
CoreLoader.add_constructor(_CORE + "map", yaml.SafeLoader.construct_yaml_map)
CoreLoader.add_constructor(None, _refuse)


def _step(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key[:64]!r}]"


def check_graph(root: Node) -> None:
    """Refuse aliases, tags outside the core schema, keys that are not unique strings, and deep nesting."""
    seen: set[int] = set()
    stack: list[tuple[Node, str, int]] = [(root, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if id(node) in seen:
            raise AdapterInputError(path, "YAML without aliases", f"an alias of the value at {_where(node)}")
        seen.add(id(node))
        if node.tag not in CORE_TAGS:
            raise AdapterInputError(path, "YAML 1.2 core schema values", f"the tag {node.tag[:64]!r} at {_where(node)}")
        if isinstance(node, ScalarNode):
            continue
        if depth >= MAX_DEPTH:
            raise AdapterInputError(path, f"nesting at most {MAX_DEPTH} deep", f"deeper at {_where(node)}")
        if isinstance(node, SequenceNode):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(node.value))
        elif isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if id(key) in seen:
                    raise AdapterInputError(path, "YAML without aliases", f"an alias of the key at {_where(key)}")
                seen.add(id(key))
                if not isinstance(key, ScalarNode) or key.tag != _CORE + "str":
                    raise AdapterInputError(path, "mapping keys that are strings", f"another key at {_where(key)}")
                if key.value in keys:
                    raise AdapterInputError(path, "each key once", f"{key.value[:64]!r} again at {_where(key)}")
                keys.add(key.value)
                stack.append((value, _step(path, key.value), depth + 1))


def load_yaml(data: bytes | str) -> list[Any]:
    """Every document of a YAML stream, each checked before it is built (see the module's description).

    Raises:
        AdapterInputError: text that is not such YAML; the path or the line says where.
    """
    loader = CoreLoader(data)
    documents: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            check_graph(node)
            documents.append(loader.construct_document(node))
    except AdapterInputError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise AdapterInputError("$", "YAML documents", f"{error.problem or error.context}{where}") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError) as error:
        raise AdapterInputError("$", "YAML documents", str(error).splitlines()[0] if str(error) else "") from None
    finally:
        loader.dispose()
    return documents
