"""The generated validation fast path: current, never calls valid what protovalidate refuses, and the
differential harness that says so catches faults injected into the generator."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.message import Message

import ameide_sre_contracts as sre
import fastpath
from ameide_core_proto.sre import _buf_validate_pb2 as validate_pb2
from ameide_core_proto.sre._fastpath import CHECKS, UNSUPPORTED
from ameide_sre_contracts import testing
from ameide_sre_contracts.adapters import ingest
from ameide_sre_contracts.testing._queries import QUERY_FACTORIES
from ameide_sre_contracts.validation import proven_valid
from fastpath import emit_python, model, regex
from testkit.mutants import Outcome, differential, oracle_valid
from tests.adapter_checks import REAL
from tests.conftest import ENVELOPES, ROOT

CONTRACT = ROOT / "src" / "ameide_core_proto" / "sre" / "sre_contract.binpb"
FIXTURE_KINDS = {
    "alertmanager": "alertmanager",
    "grafana": "alertmanager",
    "argocd": "argocd",
    "kubernetes": "kubernetes",
    "openslo": "openslo",
    "pagerduty": "pagerduty",
}
MUTANTS_PER_TYPE = 2500  # `make fuzz` runs a million per envelope type


def _load(source: str) -> dict[str, Callable[[Any, int], bool]]:
    """The CHECKS table of a generated module's source."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<fast path>", "exec"), namespace)
    checks: dict[str, Callable[[Any, int], bool]] = namespace["CHECKS"]
    return checks


def _real_intents() -> list[Message]:
    intents: list[Message] = []
    for folder, kind in FIXTURE_KINDS.items():
        for path in sorted((REAL / folder).iterdir()):
            intents += ingest(kind, path.read_bytes(), tenant_id="acme", producer="p", cluster="c", environment="e")
    return intents


def test_the_committed_module_is_what_the_generator_emits_and_leaves_nothing_out() -> None:
    source, stub, left = fastpath.generate(CONTRACT)
    assert (ROOT / "src" / "ameide_core_proto" / "sre" / "_fastpath.py").read_text(encoding="utf-8") == source
    assert (ROOT / "src" / "ameide_core_proto" / "sre" / "_fastpath.pyi").read_text(encoding="utf-8") == stub
    assert left == UNSUPPORTED == {}  # every rule of the contract compiles
    plans = fastpath.plans(descriptor_pb2.FileDescriptorSet.FromString(CONTRACT.read_bytes()))
    assert set(CHECKS) == set(plans)
    assert len(CHECKS) > 150


def test_every_valid_example_and_every_real_payload_is_proven_valid() -> None:
    """No valid message we know of falls back to protovalidate: examples of every case and query, and the
    intents mapped from other projects' published payloads."""
    envelopes = [envelope for envelope_type in ENVELOPES for envelope in testing.examples(envelope_type)]
    queries = [testing.query_example(message_type) for message_type in QUERY_FACTORIES]
    real = _real_intents()
    assert len(real) >= 40
    for message in [*envelopes, *queries, *real]:
        assert oracle_valid(message), message.DESCRIPTOR.full_name
        assert proven_valid(message), message.DESCRIPTOR.full_name
        assert proven_valid(message, message.ByteSize()), message.DESCRIPTOR.full_name


def _check_outcome(outcome: Outcome) -> None:
    assert outcome.defects == [], [sre.violations(defect) for defect in outcome.defects[:3]]
    assert outcome.oracle_valid > outcome.mutants // 5  # both sides of the rules are exercised
    assert outcome.mutants - outcome.oracle_valid > outcome.mutants // 5
    assert outcome.unproven_valid <= outcome.oracle_valid // 50  # at most 2% of valid mutants fall back


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_the_fast_path_never_calls_valid_what_protovalidate_refuses(envelope_type: type[Message]) -> None:
    outcome = differential(random.Random(17), testing.examples(envelope_type), MUTANTS_PER_TYPE, CHECKS)
    _check_outcome(outcome)


def test_query_requests_too() -> None:
    requests = [testing.query_example(t) for t in QUERY_FACTORIES if t.DESCRIPTOR.name.endswith("Request")]
    _check_outcome(differential(random.Random(23), requests, MUTANTS_PER_TYPE, CHECKS))


# --- the harness catches what a broken generator would emit ------------------------------------------------------


def _off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    original = emit_python._Module.check_conditions

    def widened(self: Any, check: model.Check, value_type: str, var: str) -> list[str]:
        if check.kind == "length" and check.args[1] is not None:
            check = model.Check("length", (check.args[0], check.args[1] + 1))
        return original(self, check, value_type, var)

    monkeypatch.setattr(emit_python._Module, "check_conditions", widened)


def _python_dollar(monkeypatch: pytest.MonkeyPatch) -> None:
    original = regex.to_python
    monkeypatch.setattr(model, "to_python", lambda pattern: original(pattern).replace(r"\Z", "$"))


def _nan_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    original = emit_python._Module.check_conditions

    def negated(self: Any, check: model.Check, value_type: str, var: str) -> list[str]:
        if check.kind == "range" and value_type == "double":
            low, high = check.args
            out = [f"(not {var} {'<' if low[1] else '<='} {low[0]!r})"] if low is not None else []
            return out + ([f"(not {var} {'>' if high[1] else '>='} {high[0]!r})"] if high is not None else [])
        return original(self, check, value_type, var)

    monkeypatch.setattr(emit_python._Module, "check_conditions", negated)


