"""What the contract's enums say beyond their values: the incident lifecycle and the severity aliases.

Both are declared once, in the `.proto` files, as `(sre_value)` options on the
enum values (`next` on `IncidentStatus`, `aliases` on `Severity`), and read
here from the descriptors: a value or an alias added to the contract appears
without a code change.

Example:
    sre.can_transition(sre_pb2.INCIDENT_STATUS_OPEN, sre_pb2.INCIDENT_STATUS_RESOLVED)  # True
    sre.severity_from_label("warning")  # SEVERITY_MEDIUM
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, TypeAlias

from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts.errors import ContractDefinitionError

IncidentStatus: TypeAlias = sre_pb2.IncidentStatus.ValueType
Severity: TypeAlias = sre_pb2.Severity.ValueType


def _value_options(value: Any) -> sre_pb2.SreEnumValueOptions:
    declared: sre_pb2.SreEnumValueOptions = value.GetOptions().Extensions[sre_pb2.sre_value]
    return declared


def _transitions() -> dict[IncidentStatus, frozenset[IncidentStatus]]:
    enum = sre_pb2.IncidentStatus.DESCRIPTOR
    table: dict[IncidentStatus, frozenset[IncidentStatus]] = {}
    for value in enum.values:
        if value.number == 0:
            continue
        successors = set()
        for name in _value_options(value).next:
            if name not in enum.values_by_name or enum.values_by_name[name].number == 0:
                raise ContractDefinitionError(f"{value.name} lists {name!r} as next, not a status")
            successors.add(sre_pb2.IncidentStatus.Value(name))
        table[sre_pb2.IncidentStatus.Value(value.name)] = frozenset(successors)
    return table


def _aliases() -> dict[str, Severity]:
    table: dict[str, Severity] = {}
    for value in sre_pb2.Severity.DESCRIPTOR.values:
        for alias in _value_options(value).aliases:
            if alias != alias.strip().lower() or alias in table:
                raise ContractDefinitionError(f"severity alias {alias!r} is not lowercase or belongs to two values")
            table[alias] = sre_pb2.Severity.Value(value.name)
    return table


INCIDENT_TRANSITIONS: Final[Mapping[IncidentStatus, frozenset[IncidentStatus]]] = MappingProxyType(_transitions())
"""Every incident status with the statuses it may change to (empty for a final one)."""

incident_transitions: Final = INCIDENT_TRANSITIONS
"""Alias of `INCIDENT_TRANSITIONS`, under the name the platform's other packages use."""

SEVERITY_ALIASES: Final[Mapping[str, Severity]] = MappingProxyType(_aliases())
"""Every lowercase severity label the contract knows, with the `Severity` it maps to."""


def can_transition(current: IncidentStatus, new: IncidentStatus) -> bool:
    """Whether an incident in status `current` may move to `new` (False for unknown statuses)."""
    return new in INCIDENT_TRANSITIONS.get(current, frozenset())


ACKNOWLEDGEABLE_STATUSES: Final[frozenset[IncidentStatus]] = frozenset(
    sre_pb2.IncidentStatus.Value(value.name)
    for value in sre_pb2.IncidentStatus.DESCRIPTOR.values
    if value.number != 0 and _value_options(value).acknowledgeable
)
"""The statuses an incident may be acknowledged (taken over) in: `acknowledgeable` on `IncidentStatus`."""


def status_after_acknowledgement(current: IncidentStatus) -> IncidentStatus | None:
    """The status an `IncidentAcknowledged` leaves an incident in, or None when it cannot be acknowledged.

    Acknowledged when the lifecycle allows the move there (from open);
    otherwise unchanged, a takeover of an incident in progress; None for a
    resolved or closed incident (one not `acknowledgeable`).

    Example:
        status_after_acknowledgement(INCIDENT_STATUS_OPEN)           # INCIDENT_STATUS_ACKNOWLEDGED
        status_after_acknowledgement(INCIDENT_STATUS_INVESTIGATING)  # INCIDENT_STATUS_INVESTIGATING
        status_after_acknowledgement(INCIDENT_STATUS_CLOSED)         # None
    """
    if current not in ACKNOWLEDGEABLE_STATUSES:
        return None
    acknowledged = sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED
    return acknowledged if can_transition(current, acknowledged) else current


def severity_from_label(label: str | None) -> Severity:
    """The `Severity` a severity label maps to: case and surrounding space ignored, unknown or missing unspecified.

    Example:
        severity_from_label("Warning")  # SEVERITY_MEDIUM
        severity_from_label(None)       # SEVERITY_UNSPECIFIED
    """
    if not label:
        return sre_pb2.SEVERITY_UNSPECIFIED
    return SEVERITY_ALIASES.get(label.strip().lower(), sre_pb2.SEVERITY_UNSPECIFIED)
