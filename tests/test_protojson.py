"""The generated ProtoJSON reader and writer: equal to the strict reader and to json_format, and fast without loss.

`tools/testkit/json_differential.py` runs texts through both readers and
messages through both writers; here it runs bounded (every example in several
spellings with rule-aimed mutants, and what the adapters make of every real
fixture), is shown to catch injected faults, and the strictness rules are
checked one by one through `from_json`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any, cast

import pytest
from google.protobuf import json_format

import ameide_core_proto.sre._protojson as generated
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, slo_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import DecodeError, from_json, testing, to_json
from ameide_sre_contracts import _jsonfast as runtime
from testkit import json_differential as differential
from testkit.mutants import mutant

ENVELOPES = (intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact, process_facts_pb2.SreProcessFact)
EXAMPLES = [example for envelope in ENVELOPES for example in testing.examples(envelope)]
FACTS = "sre.domain.facts.v1"


def _run(mutants: int, seed: int, messages: list[Any] | None = None) -> differential.Tally:
    return differential.run(
        EXAMPLES if messages is None else messages, mutants_per_message=mutants, seed=seed, message_mutants=mutant
    )


def test_every_example_and_its_mutants_read_and_write_as_the_strict_reader_and_json_format_do() -> None:
    tally = _run(mutants=60, seed=20261204)
    assert tally.defects == 0, tally.examples
    assert tally.texts > 4000
    assert tally.read_fast > 1000
    assert tally.refused > 1000
    assert tally.messages_written > 1000
    accepted = tally.read_fast + tally.read_fallback
    assert tally.read_fallback <= accepted // 100, f"{tally.read_fallback} of {accepted} accepted texts fell back"
    assert tally.write_fallback == 0


def test_what_the_adapters_make_of_every_real_fixture_reads_and_writes_the_same_way() -> None:
    messages = differential.fixture_messages()
    assert len(messages) > 150
    tally = differential.run(messages, mutants_per_message=3, seed=7, message_mutants=None)
    assert tally.defects == 0, tally.examples
    assert tally.read_fast >= len(messages) * 2  # at least the two json_format spellings of each
    assert tally.read_fallback == 0
    assert tally.write_fallback == 0


# --- the harness catches what it is there to catch ---------------------------------------------------------------

SAMPLE = EXAMPLES[::4]


def _a_nanosecond_late(value: Any, ignore: bool = False) -> dict[str, int]:
    stamp = runtime.timestamp(value)
    return {"seconds": stamp["seconds"], "nanos": stamp["nanos"] + 1} if stamp["nanos"] < 999_999_999 else stamp


def _lowercase_t_too(value: Any, ignore: bool = False) -> dict[str, int]:
    return runtime.timestamp(value.replace("t", "T") if isinstance(value, str) else value)


def _booleans_as_enums(value: Any, names: dict[str, int], ignore: bool) -> Any:
    return int(value) if isinstance(value, bool) else runtime.enum(value, names, ignore)


def _without_fraction(message: Any) -> str:
    return runtime.write_timestamp(message).split(".")[0].rstrip("Z") + "Z"


def _any_time(message: Any) -> str:
    return f"{message.seconds}s"


def _no_meta(read: Any) -> Any:
    def reader(value: Any, ignore: bool) -> dict[str, Any]:
        built: dict[str, Any] = read(value, ignore)
        built.pop("meta", None)
        return built

    return reader


FAULTS = {
    "times read a nanosecond late": ("_timestamp", _a_nanosecond_late),
    "a lowercase t accepted": ("_timestamp", _lowercase_t_too),
    "true read as an enum number": ("_enum", _booleans_as_enums),
    "unknown keys dropped without being told": ("_rest", None),
    "fractions of seconds not written": ("_write_timestamp", _without_fraction),
    "times written where json_format refuses": ("_write_timestamp", _any_time),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_harness_reports_an_injected_fault(fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    name, replacement = FAULTS[fault]
    if name == "_rest":
        monkeypatch.setattr(runtime, "unknown_key", lambda key, ignore: None)
    else:
        monkeypatch.setattr(generated, name, replacement)
    tally = _run(mutants=40, seed=11, messages=SAMPLE)
    assert tally.defects > 0, fault


def test_the_harness_reports_a_reader_that_drops_a_field(monkeypatch: pytest.MonkeyPatch) -> None:
    full_name = facts_pb2.SreDomainFact.DESCRIPTOR.full_name
    monkeypatch.setitem(generated.READERS, full_name, _no_meta(generated.READERS[full_name]))
    tally = _run(mutants=5, seed=3, messages=list(testing.examples(facts_pb2.SreDomainFact))[:3])
    assert tally.defects > 0


def test_without_faults_the_same_sample_shows_none() -> None:
    assert _run(mutants=40, seed=11, messages=SAMPLE).defects == 0


# --- the strictness rules, through from_json -----------------------------------------------------------------------


def _fact_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(to_json(testing.examples(facts_pb2.SreDomainFact)[5]))
    return document


def _edited(**changes: Any) -> str:
    document = _fact_document()
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        holder = document
        for step in parents:
            holder = holder[step]
        holder[last] = value
    return json.dumps(document)


REFUSED = {
    "a field under both names": (
        json.dumps({**_fact_document(), "meta": {**_fact_document()["meta"], "tenant_id": "other"}}),
        "given twice",
    ),
    "an offset past 23:59": (_edited(meta__occurredAt="2026-03-14T09:27:08+24:00"), "RFC 3339"),
    "a lowercase t": (_edited(meta__occurredAt="2026-03-14t09:27:08Z"), "ProtoJSON"),
    "a leap second": (_edited(meta__occurredAt="2026-03-14T09:27:60Z"), "ProtoJSON"),
    "a lone surrogate": (_edited(meta__producer="sre-\ud800"), "surrogate"),
    "an integer with an underscore": (_edited(subject__aggregateVersion="1_0"), "not an integer"),
    "Arabic-Indic digits": (_edited(subject__aggregateVersion="\u0664"), "not an integer"),
    "a message as a string": (_edited(meta__actor=""), "JSON object"),
    "a message as a list": (_edited(meta__actor=[]), "JSON object"),
    "an enum as true": (_edited(meta__actor__kind=True), "not an enum value"),
    "an enum as 1_0": (_edited(meta__actor__kind="1_0"), "not an enum value"),
    "an unknown field": (_edited(meta__notAField=1), "no field named"),
    "an extension key": (_edited(**{"meta__[a.b]": 1}), "extensions"),
    "two cases of the oneof": (_edited(incidentCreated={}), "oneof"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_text_breaking_a_reading_rule_is_refused_naming_why(case: str) -> None:
    text, why = REFUSED[case]
    with pytest.raises(DecodeError, match=why):
        from_json(FACTS, text, validate=False)


def test_a_key_given_twice_in_one_object_is_refused() -> None:
    text = to_json(testing.examples(facts_pb2.SreDomainFact)[5])
    with pytest.raises(DecodeError, match="appears twice"):
        from_json(FACTS, text.replace('"meta": {', '"meta": {"tenantId": "x", ', 1))


def test_a_double_as_true_and_a_duration_with_an_underscore_are_refused() -> None:
    with pytest.raises(DecodeError, match="not a number"):
        from_json(slo_pb2.ThresholdIndicator, '{"threshold": true}', validate=False)
    burn = slo_pb2.BurnRateAlert.DESCRIPTOR
    window = next(f.json_name for f in burn.fields if f.message_type and f.message_type.name == "Duration")
    with pytest.raises(DecodeError, match="not a duration"):
        from_json(slo_pb2.BurnRateAlert, json.dumps({window: "1_0s"}), validate=False)
    assert from_json(slo_pb2.BurnRateAlert, json.dumps({window: "-1.5s"}), validate=False) == json_format.Parse(
        json.dumps({window: "-1.5s"}), slo_pb2.BurnRateAlert()
    )


def test_every_spelling_protojson_allows_reads_as_json_format_reads_it() -> None:
    canonical = from_json(FACTS, to_json(testing.examples(facts_pb2.SreDomainFact)[5]))
    spelled = _fact_document()
    spelled["subject"]["aggregateVersion"] = 4  # int64 as a number
    spelled["meta"]["actor"]["kind"] = 2  # an enum by number
    spelled["meta"]["schema_version"] = spelled["meta"].pop("schemaVersion")  # a proto name
    assert from_json(FACTS, json.dumps(spelled)) == canonical
    for value, expected in (("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf"), ("1.5", "1.5"), (2, "2.0")):
        read = from_json(slo_pb2.ThresholdIndicator, json.dumps({"threshold": value}), validate=False)
        assert repr(read.threshold) == expected


def test_from_json_builds_plain_texts_without_json_format(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.protobuf import json_format as module

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("json_format was asked")

    monkeypatch.setattr(module, "ParseDict", refuse)
    monkeypatch.setattr(module, "MessageToJson", refuse)
    for example in EXAMPLES:
        text = to_json(example)
        assert from_json(type(example), text) == example


# --- the writer ------------------------------------------------------------------------------------------------


def _odd_values() -> Iterator[Any]:
    yield slo_pb2.ThresholdIndicator(threshold=-0.0)
    yield slo_pb2.ThresholdIndicator(threshold=float("nan"))
    yield slo_pb2.ThresholdIndicator(threshold=float("-inf"))
    yield slo_pb2.ThresholdIndicator(threshold=1e308)
    fact = facts_pb2.SreDomainFact()
    fact.CopyFrom(testing.examples(facts_pb2.SreDomainFact)[5])
    fact.meta.actor.kind = cast(Any, 99)  # a number a newer contract defines
    yield fact
    late = facts_pb2.SreDomainFact()
    late.CopyFrom(fact)
    late.meta.occurred_at.nanos = 1000
    yield late
    late.meta.occurred_at.nanos = 1
    yield late


@pytest.mark.parametrize("message", [*EXAMPLES, *_odd_values()])
def test_to_json_is_byte_for_byte_json_format(message: Any) -> None:
    assert to_json(message) == json_format.MessageToJson(message, indent=None)


def test_to_json_refuses_what_json_format_cannot_spell() -> None:
    from ameide_sre_contracts import InvalidArgumentError

    fact = facts_pb2.SreDomainFact()
    fact.CopyFrom(testing.examples(facts_pb2.SreDomainFact)[5])
    fact.meta.occurred_at.seconds = 253402300800  # the year 10000
    with pytest.raises(InvalidArgumentError):
        to_json(fact)


def test_mutated_documents_are_deterministic_for_a_seed() -> None:
    example = EXAMPLES[0]
    first = list(differential.texts(example, random.Random(5), 20))
    again = list(differential.texts(example, random.Random(5), 20))
    assert first == again
