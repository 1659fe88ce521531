"""Validation: the generated fast path first, protovalidate for what it cannot prove valid.

Every rule lives in the contract (`buf.validate` options and CEL), so every
language's protovalidate enforces the same ones. `ameide_core_proto.sre._fastpath`
is those rules compiled to Python by tools/generate.py: for each message type,
a function that returns True only when the message satisfies every rule.
When it cannot say so (the message breaks a rule, or uses something the
generator left to protovalidate), `_precheck` bounds the work and
protovalidate decides and names the violations, which are exactly its own.
protovalidate is imported on the first message the fast path does not prove
valid, so a service that only ever sees valid messages never loads it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from google.protobuf.message import Message

from ameide_core_proto.sre._fastpath import CHECKS
from ameide_sre_contracts._precheck import MAX_VIOLATIONS, key_text, precheck_texts_apart
from ameide_sre_contracts._wirescan import SCAN_FROM_BYTES
from ameide_sre_contracts.errors import ContractError, ValidationError, Violation, violation_order

if TYPE_CHECKING:
    import protovalidate

# Rule ids of the envelope rules the contract declares in CEL on SreDomainIntent and SreDomainFact.
AGGREGATE_TYPE_RULE: Final = "subject.aggregate_type_matches_payload"
"""Rule id: a domain envelope's `subject.aggregate_type` is its payload's `(aggregate_type)` option."""
AGGREGATE_ID_RULE: Final = "subject.aggregate_id_matches_payload"
"""Rule id: `subject.aggregate_id` equals the id the payload names (its `(aggregate_id_field)` option)."""
MIN_VERSION_RULE: Final = "subject.min_aggregate_version"
"""Rule id: `subject.aggregate_version` is at least the envelope's `(min_aggregate_version)` (1 on facts)."""
CREATES_AGGREGATE_RULE: Final = "subject.creates_aggregate_version"
"""Rule id: a payload marked `(creates_aggregate)` is version 0 on an intent and 1 on a fact."""
UNEVALUATED_RULE: Final = "rule.unevaluated"
"""Rule id: protovalidate could not evaluate a rule on this input (the message names the rule)."""

_FAST: dict[type[Message], Callable[[Any, int], bool]] = {}
UNBOUNDED_SIZE: Final = 1 << 62
"""The size to give the fast path when the message's encoded size is not at hand: it then skips nothing."""
_VALIDATOR: list[protovalidate.Validator] = []  # one for the process, made on first need
_VALIDATOR_LOCK = threading.Lock()


def _fast_check(message_type: type[Message]) -> Callable[[Any, int], bool]:
    """The fast path's check for a message type (one that proves nothing when the contract has none)."""
    check = _FAST.get(message_type)
    if check is None:
        check = CHECKS.get(message_type.DESCRIPTOR.full_name, _unproven)
        _FAST[message_type] = check
    return check


def _unproven(message: Any, size: int) -> bool:
    return False


_LARGEST: dict[type[Message], int] = {}


def largest_valid_size(message_type: type[Message]) -> int:
    """The most bytes a valid message of the type can take (`sizes.max_encoded_size`), worked out on first need."""
    largest = _LARGEST.get(message_type)
    if largest is None:
        from ameide_sre_contracts.sizes import max_encoded_size

        try:
            largest = max_encoded_size(message_type)
        except ContractError:  # a field without a size rule: no bound to compare with
            largest = UNBOUNDED_SIZE
        _LARGEST[message_type] = largest
    return largest


def proven_valid(message: Message, size: int = UNBOUNDED_SIZE) -> bool:
    """Whether the generated fast path proves `message` valid (False means: ask protovalidate).

    `size`, the message's encoded size when known, lets it skip the upper bounds no value in a message that
    small can break (a text has no more characters than the message has bytes).
    """
    if SCAN_FROM_BYTES < size < UNBOUNDED_SIZE and size > largest_valid_size(type(message)):
        return False  # more than any valid encoding: broken bounds (or unknown fields), for protovalidate to judge
    check = _FAST.get(type(message)) or _fast_check(type(message))
    try:
        return check(message, size)
    except Exception:  # a value the fast path cannot read as the rules expect: protovalidate decides
        return False


def _validator() -> protovalidate.Validator:
    """protovalidate's validator, imported and built on the first message the fast path does not prove valid."""
    if not _VALIDATOR:
        with _VALIDATOR_LOCK:
            if not _VALIDATOR:
                import protovalidate

                # It caches compiled rules per message type and is safe to share between threads.
                _VALIDATOR.append(protovalidate.Validator())
    return _VALIDATOR[0]


def _render_path(path: Any) -> str:
    """Render a protovalidate field path as code would spell it: `a.b[2].c["key"]`."""
    if path is None:  # a rule on the validated message itself
        return ""
    rendered: list[str] = []
    for element in path.elements:
        name = element.field_name or f"#{element.field_number}"
        rendered.append(f".{name}" if rendered else name)
        subscript = element.subscript
        if subscript is None:
            continue
        if subscript.field in ("string_key", "bool_key"):
            rendered.append(f"[{key_text(subscript.value)}]")
        else:
            rendered.append(f"[{subscript.value}]")
    return "".join(rendered)


