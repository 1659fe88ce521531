"""What is checked before protovalidate runs: the size rules, and that times are times.

protovalidate checks every element of a repeated field or map even when the
field already has more than `max_items` (or `max_pairs`): one megabyte of
empty list entries made half a million elements, over a million violations
and a minute of work. Checking the counts first, and stopping there when one
is over, bounds protovalidate's work by the contract's own bounds: it only
ever sees messages no larger than the largest valid one. Texts past their
`max_len` or `max_bytes` (map keys included) are found here too, in
protovalidate's words: a four-megabyte map key otherwise costs protovalidate
a copy of the whole message for every message-level rule above it.

The same walk refuses `Timestamp` and `Duration` values protobuf does not
define: nanoseconds outside their range or of the other sign than the
seconds, and durations beyond ±10000 years. The contract's own rules refuse
timestamps outside years 1 to 9999 and durations past their bounds in every
language, but protovalidate cannot see a non-normalized `nanos`, and CEL
stops with an error on a duration beyond protobuf's range instead of
reporting it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf.message import Message

from ameide_sre_contracts._descriptors import field_rules, is_map
from ameide_sre_contracts.errors import Violation, violation_order

MAX_VIOLATIONS: Final = 100
"""The most violations a `ValidationError`, a gRPC refusal or the CLI reports; the rest are counted."""

_TIMESTAMP = "google.protobuf.Timestamp"
_DURATION = "google.protobuf.Duration"
_DURATION_SECONDS = 315576000000  # about 10000 years, protobuf's bound
_NANOS = 999999999
TIME_RULE: Final = "timestamp.valid"
"""Rule id: a Timestamp whose nanos are in protobuf's range (its seconds are the contract's `timestamp.gte_lte`)."""
DURATION_RULE: Final = "duration.valid"
"""Rule id: a Duration with seconds and nanos inside protobuf's range and of one sign."""


@dataclass(frozen=True, slots=True)
class TextBound:
    """A string's `max_len` (characters) and `max_bytes` (UTF-8), when its rules set them."""

    max_len: int | None
    max_bytes: int | None

    @property
    def wire_bytes(self) -> int:
        """Encoded bytes past which the text surely breaks a bound: four a character for `max_len`."""
        return 4 * self.max_len if self.max_len is not None else self.max_bytes or 0

    def broken(self, path: Path, characters: bool, for_key: bool = False) -> Violation:
        """The violation of `max_len` (`characters`) or `max_bytes`, as protovalidate words it."""
        if characters:
            return Violation(render(path), "string.max_len", f"must be at most {self.max_len} characters", for_key)
        return Violation(render(path), "string.max_bytes", f"must be at most {self.max_bytes} bytes", for_key)


@dataclass(frozen=True, slots=True)
class _FieldCheck:
    name: str
    limit: int | None  # max_items or max_pairs; None when the field is not a bounded container
    rule_id: str
    kind: str  # "" nothing inside to check, "message" a message to walk, or a well-known time type's full name
    map_key: bool  # a map: elements are addressed by key
    text: TextBound | None = None  # the bounds of the field's text, of each item, or of each map value
    key_text: TextBound | None = None  # the bounds of each map key


@dataclass(frozen=True, slots=True)
class MapKey:
    """A map key in a path (an int key would otherwise read as a list index)."""

    key: Any


Path = tuple["str | int | MapKey", ...]
"""Field names, list indexes and map keys from the root, rendered only for a violation."""


def render(path: Path) -> str:
    """A path as code spells it: `incident.timeline[2].occurred_at`, `labels["team"]`."""
    text = ""
    for step in path:
        if isinstance(step, MapKey):
            text += f"[{key_text(step.key)}]"
        elif isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def _time_violation(kind: str, value: Any, path: Path) -> Violation | None:
    seconds, nanos = value.seconds, value.nanos
    if kind == _TIMESTAMP:  # its seconds are the contract's rule (`timestamp.gte_lte`), which CEL can evaluate
        if 0 <= nanos <= _NANOS:
            return None
        return Violation(render(path), TIME_RULE, "nanos must be from 0 to 999999999")
    same_sign = seconds == 0 or nanos == 0 or (seconds > 0) == (nanos > 0)
    if abs(seconds) <= _DURATION_SECONDS and abs(nanos) <= _NANOS and same_sign:
        return None
    return Violation(render(path), DURATION_RULE, "must be within ±10000 years, with seconds and nanos of one sign")


