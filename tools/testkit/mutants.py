"""Mutants aimed at the rules, and the differential check of the fast path against protovalidate.

A mutant is a valid example with one or two fields changed to values the rules make
interesting: lengths at and around each bound (in characters and in UTF-8
bytes), each enum value and one past, numbers at each bound and one step
beyond, NaN and infinities, times at their bounds and one nanosecond past,
copies of a sibling time one nanosecond either side (CEL orderings),
literals the CEL rules compare with, texts a regex must refuse (a trailing
newline, a wrong case), containers at their item bounds, duplicates, unset
required fields, other oneof cases; or several atoms of one CEL rule turned
at once (a rule like "level 3 needs a command on every step" fails only on a
combination), or the encoded example with bytes flipped. `differential` runs mutants through a fast path's checks and
through `_precheck` plus protovalidate (the oracle) and counts where they
part: a mutant the fast path calls valid and the oracle does not is a defect.
"""

from __future__ import annotations

import contextlib
import math
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError, Message

from ameide_sre_contracts import validation
from ameide_sre_contracts._descriptors import field_rules, is_map, message_cel
from ameide_sre_contracts._precheck import precheck
from fastpath import cel

_TEXTS = [
    "",
    "a",
    "A",
    "0",
    " ",
    "x" * 64,
    "é",
    "😀",
    "\n",
    "a\n",
    "-",
    "a.b",
    "00-" + "0" * 32 + "-" + "0" * 16 + "-00",
]
_URIS = [
    "http://x", "https://example.com/a?b=c#d", "http://x/%41", "http://x/%zz", "http://x/%C3%A9", "ftp://x/",
    "http://x y", "http://x/é", "http://[::1]/", "mailto:a@b", "//x", "http:", "x", "http://x:99999/", "http://x/\n",
]  # fmt: skip


@dataclass
class Outcome:
    """Counts of one differential run."""

    mutants: int = 0
    oracle_valid: int = 0
    proven: int = 0
    unproven_valid: int = 0  # valid, but left to protovalidate: the fallback
    defects: list[Message] = field(default_factory=list)  # proven valid by the fast path, invalid to the oracle

    def add(self, other: Outcome) -> None:
        self.mutants += other.mutants
        self.oracle_valid += other.oracle_valid
        self.proven += other.proven
        self.unproven_valid += other.unproven_valid
        self.defects += other.defects


def oracle_valid(message: Message) -> bool:
    """Valid as `validate` without the fast path decides it: `_precheck`, then protovalidate."""
    if precheck(message, keep=1)[1]:
        return False
    return validation._protovalidate(message)[1] == 0


_LITERALS: dict[str, tuple[list[int], list[str]]] = {}


def _cel_literals(descriptor: Any) -> tuple[list[int], list[str]]:
    """The numbers and texts the message's CEL rules compare with (each atom's true and false side)."""
    if descriptor.full_name not in _LITERALS:
        _LITERALS[descriptor.full_name] = _read_literals(descriptor)
    return _LITERALS[descriptor.full_name]


def _read_literals(descriptor: Any) -> tuple[list[int], list[str]]:
    numbers: list[int] = []
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, cel.Lit) and node.kind in ("int", "uint"):
            numbers.extend((node.value - 1, node.value, node.value + 1))
        elif isinstance(node, cel.Lit) and node.kind == "string":
            texts.extend((node.value, node.value + "x", node.value.upper()))
        for name in getattr(node, "__dataclass_fields__", ()):
            value = getattr(node, name)
            for item in value if isinstance(value, tuple) else (value,):
                walk(item)

    for rule in message_cel(descriptor):
        try:
            walk(cel.parse(rule.expression))
        except cel.Unsupported:
            continue
    return numbers, texts


