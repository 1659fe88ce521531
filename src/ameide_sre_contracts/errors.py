"""One exception hierarchy for every contract failure, rooted in `ContractError`.

Every exception this package raises on purpose is defined here (a test walks
the package to prove it). Leaf errors also inherit the builtin they resemble,
so ordinary `except ValueError` or `except KeyError` clauses keep working.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from google.protobuf.message import Message


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: where, which rule, and why.

    `field_path` reads like code (`meta.tenant_id`, `alert.labels["team"]`,
    `incident.timeline[2].text`); it is empty for a rule on the message itself.

    Violations are listed, and cut at 100, in `violation_order`: by field
    path, then rule id.
    """

    field_path: str
    rule_id: str
    message: str
    for_key: bool = False
    """True when the rule broke on a map key rather than on the value at `field_path`."""

    def __str__(self) -> str:
        where = self.field_path or "(message)"
        if self.for_key:
            where += " (key)"
        concerned = _rule_fields(self.rule_id)
        if concerned:
            fields = ", ".join(concerned[:3]) + (", …" if len(concerned) > 3 else "")
            where = f"(message: {fields})" if where == "(message)" else f"{where} ({fields})"
        return printable(f"{where}: {_wording(self.rule_id, self.message)} [{self.rule_id}]")


_MUST_BE_SET = frozenset({"enum.not_in"})


def _wording(rule_id: str, message: str) -> str:
    """The message as a person reads it: an enum that must not be 0 (unspecified) must be set."""
    if rule_id in _MUST_BE_SET and message == "must not be in list [0]":
        return "must be set"
    return message


def _rule_fields(rule_id: str) -> tuple[str, ...]:
    """The fields a message-level rule reads (none for a field's rule)."""
    from ameide_sre_contracts._descriptors import message_rule_fields

    return message_rule_fields().get(rule_id, ())


_PATH_STEP = re.compile(r'\.?([^.\[]+)|\[("(?:[^"\\]|\\.)*"|[^\]]*)\]')


def violation_order(violation: Violation) -> tuple[tuple[tuple[int, str, int], ...], str, bool, str]:
    """The key violations are sorted by everywhere, before they are cut at 100: the same input, the same list.

    Field path first, step by step: a message's own rules (empty path)
    first, a field before anything under it, field names as text, list
    indexes and integer map keys as numbers, other map keys as their
    spelling. Then the rule id, a key's rule after its value's, and the text.
    """
    steps: list[tuple[int, str, int]] = []
    for name, subscript in _PATH_STEP.findall(violation.field_path):
        if name:
            steps.append((0, name, 0))
        elif subscript.lstrip("-").isdigit():
            steps.append((1, "", int(subscript)))
        else:
            steps.append((2, subscript, 0))
    return tuple(steps), violation.rule_id, violation.for_key, violation.message


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` safe for a terminal or a log line: C0 and C1 controls (line breaks included), bidi controls
    and lone surrogates escaped as `\\xNN` / `\\uNNNN`; nothing else changes.
    """
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)


MAX_SHOWN = 120
"""Characters of an input value quoted in an error message."""


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` quoted for an error message, cut to `limit` characters: inputs may be megabytes."""
    if isinstance(value, str | bytes) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} in all)"
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters)"


class ContractError(Exception):
    """The root of every error this package raises.

    Its text is bounded (`MAX_TEXT` characters) and printable (controls,
    line breaks and bidi overrides escaped): what went wrong may quote an
    input of megabytes, and errors end up in terminals, logs and gRPC
    status details.
    """

    MAX_TEXT: ClassVar[int] = 4096
    ONE_LINE: ClassVar[bool] = True
    """Whether the text is escaped with `printable` (a `ValidationError` is one printable line per violation)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(self._text(arg) if isinstance(arg, str) else arg for arg in args))

    def _text(self, text: str) -> str:
        return _bounded(printable(text) if self.ONE_LINE else text, self.MAX_TEXT)


class DecodeError(ContractError, ValueError):
    """Bytes or JSON that are malformed, truncated or larger than allowed."""


class WrongTopicError(DecodeError):
    """A record whose CloudEvents type or dataschema says it is another topic's envelope than the one read.

    Checked before the bytes are parsed: an intent read from a facts topic
    parses, and can even validate, as a fact. `topic` is the topic read,
    `event_type` what the record says it is, `belongs_to` the topic it says.
    """

    def __init__(self, topic: str, event_type: str, belongs_to: str) -> None:
        self.topic = topic
        self.event_type = event_type
        self.belongs_to = belongs_to
        super().__init__(
            f"a record on {topic} says it is {event_type}, an event of {belongs_to}: read it from that topic"
        )


class AdapterInputError(DecodeError):
    """Input an integration adapter cannot map.

    `path` is where, as a JSON path such as `$.alerts[2].startsAt`;
    `expected` what the adapter needed there, `found` what it found.
    """

    def __init__(self, path: str, expected: str, found: str = "") -> None:
        self.path = path
        self.expected = expected
        self.found = found
        detail = f", found {found}" if found else ""
        super().__init__(f"{path}: expected {expected}{detail}")


