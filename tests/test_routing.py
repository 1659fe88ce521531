"""ameide_sre_contracts.routing: typed dispatch, and version checks for idempotent consumers."""

from __future__ import annotations

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts.errors import InvalidArgumentError
from testkit.wire import length_delimited


def test_dispatch_calls_the_handler_with_payload_and_envelope() -> None:
    """The registered handler gets the payload and the envelope, and its result is returned."""
    router: sre.Router[facts_pb2.SreDomainFact] = sre.Router(facts_pb2.SreDomainFact)
    seen: list[tuple[str, str]] = []

    @router.on(facts_pb2.IncidentCreated)
    def created(payload: facts_pb2.IncidentCreated, envelope: facts_pb2.SreDomainFact) -> str:
        seen.append((payload.incident.incident_id, envelope.meta.message_id))
        return "ok"

    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    assert router.dispatch(fact) == "ok"
    assert seen == [(testing.INCIDENT_ID, fact.meta.message_id)]


def test_unhandled_lists_payloads_without_handlers() -> None:
    """unhandled() starts with every payload of the topic and shrinks as handlers register."""
    router = sre.Router(sre.PROCESS_FACTS_TOPIC)
    assert router.unhandled() == frozenset(sre.TOPICS[sre.PROCESS_FACTS_TOPIC].payload_types)
    router.on(process_facts_pb2.IncidentTriageStarted)(lambda payload, envelope: None)
    assert process_facts_pb2.IncidentTriageStarted not in router.unhandled()
    assert len(router.unhandled()) == len(sre.TOPICS[sre.PROCESS_FACTS_TOPIC].payload_types) - 1 == 13


def test_a_case_without_handler_is_ignored_by_default_raised_or_passed_on() -> None:
    """A consumer survives the cases it does not care about; it can ask to raise, or to see them."""
    closed = testing.examples(facts_pb2.SreDomainFact)[5]
    assert sre.Router(sre.DOMAIN_FACTS_TOPIC).dispatch(closed) is None
    with pytest.raises(sre.UnhandledPayloadError, match="incident_closed") as raised:
        sre.Router(sre.DOMAIN_FACTS_TOPIC, unhandled="raise").dispatch(closed)
    assert raised.value.case == "incident_closed"
    assert not isinstance(raised.value, sre.UnknownPayloadError)  # not "from a newer contract": do not park it
    seen: list[facts_pb2.SreDomainFact] = []
    sre.Router(facts_pb2.SreDomainFact, unhandled=seen.append).dispatch(closed)
    assert seen == [closed]
    with pytest.raises(InvalidArgumentError):
        sre.Router(sre.DOMAIN_FACTS_TOPIC, unhandled="skip")  # type: ignore[call-overload]


def test_a_newer_case_raises_unknown_payload() -> None:
    """An envelope whose case is newer than this version is refused with its field number."""
    fact = testing.examples(facts_pb2.SreDomainFact)[5]
    fact.ClearField("fact")
    newer = facts_pb2.SreDomainFact.FromString(fact.SerializeToString() + length_delimited(99, b""))
    router = sre.Router(sre.DOMAIN_FACTS_TOPIC)
    with pytest.raises(sre.UnknownPayloadError) as raised:
        router.dispatch(newer)
    assert raised.value.field_number == 99
    assert not isinstance(raised.value, sre.UnhandledPayloadError)


