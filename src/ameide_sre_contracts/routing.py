"""Consume envelopes: dispatch payloads to typed handlers, and order and deduplicate them per aggregate."""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, Literal, overload

from google.protobuf.message import Message
from typing_extensions import TypeVar

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import (
    DuplicateHandlerError,
    InvalidArgumentError,
    PayloadTypeError,
    UnhandledPayloadError,
)
from ameide_sre_contracts.topics import (
    PAYLOADS,
    DomainFactsTopic,
    DomainIntentsTopic,
    ProcessFactsTopic,
    Topic,
    required_case,
    topic_of,
)

E = TypeVar("E", bound=Message)
P = TypeVar("P", bound=Message)
R = TypeVar("R", default=object)
"""What the router's handlers return: `Router[SreDomainFact, None]` takes only handlers that return nothing."""
Handler = Callable[[P, E], R]
Unhandled = Literal["ignore", "raise"] | Callable[[E], R]
"""What a `Router` does with a payload no handler is registered for."""


class Router(Generic[E, R]):
    """Calls the handler registered for an envelope's payload type.

    A consumer usually cares about some cases only: by default the others
    are ignored (`dispatch` returns None). `unhandled="raise"` raises
    `UnhandledPayloadError` instead; a callable receives the envelope and
    its result is returned. A case newer than this version still raises
    `UnknownPayloadError` (park it). The router does not validate: an
    envelope `decode` refused with `UnknownEnumValueError` (a newer enum
    number) never reaches it unless the consumer decoded without
    validation, in which case the handler sees the number as it came.

    Example:
        router = Router(DOMAIN_FACTS_TOPIC)

        @router.on(IncidentCreated)
        def created(payload: IncidentCreated, envelope: SreDomainFact) -> None: ...

        router.dispatch(fact)
    """

    @overload
    def __init__(
        self: Router[SreDomainIntent, R],
        topic: type[SreDomainIntent] | DomainIntentsTopic,
        *,
        unhandled: Unhandled[SreDomainIntent, R] = ...,
    ) -> None: ...
    @overload
    def __init__(
        self: Router[SreDomainFact, R],
        topic: type[SreDomainFact] | DomainFactsTopic,
        *,
        unhandled: Unhandled[SreDomainFact, R] = ...,
    ) -> None: ...
    @overload
    def __init__(
        self: Router[SreProcessFact, R],
        topic: type[SreProcessFact] | ProcessFactsTopic,
        *,
        unhandled: Unhandled[SreProcessFact, R] = ...,
    ) -> None: ...
    @overload
    def __init__(self: Router[Any, R], topic: str | Topic, *, unhandled: Unhandled[Any, R] = ...) -> None: ...
    def __init__(self, topic: str | Topic | type[Message], *, unhandled: Unhandled[Any, Any] = "ignore") -> None:
        if unhandled not in ("ignore", "raise") and not callable(unhandled):
            raise InvalidArgumentError(f'unhandled must be "ignore", "raise" or a callable, not {unhandled!r}')
        self.topic = topic_of(topic)
        self._handlers: dict[str, Callable[[Any, Any], R]] = {}
        self._unhandled: Unhandled[E, R] = unhandled

    def on(self, payload_type: type[P]) -> Callable[[Handler[P, E, R]], Handler[P, E, R]]:
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

        def register(handler: Handler[P, E, R]) -> Handler[P, E, R]:
            self._handlers[info.case] = handler
            return handler

        return register

    def dispatch(self, envelope: E) -> R | None:
        """Call the handler of the envelope's payload and return what it returns (None for an ignored payload).

        A payload without a handler is ignored (None), raised or passed on, as
        the router was made (`unhandled`).

        Raises:
            PayloadTypeError: `envelope` is not this topic's envelope.
            UnknownPayloadError: the payload is a case newer than this version.
            UnhandledPayloadError: no handler is registered for the payload, with `unhandled="raise"`.
        """
        if type(envelope) is not self.topic.envelope_type:
            raise PayloadTypeError(f"{type(envelope).__name__} does not travel on {self.topic.name}")
        case = required_case(envelope, self.topic)
        handler = self._handlers.get(case)
        if handler is not None:
            return handler(getattr(envelope, case), envelope)
        if self._unhandled == "raise":
            raise UnhandledPayloadError(envelope, case)
        if self._unhandled == "ignore":
            return None
        return self._unhandled(envelope)

    def unhandled(self) -> frozenset[type[Message]]:
        """The payload types of this topic that have no handler yet."""
        return frozenset(p for p in self.topic.payload_types if PAYLOADS[p].case not in self._handlers)