class ValidationError(ContractError, ValueError):
    """A message that breaks the contract's rules.

    `.violations` lists them (at most the first 100 of a hostile message);
    `.omitted` counts the ones left out.
    """

    MAX_TEXT: ClassVar[int] = 100 * 700  # up to 100 violations, each a bounded line
    ONE_LINE: ClassVar[bool] = False  # each violation's line is printable already

    def __init__(self, message_type: str, violations: Sequence[Violation], omitted: int = 0) -> None:
        self.message_type = message_type
        self.violations: tuple[Violation, ...] = tuple(violations)
        self.omitted = omitted
        lines = "\n".join(f"  {violation}" for violation in self.violations)
        more = f"\n  ... and {omitted} more" if omitted else ""
        total = len(self.violations) + omitted
        super().__init__(f"invalid {message_type} ({total} violation(s)):\n{lines}{more}")


class UnknownTopicError(ContractError, KeyError):
    """A topic, envelope type or payload type this contract does not define."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else super().__str__()


class NewerContractError(ContractError):
    """An envelope that a newer minor version of the contract explains: park it, do not reject it.

    Inside v1 a producer may add oneof cases and enum values
    (README, "Stability promise"); an older consumer cannot read those, but
    they are not broken. `envelope` is the parsed message, unknown parts
    kept field for field, and `data` the bytes it was decoded from, when it
    was. `kafka.dead_letter` sends these to `<topic>.parked`.
    """

    envelope: Message
    data: bytes | None


class UnknownPayloadError(NewerContractError):
    """An envelope whose oneof case is unknown to this version: a newer producer sent it.

    Distinct from `ValidationError` so a consumer can park or skip it on
    purpose: `decode` raises it only when the envelope's metadata and
    subject are valid. `field_number` is the unknown case; `envelope` is the
    parsed message with the unknown field kept (field for field), and `data`
    the bytes it was decoded from, when it was (byte for byte).
    """

    def __init__(self, envelope: Message, field_number: int | None, data: bytes | None = None) -> None:
        self.envelope = envelope
        self.field_number = field_number
        self.data = data
        name = envelope.DESCRIPTOR.full_name
        detail = f"field number {field_number}" if field_number is not None else "no payload at all"
        super().__init__(f"{name} carries a payload this version does not know ({detail})")


class UnknownEnumValueError(NewerContractError, ValidationError):
    """An envelope valid but for enum numbers this version does not define: a newer producer added them.

    Raised only when every violation is such a number (`enum.defined_only`)
    or a rule that reads the field holding it (a transition rule reading the
    new status, say), which a newer contract would judge differently; those
    are not listed. Also a `ValidationError`, as before 1.2, so code that
    refuses invalid messages refuses these too; `violations` are the
    `enum.defined_only` ones, each naming the field and the number.
    """

    def __init__(self, envelope: Message, violations: Sequence[Violation], data: bytes | None = None) -> None:
        self.envelope = envelope
        self.data = data
        ValidationError.__init__(self, envelope.DESCRIPTOR.name, violations)


class UnhandledPayloadError(ContractError, LookupError):
    """A known payload case with no handler on a `Router` made with `unhandled="raise"`.

    Not an `UnknownPayloadError`: the case is this version's own, so parking
    it as "from a newer contract" would be wrong.
    """

    def __init__(self, envelope: Message, case: str) -> None:
        self.envelope = envelope
        self.case = case
        super().__init__(f"no handler for {envelope.DESCRIPTOR.name}.{case}")


class PayloadTypeError(ContractError, TypeError):
    """A message that is not a payload of the envelope it was given to."""


class DuplicateHandlerError(ContractError, ValueError):
    """A second handler registered for a payload type that already has one."""


class PageTokenError(ContractError, ValueError):
    """A page token that is malformed, forged, replayed by another tenant or with other filters, or expired."""


class InvalidArgumentError(ContractError, ValueError):
    """An argument outside what a function accepts (a naive datetime, a negative schema id, a bad option)."""


class SignatureError(ContractError, ValueError):
    """A webhook is not signed, or not by a secret the receiver holds: do not map it.

    `header` names the header that was checked. The text never shows a secret or the signature expected.
    """

    def __init__(self, header: str, reason: str) -> None:
        self.header = header
        super().__init__(f"{header}: {reason}")


class FactNotApplicableError(ContractError, ValueError):
    """A domain fact does not follow from the state it is applied to: another aggregate, a version out of
    sequence, a creating fact for an aggregate that exists, or a fact whose `previous_*` contradicts the state.

    Raised by `ameide_sre_contracts.aggregates`; `fact` is the envelope that did not apply.
    """

    def __init__(self, fact: object, reason: str) -> None:
        self.fact = fact
        self.reason = reason
        super().__init__(printable(reason))


class UnboundedFieldError(ContractError, ValueError):
    """A field has no size rule, so no bound can be computed."""


class ContractDefinitionError(ContractError, RuntimeError):
    """The contract's descriptors contradict what this layer derives from them (a defect of the contract)."""