def _any_for_all(monkeypatch: pytest.MonkeyPatch) -> None:
    original = emit_python._Module.expression

    def loosened(self: Any, node: Any, this: str) -> str:
        if isinstance(node, model.Each) and node.kind == "all":
            node = model.Each(node.type, "exists", node.operand, node.variable, node.body)
        return original(self, node, this)

    monkeypatch.setattr(emit_python._Module, "expression", loosened)


def _required_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    original = model._field_plan

    def dropped(*args: Any) -> model.FieldPlan:
        plan = original(*args)
        plan.required = False
        return plan

    monkeypatch.setattr(model, "_field_plan", dropped)


def _durations_on_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    original = emit_python._Module._time_range
    monkeypatch.setattr(
        emit_python._Module,
        "_time_range",
        staticmethod(lambda bounds, seconds, nanos, nanos_signed: original(bounds, seconds, nanos, nanos_signed=False)),
    )


def _size_bound_too_loose(monkeypatch: pytest.MonkeyPatch) -> None:
    original = emit_python._size_bound

    def doubled(plan_field: model.FieldPlan) -> int | None:
        bound = original(plan_field)
        return None if bound is None else bound * 2

    monkeypatch.setattr(emit_python, "_size_bound", doubled)


FAULTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "a length bound one too wide": _off_by_one,
    "$ read as Python reads it (before a final newline)": _python_dollar,
    "a double range that NaN passes": _nan_passes,
    "all() compiled as exists()": _any_for_all,
    "required dropped": _required_dropped,
    "a duration bound compared on seconds alone (negative nanos)": _durations_on_seconds,
    "a length skipped in messages twice too large": _size_bound_too_loose,
}


@pytest.mark.parametrize("fault", FAULTS)
def test_the_harness_catches_a_fault_injected_into_the_generator(fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    FAULTS[fault](monkeypatch)
    faulty = _load(fastpath.generate(CONTRACT)[0])
    rng = random.Random(3)
    tried = 0
    while tried < 60_000:  # stops at the first defect, usually within a few thousand mutants
        envelope_type = ENVELOPES[tried // 500 % len(ENVELOPES)]
        outcome = differential(rng, testing.examples(envelope_type), 500, faulty)
        tried += outcome.mutants
        if outcome.defects:
            return
    pytest.fail(f"{fault}: no defect found in {tried} mutants")


# --- what the generator cannot compile goes to protovalidate, and it says so -------------------------------------


def _odd_contract() -> descriptor_pb2.FileDescriptorSet:
    """A contract using what the fast path does not compile: a case-insensitive pattern, CEL multiplication."""
    file = descriptor_pb2.FileDescriptorProto(name="odd/v1/odd.proto", package="odd.v1", syntax="proto3")
    file.dependency.append("buf/validate/validate.proto")
    flagged = file.message_type.add(name="Flagged")
    name = flagged.field.add(name="name", number=1, type=9, label=1, json_name="name")
    name.options.Extensions[validate_pb2.field].string.pattern = "(?i)^abc$"
    doubled = file.message_type.add(name="Doubled")
    doubled.field.add(name="count", number=1, type=5, label=1, json_name="count")
    rule = doubled.options.Extensions[validate_pb2.message].cel.add()
    rule.id, rule.expression = "doubled.small", "this.count * 2 < 10"
    plain = file.message_type.add(name="Holder")
    plain.field.add(name="flagged", number=1, type=11, type_name=".odd.v1.Flagged", label=1, json_name="flagged")
    return descriptor_pb2.FileDescriptorSet(file=[file])


def test_what_cannot_be_compiled_is_left_to_protovalidate_with_a_notice() -> None:
    plans = fastpath.plans(_odd_contract())
    assert "group flags" in plans["odd.v1.Flagged"].unsupported[0]
    assert "'*'" in plans["odd.v1.Doubled"].unsupported[0]
    assert not plans["odd.v1.Holder"].unsupported
    checks = _load(emit_python.render(plans))
    assert checks["odd.v1.Flagged"](object(), 0) is False  # always "ask protovalidate"
    unsupported = {name: "; ".join(plan.unsupported) for name, plan in plans.items() if plan.unsupported}
    notices = fastpath.notices(unsupported)
    assert [line.split(" is left")[0] for line in notices] == [
        "fast path: odd.v1.Doubled",
        "fast path: odd.v1.Flagged",
    ]


# --- protovalidate is imported on first need ---------------------------------------------------------------------


def test_protovalidate_is_imported_only_for_a_message_the_fast_path_cannot_prove() -> None:
    script = textwrap.dedent(
        """
        import sys
        import ameide_sre_contracts as sre
        from ameide_sre_contracts import testing
        from ameide_core_proto.sre.core.v1 import facts_pb2
        for fact in testing.examples(facts_pb2.SreDomainFact):
            sre.decode(sre.DOMAIN_FACTS_TOPIC, sre.encode(fact))
        print("protovalidate" in sys.modules)
        broken = testing.examples(facts_pb2.SreDomainFact)[0]
        broken.meta.tenant_id = ""
        print([v.rule_id for v in sre.violations(broken)], "protovalidate" in sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False", "['string.min_len', 'string.pattern'] True"]


def test_the_generated_module_is_import_light() -> None:
    """It imports nothing but `math` and `re`: no protobuf module, no protovalidate."""
    source = Path(ROOT / "src" / "ameide_core_proto" / "sre" / "_fastpath.py").read_text(encoding="utf-8")
    imports = sorted({line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))})
    assert imports == ["math", "re"]