class VersionCheck(enum.Enum):
    """Where an incoming envelope stands against the last version applied for its aggregate (or workflow)."""

    NEW = "new"
    """Exactly what comes next: apply it."""
    DUPLICATE = "duplicate"
    """What was already applied: a redelivery; skip it."""
    STALE = "stale"
    """Older than what was applied: superseded (a fact) or conflicting (an intent); skip it."""
    GAP = "gap"
    """Something is missing in between: hold it, or catch up from the query services first."""
    OUTCOME = "outcome"
    """A fact that reports an intent's outcome (`IntentRejected`) and changes no state: handle it, keep `last_seen`."""


_OUTCOME_CASES: frozenset[str] = frozenset(info.case for info in PAYLOADS.values() if info.reports_outcome)


def _position(incoming: int | Envelope) -> tuple[int, bool]:
    """The envelope's version (a fact's, an intent's expectation, a process fact's sequence), and whether an intent."""
    if isinstance(incoming, SreDomainFact):
        return incoming.subject.aggregate_version, False
    if isinstance(incoming, SreDomainIntent):
        return incoming.subject.aggregate_version, True
    if isinstance(incoming, SreProcessFact):
        if incoming.subject.sequence == 0:
            raise InvalidArgumentError(
                "this process fact carries no sequence (its workflow does not number its facts): "
                "deduplicate it by meta.message_id"
            )
        return incoming.subject.sequence, False
    if isinstance(incoming, bool) or not isinstance(incoming, int):
        raise InvalidArgumentError(f"check_version takes an envelope or a version, not {type(incoming).__name__}")
    return incoming, False


def check_version(last_seen: int | None, incoming: int | Envelope) -> VersionCheck:
    """Classify an incoming envelope against the last version applied for its aggregate, for idempotent consumers.

    `last_seen` is the last version applied (`None` or 0 when none was:
    a consumer that starts mid-stream sees GAP until it catches up);
    `incoming` is an envelope or a version number:

    - a domain fact by `subject.aggregate_version`: one more than `last_seen`
      is NEW, equal DUPLICATE, lower STALE, higher GAP; a fact that reports
      an intent's outcome (`IntentRejected`) is OUTCOME whatever its version,
      which it does not advance (deduplicate it by `meta.message_id`);
    - a process fact by `subject.sequence`, the same way (per workflow: key
      the state by `dedupe_key`);
    - an intent by the version it expects: equal to `last_seen` is NEW (it
      applies on top), lower STALE (it raced another change), higher GAP;
      0 expects nothing (creating, or no check) and is always NEW: a
      redelivered intent that expects no version is told apart by its
      message id (`SeenMessages`), not here.

    Raises:
        InvalidArgumentError: a negative `last_seen`, a fact version below 1, or a process fact without a sequence.
    """
    version, intent = _position(incoming)
    last = last_seen or 0
    if last < 0:
        raise InvalidArgumentError(f"last_seen cannot be negative ({last_seen})")
    if isinstance(incoming, SreDomainFact) and incoming.WhichOneof("fact") in _OUTCOME_CASES:
        return VersionCheck.OUTCOME
    if intent:
        if version == 0 or version == last:
            return VersionCheck.NEW
        return VersionCheck.STALE if version < last else VersionCheck.GAP
    if version < 1:
        raise InvalidArgumentError(f"a fact's version is 1 or more, not {version}")
    if version == last:
        return VersionCheck.DUPLICATE
    if version < last:
        return VersionCheck.STALE
    return VersionCheck.NEW if version == last + 1 else VersionCheck.GAP