def mask_bound(field: Any) -> tuple[int, str, str] | None:
    """For a FieldMask field whose paths the contract lists (`field_mask.in`): how many, the rule id, its message.

    Unique paths from a list of `n` come to at most `n`; the field's CEL rule
    says so in every language, but only after walking every path given.
    """
    rules = field_rules(field)
    if rules is None or not rules.HasField("field_mask") or not len(getattr(rules.field_mask, "in")):
        return None
    limit = len(getattr(rules.field_mask, "in"))
    rule = next((cel for cel in rules.cel if cel.id), None)
    rule_id = rule.id if rule is not None else "field_mask.in"
    message = rule.message if rule is not None else f"at most {limit} paths"
    return limit, rule_id, message


def _kind(target: Any) -> str:
    if target is None:
        return ""
    if target.full_name in (_TIMESTAMP, _DURATION):
        return str(target.full_name)
    if target.full_name.startswith("google.protobuf."):
        return ""  # other well-known types (FieldMask) hold scalars protovalidate bounds itself
    return "message" if _plan(target) else ""


def text_bound(rules: Any) -> TextBound | None:
    """The upper bounds of a `FieldRules` on a string, or None when it has none."""
    if rules is None or rules.WhichOneof("type") != "string":
        return None
    text = rules.string
    max_len = int(text.max_len) if text.HasField("max_len") else None
    max_bytes = int(text.max_bytes) if text.HasField("max_bytes") else None
    return None if max_len is None and max_bytes is None else TextBound(max_len, max_bytes)


def _text_violation(value: str, bound: TextBound, path: Path, for_key: bool = False) -> Violation | None:
    """Whether `value` passes `bound`; the violation as protovalidate words it when not."""
    if bound.max_len is not None and len(value) > bound.max_len:
        return bound.broken(path, True, for_key)
    if (
        bound.max_bytes is not None
        and len(value) > bound.max_bytes // 4  # four bytes a character at most: no encoding needed below
        and len(value.encode("utf-8")) > bound.max_bytes
    ):
        return bound.broken(path, False, for_key)
    return None


@functools.cache
def _plan(descriptor: Any) -> dict[int, _FieldCheck]:
    """Per field number of one message type: what to check, and whether anything below needs a look.

    Empty for a type with no bounded container and no time anywhere below
    it: the walk does not enter it.
    """
    checks: dict[int, _FieldCheck] = {}
    for field in descriptor.fields:
        rules = field_rules(field)
        key_text = None
        if is_map(field):
            kind = _kind(field.message_type.fields_by_name["value"].message_type)
            bounded = rules is not None and rules.map.HasField("max_pairs")
            limit, rule_id, map_key = (int(rules.map.max_pairs) if bounded else None), "map.max_pairs", True
            text = text_bound(rules.map.values if rules is not None else None)
            key_text = text_bound(rules.map.keys if rules is not None else None)
        elif field.is_repeated:
            kind = _kind(field.message_type)
            bounded = rules is not None and rules.repeated.HasField("max_items")
            limit, rule_id, map_key = (int(rules.repeated.max_items) if bounded else None), "repeated.max_items", False
            text = text_bound(rules.repeated.items if rules is not None else None)
        elif (mask := mask_bound(field)) is not None:
            kind, limit, rule_id, map_key, text = "", mask[0], mask[1], False, None
        else:
            kind, limit, rule_id, map_key = _kind(field.message_type), None, "", False
            text = text_bound(rules)
        if limit is not None or kind or text or key_text:
            checks[field.number] = _FieldCheck(field.name, limit, rule_id, kind, map_key, text, key_text)
    return checks


@functools.cache
def _mask_text(field: Any) -> str:
    bound = mask_bound(field)
    return bound[2] if bound is not None else ""


MAX_KEY_SHOWN = 64
"""Characters of a map key shown in a field path; a longer key ends in `…` (a key may be 1 MiB of input)."""


def key_text(key: Any) -> str:
    """A map key as a path subscript spells it: `"team"`, `true`, `42`."""
    if isinstance(key, str):
        shown = key if len(key) <= MAX_KEY_SHOWN else key[:MAX_KEY_SHOWN] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