def test_registration_is_checked() -> None:
    """A payload of another topic, a duplicate handler, or a foreign envelope are refused."""
    router = sre.Router(sre.DOMAIN_FACTS_TOPIC)
    with pytest.raises(sre.PayloadTypeError):
        router.on(intents_pb2.CreateIncidentRequested)
    router.on(facts_pb2.IncidentClosed)(lambda payload, envelope: None)
    with pytest.raises(ValueError, match="already registered"):
        router.on(facts_pb2.IncidentClosed)
    with pytest.raises(sre.PayloadTypeError):
        router.dispatch(testing.examples(intents_pb2.SreDomainIntent)[0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("last_seen", "incoming", "expected"),
    [
        (None, 1, sre.VersionCheck.NEW),
        (0, 1, sre.VersionCheck.NEW),
        (None, 2, sre.VersionCheck.GAP),
        (3, 3, sre.VersionCheck.DUPLICATE),
        (3, 2, sre.VersionCheck.STALE),
        (3, 1, sre.VersionCheck.STALE),
        (3, 4, sre.VersionCheck.NEW),
        (3, 5, sre.VersionCheck.GAP),
    ],
)
def test_check_version(last_seen: int | None, incoming: int, expected: sre.VersionCheck) -> None:
    """Equal is DUPLICATE, lower STALE, one more NEW, higher GAP."""
    assert sre.check_version(last_seen, incoming) is expected


def test_check_version_reads_the_fact_and_refuses_impossible_versions() -> None:
    """A fact is classified by its subject's version; versions below 1 are errors."""
    fact = testing.examples(facts_pb2.SreDomainFact)[5]
    assert fact.subject.aggregate_version == 4
    assert sre.check_version(3, fact) is sre.VersionCheck.NEW
    with pytest.raises(ValueError, match="1 or more"):
        sre.check_version(3, 0)
    with pytest.raises(ValueError, match="negative"):
        sre.check_version(-1, 1)


def test_versions_are_checked_for_every_envelope_and_without_prior_state() -> None:
    """Facts by aggregate version, process facts by sequence, intents by the version they expect."""
    fact = testing.examples(facts_pb2.SreDomainFact)[1]  # version 1 or more
    assert sre.check_version(None, fact) in (sre.VersionCheck.NEW, sre.VersionCheck.GAP)
    fact.subject.aggregate_version = 1
    assert sre.check_version(None, fact) is sre.VersionCheck.NEW
    assert sre.check_version(1, fact) is sre.VersionCheck.DUPLICATE
    process = testing.examples(process_facts_pb2.SreProcessFact)[0]
    process.subject.sequence = 3
    assert [sre.check_version(last, process) for last in (None, 2, 3, 4)] == [
        sre.VersionCheck.GAP,
        sre.VersionCheck.NEW,
        sre.VersionCheck.DUPLICATE,
        sre.VersionCheck.STALE,
    ]
    process.subject.sequence = 0
    with pytest.raises(InvalidArgumentError, match="message_id"):
        sre.check_version(None, process)
    intent = testing.examples(intents_pb2.SreDomainIntent)[1]
    intent.subject.aggregate_version = 4  # the sender expects version 4
    assert [sre.check_version(last, intent) for last in (3, 4, 5)] == [
        sre.VersionCheck.GAP,
        sre.VersionCheck.NEW,
        sre.VersionCheck.STALE,
    ]
    intent.subject.aggregate_version = 0
    assert sre.check_version(7, intent) is sre.VersionCheck.NEW
    with pytest.raises(InvalidArgumentError):
        sre.check_version(None, "3")  # type: ignore[arg-type]


def test_the_dedupe_key_is_scoped_by_tenant() -> None:
    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    other = facts_pb2.SreDomainFact()
    other.CopyFrom(fact)
    other.meta.tenant_id = "globex"
    assert sre.dedupe_key(fact) != sre.dedupe_key(other)
    assert sre.dedupe_key(fact) == f"{fact.meta.tenant_id}/Incident/{fact.subject.aggregate_id}"
    process = testing.examples(process_facts_pb2.SreProcessFact)[0]
    assert sre.dedupe_key(process).startswith(f"{process.meta.tenant_id}/IncidentTriageProcess/")


# --- SeenMessages: intents deduplicated by tenant and message id


def _intent(message_id: str, tenant: str = "acme") -> intents_pb2.SreDomainIntent:
    intent = testing.examples(intents_pb2.SreDomainIntent)[0]
    intent.meta.message_id = message_id
    intent.meta.tenant_id = tenant
    return intent


def test_a_redelivered_intent_is_seen_and_a_fresh_one_is_not() -> None:
    seen = sre.SeenMessages()
    first = _intent("m-1")
    assert sre.check_version(None, first) is sre.VersionCheck.NEW  # expects no version: check_version cannot tell
    assert seen.first_time(first)
    assert not seen.first_time(_intent("m-1"))  # the same id again, as a redelivery decodes
    assert seen.first_time(_intent("m-2"))
    assert _intent("m-1") in seen
    assert _intent("m-3") not in seen
    assert "m-1" not in seen
    assert len(seen) == 2


def test_the_same_message_id_in_another_tenant_is_another_message() -> None:
    seen = sre.SeenMessages()
    assert seen.first_time(_intent("m-1", tenant="acme"))
    assert seen.first_time(_intent("m-1", tenant="globex"))
    assert not seen.first_time(_intent("m-1", tenant="globex"))


def test_the_least_recently_seen_id_is_forgotten_first_at_capacity() -> None:
    seen = sre.SeenMessages(capacity=3)
    for name in ("a", "b", "c"):
        assert seen.first_time(_intent(name))
    assert not seen.first_time(_intent("a"))  # seen again: now the most recent
    assert seen.first_time(_intent("d"))  # over capacity: "b" goes, not "a"
    assert len(seen) == 3
    assert _intent("a") in seen
    assert _intent("b") not in seen
    assert seen.first_time(_intent("b"))  # past the window, a redelivery counts as new


def test_forget_lets_a_failed_intent_be_handled_on_redelivery_and_remember_loads_the_outbox() -> None:
    seen = sre.SeenMessages()
    intent = _intent("m-1")
    assert seen.first_time(intent)
    seen.forget(intent)  # handling failed: its redelivery must be handled
    assert seen.first_time(intent)
    seen.remember("acme", "m-9")  # handled before a restart
    assert not seen.first_time(_intent("m-9"))
    assert seen.first_time(_intent("m-9", tenant="globex"))


def test_facts_and_process_facts_are_deduplicated_the_same_way() -> None:
    seen = sre.SeenMessages()
    for envelope in (
        testing.examples(facts_pb2.SreDomainFact)[0],
        testing.examples(process_facts_pb2.SreProcessFact)[0],
    ):
        assert seen.first_time(envelope)
        assert not seen.first_time(envelope)


@pytest.mark.parametrize("capacity", [0, -1, True, 1.5, "10"])
def test_a_capacity_is_a_positive_integer(capacity: object) -> None:
    with pytest.raises(InvalidArgumentError, match="capacity"):
        sre.SeenMessages(capacity=capacity)  # type: ignore[arg-type]


def test_only_envelopes_with_a_message_id_are_taken() -> None:
    seen = sre.SeenMessages()
    with pytest.raises(InvalidArgumentError, match="message_id"):
        seen.first_time(_intent(""))
    with pytest.raises(InvalidArgumentError, match="takes an envelope"):
        seen.first_time(facts_pb2.IncidentCreated())  # type: ignore[arg-type]