def dedupe_key(envelope: Envelope) -> str:
    """The key to keep `last_seen` under: the tenant and the aggregate (or workflow run) the envelope is about.

    Aggregate ids are unique per tenant only, so a key without the tenant
    would let one tenant's version shadow another's.

    Example:
        dedupe_key(fact)  # "acme/Incident/3f1c2a9e-..."
    """
    tenant = envelope.meta.tenant_id
    if isinstance(envelope, SreProcessFact):
        subject = envelope.subject
        run = f"/{subject.run_id}" if subject.run_id else ""
        return f"{tenant}/{subject.workflow_type}/{subject.workflow_id}{run}"
    return f"{tenant}/{envelope.subject.aggregate_type}/{envelope.subject.aggregate_id}"


class SeenMessages:
    """Which envelopes were already handled, by tenant and `meta.message_id`: how intents are deduplicated.

    An intent that expects no version (`subject.aggregate_version` 0, as
    every adapter's intents do) is NEW to `check_version` however often it
    is delivered. Its message id tells: adapters derive it from what the
    source sent, so a redelivered webhook, event or manifest gives the same
    ids, and `new_intent` gives every other intent a fresh one.

    Bounded: the last `capacity` ids are kept, the least recently seen
    forgotten first, so a redelivery after `capacity` other messages counts
    as new. Size it to the redelivery window (the records a consumer may
    read again after a restart, a sender's retry window). A domain service
    that must never apply an intent twice across restarts records the id in
    the transaction that writes the intent's facts (the outbox) and loads
    the recent ones at start (`remember`). Safe to share between threads.

    Example:
        seen = SeenMessages(capacity=100_000)
        if seen.first_time(intent):
            ...  # handle it
    """

    def __init__(self, capacity: int = 100_000) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise InvalidArgumentError(f"capacity is a positive integer, not {capacity!r}")
        self.capacity = capacity
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(envelope: Envelope) -> tuple[str, str]:
        if not isinstance(envelope, SreDomainIntent | SreDomainFact | SreProcessFact):
            raise InvalidArgumentError(f"SeenMessages takes an envelope, not {type(envelope).__name__}")
        if not envelope.meta.message_id:
            raise InvalidArgumentError("this envelope has no meta.message_id to deduplicate it by")
        return envelope.meta.tenant_id, envelope.meta.message_id

    def first_time(self, envelope: Envelope) -> bool:
        """True the first time an envelope's (tenant, message id) is seen, recording it; False for a redelivery.

        Raises:
            InvalidArgumentError: not an envelope, or one without a message id.
        """
        key = self._key(envelope)
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return False
            self._seen[key] = None
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True

    def remember(self, tenant_id: str, message_id: str) -> None:
        """Record an id handled before (loaded from the outbox at start), as if its envelope were seen."""
        with self._lock:
            self._seen[(tenant_id, message_id)] = None
            self._seen.move_to_end((tenant_id, message_id))
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)

    def forget(self, envelope: Envelope) -> None:
        """Undo `first_time` for an envelope whose handling failed, so that its redelivery is handled."""
        key = self._key(envelope)
        with self._lock:
            self._seen.pop(key, None)

    def __contains__(self, envelope: object) -> bool:
        if not isinstance(envelope, SreDomainIntent | SreDomainFact | SreProcessFact):
            return False
        with self._lock:
            return (envelope.meta.tenant_id, envelope.meta.message_id) in self._seen

    def __len__(self) -> int:
        return len(self._seen)