def _string_candidates(rng: random.Random, rules: Any, current: str, literals: list[str]) -> list[str]:
    out = [*_TEXTS, current, current + "\n", current.upper(), current[:-1], current + "x", "\n" + current, *literals]
    if rules is not None and rules.WhichOneof("type") == "string":
        r = rules.string
        for bound in (r.min_len, r.max_len, r.len, r.max_bytes):
            if bound:
                for size in (bound - 1, bound, bound + 1):
                    if size >= 0:
                        out += ["a" * size, "é" * size, "a" * max(0, size - 1) + "é", "😀" * (size // 4 + 1)]
        if r.uuid:
            value = str(uuid.UUID(int=rng.getrandbits(128)))
            out += [value, value.upper(), value.replace("-", ""), value + "\n", "{" + value + "}", value[:-1] + "g"]
        if r.uri:
            out += _URIS
        out += list(getattr(r, "in")) + list(r.not_in)
    return out


def _number_candidates(field_descriptor: Any, rules: Any, literals: list[int]) -> list[Any]:
    out: list[Any] = [0, 1, -1, 2**31, -(2**31) - 1, 2**32, 2**63 - 1, *literals]
    kind = rules.WhichOneof("type") if rules is not None else None
    if kind is not None and kind not in ("repeated", "map") and hasattr(getattr(rules, kind), "gte"):
        typed = getattr(rules, kind)
        for name in ("gt", "gte", "lt", "lte", "const"):
            if typed.HasField(name):
                bound = getattr(typed, name)
                out += [bound - 1, bound, bound + 1]
                if isinstance(bound, float):
                    out += [math.nextafter(bound, -math.inf), math.nextafter(bound, math.inf)]
        out += list(getattr(typed, "in", ())) + list(getattr(typed, "not_in", ()))
    if field_descriptor.enum_type is not None:
        values = [v.number for v in field_descriptor.enum_type.values]
        out += [*values, max(values) + 1, min(values) - 1]
    if field_descriptor.type in (field_descriptor.TYPE_DOUBLE, field_descriptor.TYPE_FLOAT):
        out += [math.nan, math.inf, -math.inf, -0.0, 0.5, 1e308]
    return out


def _time_candidates(rng: random.Random, holder: Message, field_descriptor: Any) -> list[tuple[int, int]]:
    out = [(-62135596800, 0), (-62135596801, 999999999), (253402300799, 999999999), (253402300800, 0)]
    out += [(0, -1), (0, 1_000_000_000), (1, -1), (-1, 1), (315576000000, 0), (315576000001, 0), (0, 0)]
    for sibling in holder.DESCRIPTOR.fields:  # another time of the same message, one nanosecond either side
        if sibling.message_type is field_descriptor.message_type and not sibling.is_repeated:
            other = getattr(holder, sibling.name)
            total = other.seconds * 1_000_000_000 + other.nanos + rng.choice((-1, 0, 1))
            out.append(divmod(total, 1_000_000_000))
    return out


def _mutate_field(rng: random.Random, holder: Message, field_descriptor: Any) -> None:
    rules = field_rules(field_descriptor)
    numbers, texts = _cel_literals(holder.DESCRIPTOR)
    name = field_descriptor.name
    target = field_descriptor.message_type
    if is_map(field_descriptor):
        container = getattr(holder, name)
        choice = rng.randrange(4)
        if choice == 0:
            holder.ClearField(name)
            return
        limit = rules.map.max_pairs if rules is not None and rules.map.HasField("max_pairs") else 3
        key_type = target.fields_by_name["key"]
        value_type = target.fields_by_name["value"]
        count = rng.choice((1, limit, limit + 1)) if choice == 1 else 1
        for index in range(count):
            text = rng.choice(_string_candidates(rng, None, "k", [])) + str(index) if choice != 2 else ""
            key: str | int = text if key_type.type == key_type.TYPE_STRING else index
            if value_type.message_type is not None:
                container[key].SetInParent()
            else:
                container[key] = rng.choice(_TEXTS) if value_type.type == value_type.TYPE_STRING else rng.random()
        return
    if field_descriptor.is_repeated:
        container = getattr(holder, name)
        choice = rng.randrange(5)
        if choice == 0:
            holder.ClearField(name)
        elif choice == 1 and len(container):
            if target is not None:
                container.add().CopyFrom(container[0])
            else:
                container.append(container[0])  # a duplicate, for `unique`
        elif choice == 2 and len(container):
            del container[rng.randrange(len(container))]
        elif choice == 3:
            limit = rules.repeated.max_items if rules is not None and rules.repeated.HasField("max_items") else 2
            for _ in range(limit + 1 - len(container)):
                if target is not None:
                    item = container.add()
                    if len(container) > 1:
                        item.CopyFrom(container[0])
                else:
                    container.append(container[0] if len(container) else rng.choice(_TEXTS))
        elif target is None:
            item_rules = rules.repeated.items if rules is not None and rules.repeated.HasField("items") else None
            container.append(rng.choice(_string_candidates(rng, item_rules, "", texts)))
        elif target.full_name == "google.protobuf.FieldMask":
            pass
        else:
            container.add()
        return
    if target is not None:
        if target.full_name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
            if rng.random() < 0.2:
                holder.ClearField(name)
                return
            seconds, nanos = rng.choice(_time_candidates(rng, holder, field_descriptor))
            value = getattr(holder, name)
            value.seconds, value.nanos = seconds, nanos
        elif target.full_name == "google.protobuf.FieldMask":
            paths = getattr(holder, name).paths
            allowed = (
                list(getattr(rules.field_mask, "in")) if rules is not None and rules.HasField("field_mask") else []
            )
            paths.append(rng.choice([*allowed, *(p + ".x" for p in allowed), "nope", "", *(paths[:1])]))
        elif rng.random() < 0.5:
            holder.ClearField(name)
        else:
            getattr(holder, name).SetInParent()
        return
    if field_descriptor.type == field_descriptor.TYPE_STRING:
        setattr(holder, name, rng.choice(_string_candidates(rng, rules, getattr(holder, name), texts)))
    elif field_descriptor.type == field_descriptor.TYPE_BOOL:
        setattr(holder, name, not getattr(holder, name))
    elif field_descriptor.type == field_descriptor.TYPE_BYTES:
        setattr(holder, name, rng.choice((b"", b"\x00", b"x" * 300)))
    else:
        setattr(holder, name, rng.choice(_number_candidates(field_descriptor, rules, numbers)))


def _children(message: Message) -> list[Message]:
    """The messages set directly below `message` (in fields, lists and map values), well-known types aside."""
    found: list[Message] = []
    for descriptor_field, value in message.ListFields():
        if descriptor_field.message_type is None or descriptor_field.message_type.full_name.startswith("google."):
            continue
        if is_map(descriptor_field):
            # by key: a map's own order is not the same from one process to the next
            found += [value[key] for key in sorted(value) if isinstance(value[key], Message)]
        else:
            found += list(value) if descriptor_field.is_repeated else [value]
    return found


def _messages_with_rules(message: Message) -> list[Message]:
    """The set messages in `message` (itself included) whose type declares message-level CEL rules."""
    found = [message] if message_cel(message.DESCRIPTOR) else []
    for child in _children(message):
        found += _messages_with_rules(child)
    return found


def _atoms(node: Any, inside: str | None = None) -> list[tuple[Any, Any, str | None]]:
    """The comparisons and has() tests of a CEL tree: (field chain, the other side, macro variable or None)."""
    found: list[tuple[Any, Any, str | None]] = []
    if isinstance(node, cel.Binary) and node.op in ("==", "!=", "<", "<=", ">", ">=", "in"):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, cel.Select):
                found.append((side, other, inside))
    elif isinstance(node, cel.Has):
        found.append((node.target, None, inside))
    if isinstance(node, cel.Macro):
        found += _atoms(node.target, inside)
        return found + _atoms(node.body, node.variable)
    for name in getattr(node, "__dataclass_fields__", ()):
        value = getattr(node, name)
        for item in value if isinstance(value, tuple) else (value,):
            if not isinstance(item, str):
                found += _atoms(item, inside)
    return found


def _chain(select: Any) -> tuple[str, list[str]] | None:
    """The root name (`this` or a macro variable) and field names of a chain of field reads."""
    names: list[str] = []
    while isinstance(select, cel.Select):
        names.insert(0, select.field)
        select = select.operand
    return (select.name, names) if isinstance(select, cel.Ident) else None


def _side_values(other: Any) -> list[Any]:
    if isinstance(other, cel.Lit) and other.kind in ("int", "uint"):
        return [other.value - 1, other.value, other.value + 1]
    if isinstance(other, cel.Lit):
        return [other.value, "", "x"] if other.kind == "string" else [other.value]
    if isinstance(other, cel.ListLit):
        values = [item.value for item in other.items if isinstance(item, cel.Lit)]
        return [*values, max((v for v in values if isinstance(v, int)), default=0) + 1, ""]
    return []


def _flip_atom(rng: random.Random, holder: Message, atom: tuple[Any, Any, str | None]) -> None:
    """Set the field an atom reads so that the atom may turn: to the literal it compares with (or next to it),
    to a sibling time one nanosecond either side, unset or set for has()."""
    chain = _chain(atom[0])
    if chain is None:
        return
    root, names = chain
    target: Any = holder
    if atom[2] is not None and root == atom[2]:  # a macro's variable: one item of the list it ranges over
        return
    for name in names[:-1]:
        target = getattr(target, name)
        if not isinstance(target, Message):
            return
    name = names[-1]
    descriptor_field = target.DESCRIPTOR.fields_by_name.get(name)
    if descriptor_field is None or descriptor_field.is_repeated:
        return
    if atom[1] is None or descriptor_field.message_type is not None:
        if descriptor_field.message_type is not None and rng.random() < 0.5:
            target.ClearField(name)
        elif descriptor_field.message_type is not None:
            _mutate_field(rng, target, descriptor_field)
        return
    values = _side_values(atom[1])
    if values:
        setattr(target, name, rng.choice(values))


def _flip_items(rng: random.Random, holder: Message, rule: Any) -> None:
    """For a macro over a list field, turn the body's atoms on one item of the list."""
    for node in _macros(cel.parse(rule.expression)):
        chain = _chain(node.target)
        if chain is None or chain[0] != "this":
            continue
        target: Any = holder
        for name in chain[1]:
            target = getattr(target, name)
        if len(target) and rng.random() < 0.7:
            item = target[rng.randrange(len(target))]
            for atom in _atoms(node.body, node.variable):
                atom_chain = _chain(atom[0])
                if atom_chain is not None and atom_chain[0] == node.variable and atom[1] is not None:
                    values = _side_values(atom[1])
                    with contextlib.suppress(ValueError, TypeError, AttributeError):
                        setattr(item, atom_chain[1][-1], rng.choice(values))


def _macros(node: Any) -> list[Any]:
    found = [node] if isinstance(node, cel.Macro) else []
    for name in getattr(node, "__dataclass_fields__", ()):
        value = getattr(node, name)
        for item in value if isinstance(value, tuple) else (value,):
            if not isinstance(item, str):
                found += _macros(item)
    return found


def _cel_guided(rng: random.Random, copy: Message) -> None:
    """Turn the atoms of one message-level CEL rule, several at once: rules fail only on combinations."""
    holders = _messages_with_rules(copy)
    if not holders:
        return
    holder = rng.choice(holders)
    rule = rng.choice(message_cel(holder.DESCRIPTOR))
    try:
        atoms = _atoms(cel.parse(rule.expression))
    except cel.Unsupported:
        return
    for atom in atoms:
        if rng.random() < 0.5:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                _flip_atom(rng, holder, atom)
    with contextlib.suppress(ValueError, TypeError, AttributeError, cel.Unsupported):
        _flip_items(rng, holder, rule)


def _ruled_fields(message: Message) -> list[tuple[Message, Any]]:
    """Every field that carries rules, in `message` and the messages set below it, with its holder."""
    found = [(message, f) for f in message.DESCRIPTOR.fields if field_rules(f) is not None]
    for child in _children(message):
        found += _ruled_fields(child)
    return found


def _field_mutation(rng: random.Random, copy: Message) -> None:
    if rng.random() < 0.5:  # straight at a rule: any field that declares one, anywhere
        ruled = _ruled_fields(copy)
        if ruled:
            ruled_holder, chosen_field = rng.choice(ruled)
            with contextlib.suppress(ValueError, TypeError, OverflowError):
                _mutate_field(rng, ruled_holder, chosen_field)
            return
    holder: Message = copy
    while True:
        fields = list(holder.DESCRIPTOR.fields)
        set_messages = [
            f
            for f, _ in holder.ListFields()
            if f.message_type is not None and not f.message_type.full_name.startswith("google.")
        ]
        if set_messages and rng.random() < 0.7:
            chosen = rng.choice(set_messages)
            if is_map(chosen):
                mapping = getattr(holder, chosen.name)
                values = [mapping[key] for key in sorted(mapping)]  # by key, as _children
                if values and isinstance(values[0], Message):
                    holder = rng.choice(values)
                    continue
            elif chosen.is_repeated:
                items = getattr(holder, chosen.name)
                if len(items):
                    holder = items[rng.randrange(len(items))]
                    continue
            else:
                holder = getattr(holder, chosen.name)
                continue
        with contextlib.suppress(ValueError, TypeError, OverflowError):  # a value the type cannot hold at all
            _mutate_field(rng, holder, rng.choice(fields))
        return


def mutant(rng: random.Random, example: Message) -> Message:
    """A copy of `example` changed where the rules look: one or two fields set to rule-aimed values, the atoms of
    one CEL rule turned together, or its encoding with bytes flipped."""
    copy = type(example)()
    copy.CopyFrom(example)
    roll = rng.random()
    if roll < 0.1:
        data = bytearray(copy.SerializeToString())
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        flipped = type(example)()
        try:
            flipped.ParseFromString(bytes(data))
        except DecodeError:
            return copy
        return flipped
    if roll < 0.4:
        _cel_guided(rng, copy)
        return copy
    for _ in range(1 if rng.random() < 0.7 else 2):
        _field_mutation(rng, copy)
    return copy


def differential(
    rng: random.Random,
    examples: list[Message],
    count: int,
    checks: Mapping[str, Callable[[Any, int], bool]],
) -> Outcome:
    """Run `count` mutants of `examples` through `checks` (a fast path's table) and the oracle."""
    outcome = Outcome()
    for _ in range(count):
        candidate = mutant(rng, rng.choice(examples))
        try:
            # The size decode gives: the fast path skips bounds no value of a message this small can break.
            fast = bool(checks[candidate.DESCRIPTOR.full_name](candidate, candidate.ByteSize()))
        except Exception:
            fast = False
        valid = oracle_valid(candidate)
        outcome.mutants += 1
        outcome.oracle_valid += valid
        outcome.proven += fast
        if valid and not fast:
            outcome.unproven_valid += 1
        if fast and not valid:
            outcome.defects.append(candidate)
    return outcome
