"""ameide_sre_contracts.errors: one hierarchy, builtin bases, readable messages."""

from __future__ import annotations

import ast
import importlib
import typing
from pathlib import Path

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_sre_contracts import testing


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (sre.DecodeError, ValueError),
        (sre.ValidationError, ValueError),
        (sre.UnknownTopicError, KeyError),
        (sre.PayloadTypeError, TypeError),
    ],
)
def test_leaf_errors_share_one_root_and_their_builtin(error: type[Exception], builtin: type[Exception]) -> None:
    """Every leaf is a ContractError and the builtin it resembles."""
    assert issubclass(error, sre.ContractError)
    assert issubclass(error, builtin)
    assert issubclass(sre.UnknownPayloadError, sre.ContractError)
    assert not issubclass(sre.UnknownPayloadError, sre.ValidationError)


def test_violations_read_as_a_person_reads_them() -> None:
    """A required enum must be set; a nested message's rule names the fields under its path; long lists are cut."""
    intent = testing.examples(intents_pb2.SreDomainIntent)[0]
    intent.create_incident.severity = 0  # type: ignore[assignment]
    intent.subject.aggregate_type = "Alert"
    found = [str(v) for v in sre.violations(intent)]
    assert "create_incident.severity: must be set [enum.not_in]" in found
    assert any(
        line.startswith("(message: subject.aggregate_type, create_incident, update_incident_severity, …): ")
        for line in found
    ), found
    fact = next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.HasField("incident_status_changed"))
    fact.incident_status_changed.previous_status = 6  # type: ignore[assignment]
    (violation,) = sre.violations(fact)
    assert str(violation).startswith("incident_status_changed (previous_status, status): the incident lifecycle")
    assert violation.field_path == "incident_status_changed"  # the data stays as protovalidate reports it
    assert violation.message == "the incident lifecycle does not allow this transition"
    plain = sre.Violation("a.b", "enum.not_in", "must not be in list [0, 3]")
    assert str(plain) == "a.b: must not be in list [0, 3] [enum.not_in]"  # only the unspecified-only list is "set"


def test_validation_error_lists_each_violation_as_path_message_rule() -> None:
    """str() has one line per violation: `field.path: message [rule_id]`; a message-level rule says so."""
    error = sre.ValidationError(
        "SreDomainFact",
        [
            sre.Violation("meta.tenant_id", "string.min_len", "must be at least 1 characters"),
            sre.Violation("", "fleet_state.out_of_sync_within_total", "too many"),
            sre.Violation('alert.labels[""]', "string.min_len", "must be at least 1 characters", for_key=True),
        ],
    )
    lines = str(error).splitlines()
    assert lines[0] == "invalid SreDomainFact (3 violation(s)):"
    assert lines[1] == "  meta.tenant_id: must be at least 1 characters [string.min_len]"
    # a message rule names the fields its CEL reads (this.out_of_sync_count <= this.total_applications)
    fields = "out_of_sync_count, total_applications"
    assert lines[2] == f"  (message: {fields}): too many [fleet_state.out_of_sync_within_total]"
    assert lines[3] == '  alert.labels[""] (key): must be at least 1 characters [string.min_len]'
    assert len(error.violations) == 3


def test_unknown_payload_error_names_the_field_number() -> None:
    """The error keeps the envelope and says which case number it did not know."""
    envelope = facts_pb2.SreDomainFact()
    error = sre.UnknownPayloadError(envelope, 77)
    assert error.field_number == 77
    assert error.envelope is envelope
    assert "field number 77" in str(error)
    assert "no payload at all" in str(sre.UnknownPayloadError(envelope, None))


def _raised_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every exception class a module raises; re-raises of a caught error are left out."""
    caught: set[str] = {node.name for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler) and node.name}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(target, ast.Name) and target.id in caught and not isinstance(node.exc, ast.Call):
            continue
        found.append((node.lineno, ast.unparse(target)))
    return found


def _built_by(module: object, method: str) -> object:
    """The error class a method of the module's classes returns by annotation (the one class that has such a method)."""
    makers = [
        getattr(value, method)
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__.startswith("ameide_sre_contracts") and hasattr(value, method)
    ]
    assert len(makers) == 1, f"{method} is defined by {len(makers)} classes of {module}"
    returned: object = typing.get_type_hints(makers[0]).get("return")
    return returned


def _package_modules() -> list[tuple[str, Path]]:
    package = Path(sre.__file__).parent
    return [
        ("ameide_sre_contracts." + ".".join(path.relative_to(package).with_suffix("").parts), path)
        for path in sorted(package.rglob("*.py"))
    ]


def test_every_raised_exception_is_a_contract_error_from_errors_py() -> None:
    """A walk over the package's source: each `raise` names a ContractError subclass defined in errors.py."""
    raised = 0
    for name, path in _package_modules():
        module_name = name.removesuffix(".__init__")
        module = importlib.import_module(module_name)
        for line, raised_name in _raised_names(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.name}:{line} raises {raised_name}"
            try:
                error = eval(raised_name, vars(module))  # a dotted name the module itself resolves
            except NameError:  # `node.fail(...)`: a method that builds the error; its return annotation says which
                error = _built_by(module, raised_name.rsplit(".", 1)[-1])
            assert isinstance(error, type), where
            assert issubclass(error, sre.ContractError), where
            assert error.__module__ == "ameide_sre_contracts.errors", where
            raised += 1
    assert raised > 50  # the walk sees the package's raises, not an empty tree


def test_exception_classes_are_defined_only_in_errors_py() -> None:
    """No module but errors.py defines an exception class."""
    for name, path in _package_modules():
        if name.endswith(".errors"):
            continue
        module = importlib.import_module(name.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                defined = getattr(module, node.name, None)
                assert not (isinstance(defined, type) and issubclass(defined, BaseException)), f"{name}.{node.name}"


def test_the_walk_catches_an_escaping_builtin() -> None:
    """The AST walk reports a bare ValueError, so the hierarchy test can fail."""
    source = "def f(x):\n    try:\n        g()\n    except KeyError as e:\n        raise e\n    raise ValueError(x)\n"
    tree = ast.parse(source)
    assert _raised_names(tree) == [(6, "ValueError")]


def test_every_error_the_package_defines_is_exported_from_the_top() -> None:
    """A caller catches any error by importing it from `ameide_sre_contracts`; adapters also export theirs."""
    errors_module = importlib.import_module("ameide_sre_contracts.errors")
    defined = {
        name
        for name, value in vars(errors_module).items()
        if isinstance(value, type)
        and issubclass(value, sre.ContractError)
        and value.__module__ == errors_module.__name__
    }
    assert "AdapterInputError" in defined
    assert defined <= set(sre.__all__), sorted(defined - set(sre.__all__))
    for name in defined:
        assert getattr(sre, name) is getattr(errors_module, name)
    adapters = importlib.import_module("ameide_sre_contracts.adapters")
    assert "AdapterInputError" in adapters.__all__
    assert adapters.AdapterInputError is sre.AdapterInputError
