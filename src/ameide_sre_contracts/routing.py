"""Consume envelopes: dispatch payloads to typed handlers, and order facts by aggregate version."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts.errors import (
    DuplicateHandlerError,
    InvalidArgumentError,
    PayloadTypeError,
    UnhandledPayloadError,
)
from ameide_sre_contracts.topics import PAYLOADS, Topic, required_case, topic_of

E = TypeVar("E", bound=Message)
P = TypeVar("P", bound=Message)
Handler = Callable[[P, E], object]


class Router(Generic[E]):
    """Calls the handler registered for an envelope's payload type.

    Example:
        router = Router(DOMAIN_FACTS_TOPIC)

        @router.on(IncidentCreated)
        def created(payload: IncidentCreated, envelope: SreDomainFact) -> None: ...

        router.dispatch(fact)
    """

    @overload
    def __init__(self: Router[SreDomainIntent], topic: type[SreDomainIntent]) -> None: ...
    @overload
    def __init__(self: Router[SreDomainFact], topic: type[SreDomainFact]) -> None: ...
    @overload
    def __init__(self: Router[SreProcessFact], topic: type[SreProcessFact]) -> None: ...
    @overload
    def __init__(self: Router[Any], topic: str | Topic) -> None: ...
    def __init__(self, topic: str | Topic | type[Message]) -> None:
        self.topic = topic_of(topic)
        self._handlers: dict[str, Callable[[Any, Any], object]] = {}

    def on(self, payload_type: type[P]) -> Callable[[Handler[P, E]], Handler[P, E]]:
        """Register the decorated function as the handler of `payload_type`.

        Raises:
            PayloadTypeError: `payload_type` is not a payload of this router's topic.
            DuplicateHandlerError: a handler is already registered for it.
        """
        info = PAYLOADS.get(payload_type)
        if info is None or info.topic is not self.topic:
            raise PayloadTypeError(f"{payload_type.__name__} is not a payload of {self.topic.name}")
        if info.case in self._handlers:
            raise DuplicateHandlerError(f"a handler for {payload_type.__name__} is already registered")

        def register(handler: Handler[P, E]) -> Handler[P, E]:
            self._handlers[info.case] = handler
            return handler

        return register

    def dispatch(self, envelope: E) -> object:
        """Call the handler of the envelope's payload and return what it returns.

        Raises:
            PayloadTypeError: `envelope` is not this topic's envelope.
            UnknownPayloadError: the payload is a case newer than this version.
            UnhandledPayloadError: no handler is registered for the payload (a subclass of the above).
        """
        if type(envelope) is not self.topic.envelope_type:
            raise PayloadTypeError(f"{type(envelope).__name__} does not travel on {self.topic.name}")
        case = required_case(envelope, self.topic)
        handler = self._handlers.get(case)
        if handler is None:
            raise UnhandledPayloadError(envelope, case)
        return handler(getattr(envelope, case), envelope)

    def unhandled(self) -> frozenset[type[Message]]:
        """The payload types of this topic that have no handler yet."""
        return frozenset(p for p in self.topic.payload_types if PAYLOADS[p].case not in self._handlers)


class VersionCheck(enum.Enum):
    """Where an incoming fact stands against the last version applied for its aggregate."""

    NEW = "new"
    """Exactly the next version: apply it."""
    DUPLICATE = "duplicate"
    """The version already applied: a redelivery; skip it."""
    STALE = "stale"
    """An older version: already superseded; skip it."""
    GAP = "gap"
    """Versions are missing in between: hold it, or rebuild the aggregate's view."""


def check_version(last_seen: int | None, incoming: int | SreDomainFact) -> VersionCheck:
    """Classify an incoming fact by aggregate version, for idempotent, ordered consumers.

    `last_seen` is the last version applied for the aggregate (`None` or 0 when
    none was); `incoming` is a fact or its `subject.aggregate_version`.
    Equal is DUPLICATE, lower STALE, one more NEW, higher GAP.
    """
    version = incoming.subject.aggregate_version if isinstance(incoming, SreDomainFact) else incoming
    if version < 1:
        raise InvalidArgumentError(f"a fact's aggregate version is 1 or more, not {version}")
    last = last_seen or 0
    if last < 0:
        raise InvalidArgumentError(f"last_seen cannot be negative ({last_seen})")
    if version == last:
        return VersionCheck.DUPLICATE
    if version < last:
        return VersionCheck.STALE
    return VersionCheck.NEW if version == last + 1 else VersionCheck.GAP