class _Found:
    """Violations counted (all of them) and kept (the first `keep` in `violation_order`, in bounded memory)."""

    __slots__ = ("_held", "count", "keep", "texts_only")

    def __init__(self, keep: int) -> None:
        self._held: list[Violation] = []
        self.count = 0
        self.keep = keep
        self.texts_only = True  # whether every violation found is a text's

    def add(self, violation: Violation) -> None:
        self.count += 1
        self.texts_only = self.texts_only and violation.rule_id in _TEXT_RULES
        self._held.append(violation)
        if len(self._held) >= 2 * self.keep + 64:  # trimmed now and then: memory stays about `keep`
            self._held.sort(key=violation_order)
            del self._held[self.keep :]

    @property
    def kept(self) -> list[Violation]:
        self._held.sort(key=violation_order)
        del self._held[self.keep :]
        return self._held


_TEXT_RULES: Final = frozenset({"string.max_len", "string.max_bytes"})


def _walk(message: Any, path: Path, found: _Found) -> None:
    plan = _plan(message.DESCRIPTOR)
    for field, value in message.ListFields():
        check = plan.get(field.number)
        if check is None:
            continue
        here = (*path, check.name)
        if check.limit is not None and not field.is_repeated:  # a FieldMask: its paths are the container
            if len(value.paths) > check.limit:
                found.add(Violation(render(here), check.rule_id, _mask_text(field)))
        elif check.limit is not None and len(value) > check.limit:
            text = (
                f"map must be at most {check.limit} entries"
                if check.map_key
                else f"must contain no more than {check.limit} item(s)"
            )
            found.add(Violation(render(here), check.rule_id, text))
        elif check.map_key:
            _walk_map(value, check, here, found)
        elif check.text is not None:
            items = enumerate(value) if field.is_repeated else ((None, value),)
            for index, item in items:
                violation = _text_violation(item, check.text, here if index is None else (*here, index))
                if violation is not None:
                    found.add(violation)
        elif not check.kind:
            continue
        elif field.is_repeated:
            descend = _DESCEND[check.kind]
            for index, item in enumerate(value):
                descend(item, (*here, index), found)
        else:
            _DESCEND[check.kind](value, here, found)


def _walk_map(value: Any, check: _FieldCheck, here: Path, found: _Found) -> None:
    """Each key's and value's text bounds, and what lies below each value: one pass over the map."""
    descend = _DESCEND[check.kind] if check.kind else None
    key_text, text = check.key_text, check.text
    if descend is None and text is None and key_text is None:
        return
    for key in value:
        at = (*here, MapKey(key))
        if key_text is not None and (violation := _text_violation(key, key_text, at, True)):
            found.add(violation)  # its value is not looked up: a key of megabytes is read once
            continue
        item = value[key]
        if text is not None and (violation := _text_violation(item, text, at)):
            found.add(violation)
        if descend is not None:
            descend(item, at, found)


def _check_timestamp(value: Any, path: Path, found: _Found) -> None:
    violation = _time_violation(_TIMESTAMP, value, path)
    if violation is not None:
        found.add(violation)


def _check_duration(value: Any, path: Path, found: _Found) -> None:
    violation = _time_violation(_DURATION, value, path)
    if violation is not None:
        found.add(violation)


_DESCEND: Final[dict[str, Callable[[Any, Path, _Found], None]]] = {
    "message": _walk,
    _TIMESTAMP: _check_timestamp,
    _DURATION: _check_duration,
}


def precheck(message: Message, keep: int = MAX_VIOLATIONS) -> tuple[list[Violation], int]:
    """Containers over their `max_items` or `max_pairs`, texts over their `max_len` or `max_bytes`, and
    out-of-range times: the first `keep`, and how many.

    Nothing found means protovalidate may run: its work is then bounded by
    the contract's size rules. The walk itself does not descend into a
    container that is over its bound, so it is bounded the same way.
    """
    found, count, _ = precheck_texts_apart(message, keep)
    return found, count


def precheck_texts_apart(message: Message, keep: int = MAX_VIOLATIONS) -> tuple[list[Violation], int, bool]:
    """`precheck` with text bounds, in one walk, and whether text bounds are all it found."""
    found = _Found(keep)
    _walk(message, (), found)
    return found.kept, found.count, found.texts_only