def protovalidate_violations(message: Message) -> list[Violation]:
    """Every violation plain protovalidate reports, none cut off, in `violation_order`: what the `.proto` declares.

    Raises:
        protovalidate.EvaluationError, protovalidate.CompilationError: a rule it cannot evaluate on this input.
        ValueError: an encoding it cannot read back (upb keeps unknown groups other parsers refuse).
    """
    found = _validator().collect_violations(message)
    every = [Violation(_render_path(v.proto.field), v.proto.rule_id, v.proto.message, v.proto.for_key) for v in found]
    every.sort(key=violation_order)  # protovalidate's own order differs between languages
    return every


def _protovalidate(message: Message) -> tuple[list[Violation], int]:
    """protovalidate's violations (the first `MAX_VIOLATIONS`) and their count; a rule it cannot evaluate is one."""
    import protovalidate

    try:
        every = protovalidate_violations(message)
    except (protovalidate.EvaluationError, protovalidate.CompilationError) as error:
        return [Violation("", UNEVALUATED_RULE, f"a rule could not be evaluated on this input: {error}")], 1
    except ValueError as error:
        text = f"the message's encoding could not be read back for validation ({error})"
        return [Violation("", UNEVALUATED_RULE, text)], 1
    return every[:MAX_VIOLATIONS], len(every)


def collect(message: Message) -> tuple[list[Violation], int]:
    """The first `MAX_VIOLATIONS` violations of a message, and how many there are.

    The fast path answers for valid messages. Otherwise container counts and
    time values come first (`_precheck`), and text bounds too in a message of
    16 KiB or more: when one is broken, protovalidate does not run, so it
    only ever reads messages within the contract's size rules.
    """
    if proven_valid(message):  # no size: `ByteSize` would walk every element of a half-million-element list
        return [], 0
    early, count, texts_only = precheck_texts_apart(message)
    # Containers are within bounds when only texts broke theirs, so the size costs little then. In a small
    # message, texts past their bounds are protovalidate's to report beside everything else; in a large one
    # they are reported alone, so protovalidate never reads a megabyte-long text.
    if count and (not texts_only or message.ByteSize() >= SCAN_FROM_BYTES):
        return early, count
    return _protovalidate(message)


def violations(message: Message) -> list[Violation]:
    """The rules `message` breaks, in `violation_order` (field path, then rule id); empty when valid.

    At most the first 100 (`MAX_VIOLATIONS`) of a message that breaks more;
    `validate` says how many were left out.
    """
    return collect(message)[0]


def validate(message: Message) -> None:
    """Raise `ValidationError` listing the broken rules (the first 100, and how many more), or return when valid."""
    found, count = collect(message)
    if found:
        raise ValidationError(message.DESCRIPTOR.name, found, count - len(found))


UNDEFINED_ENUM_RULE: Final = "enum.defined_only"
"""Rule id: an enum field holds a number its enum defines; a newer contract may define more."""


def _rules_reading_fields() -> dict[str, frozenset[str]]:
    """Each CEL rule id of the contract: the field paths (from its message) its expression reads."""
    from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
    from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
    from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
    from ameide_sre_contracts._descriptors import message_cel, reachable

    messages, _ = reachable(envelope.DESCRIPTOR for envelope in (SreDomainIntent, SreDomainFact, SreProcessFact))
    reads: dict[str, frozenset[str]] = {}
    for descriptor in messages:
        for rule in message_cel(descriptor):
            paths = re.findall(r"\bthis((?:\.[a-z_][a-z0-9_]*)+)", rule.expression)
            reads[rule.id] = frozenset(path[1:] for path in paths)
    return reads


_READS: list[dict[str, frozenset[str]]] = []
_SUBSCRIPT: Final = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def _reads_value_at(violation: Violation, value_path: str, reads: dict[str, frozenset[str]]) -> bool:
    """Whether `violation` is a rule of the value at `value_path` itself, or a CEL rule whose expression reads it."""
    if violation.field_path == value_path:
        return True
    base = violation.field_path
    if base and not value_path.startswith(base + "."):
        return False
    relative = _SUBSCRIPT.sub("", value_path[len(base) + 1 :] if base else value_path)
    return any(relative == read or relative.startswith(read + ".") for read in reads.get(violation.rule_id, ()))


def newer_enum_values(found: list[Violation], count: int) -> list[Violation] | None:
    """The undefined enum numbers among `found`, when they explain every violation; else None.

    A violation is explained by an undefined number when it is that
    number's own (`enum.defined_only`), another rule of the same field, or a
    CEL rule whose expression reads the field (`this.status` in a transition
    rule, `this.postmortem.status` one level up): a newer contract, knowing
    the number, would judge those differently. `count` beyond `found` (more
    than were listed) means not every violation could be looked at: None.
    """
    newer = [violation for violation in found if violation.rule_id == UNDEFINED_ENUM_RULE]
    if not newer or count != len(found):
        return None
    if not _READS:
        _READS.append(_rules_reading_fields())
    reads = _READS[0]
    for violation in found:
        if violation.rule_id == UNDEFINED_ENUM_RULE:
            continue
        if not any(_reads_value_at(violation, value.field_path, reads) for value in newer):
            return None
    return newer
