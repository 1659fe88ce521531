"""The fast path's rule model: what each message type of the contract requires, read from its descriptors.

`build(pool, names)` gives one `MessagePlan` per message type: its fields'
standard rules normalized into `Check`s, its oneofs, and its CEL rules parsed
and typed (`TypedNode`s). Nothing here knows which language the checks are
emitted in: `emit_python` renders these plans, and a native emitter could
render the same ones.

The model takes only what it can prove equal to protovalidate; any other rule
makes its message type `unsupported` (with the reason), and validation of
that type goes to protovalidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ameide_core_proto.sre import _buf_validate_pb2 as validate_pb2
from ameide_sre_contracts._descriptors import field_rules, message_cel, oneof_required
from fastpath import cel
from fastpath.cel import Unsupported
from fastpath.regex import to_python

TIMESTAMP = "google.protobuf.Timestamp"
DURATION = "google.protobuf.Duration"
FIELD_MASK = "google.protobuf.FieldMask"
NANOS_PER_SECOND = 1_000_000_000
DURATION_SECONDS = 315_576_000_000  # protobuf's bound, about 10000 years
INT64 = (-(2**63), 2**63 - 1)

# Scalar field types (FieldDescriptor.TYPE_*) by the name the model uses.
_SCALARS = {
    1: "double", 2: "double", 3: "int", 4: "uint", 5: "int", 6: "uint", 7: "uint", 8: "bool", 9: "string",
    12: "bytes", 13: "uint", 14: "enum", 15: "int", 16: "int", 17: "int", 18: "int",
}  # fmt: skip
_RULE_TYPES = {"double": ("double", "float"), "int": ("int32", "int64", "sint32", "sint64", "sfixed32", "sfixed64")}
_RULE_TYPES["uint"] = ("uint32", "uint64", "fixed32", "fixed64")


# --- typed CEL --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypedNode:
    type: str  # "int", "uint", "double", "bool", "string", "bytes", "timestamp", "duration", "null",
    # "message:<full name>", "list:<element type>", "map"


@dataclass(frozen=True)
class Const(TypedNode):
    value: Any


@dataclass(frozen=True)
class This(TypedNode):
    pass


@dataclass(frozen=True)
class Var(TypedNode):
    name: str


@dataclass(frozen=True)
class Get(TypedNode):
    operand: TypedNode
    field: str
    presence: str  # "message", "explicit" (optional or oneof scalar), "container", "implicit"
    default: Any  # the value an unset field reads as (None for messages and containers)


@dataclass(frozen=True)
class Present(TypedNode):
    target: Get


@dataclass(frozen=True)
class Apply(TypedNode):
    function: str  # "size", "matches", "startsWith", "endsWith", "contains", "unique"
    operand: TypedNode
    argument: Any = None  # the Python pattern for matches, the typed argument for the string methods


@dataclass(frozen=True)
class Each(TypedNode):
    kind: str  # "all", "exists", "map"
    operand: TypedNode
    variable: str
    body: TypedNode


@dataclass(frozen=True)
class Not(TypedNode):
    operand: TypedNode


@dataclass(frozen=True)
class Logic(TypedNode):
    op: str  # "&&" or "||"
    left: TypedNode
    right: TypedNode


@dataclass(frozen=True)
class Compare(TypedNode):
    op: str
    left: TypedNode
    right: TypedNode


@dataclass(frozen=True)
class In(TypedNode):
    item: TypedNode
    container: TypedNode


@dataclass(frozen=True)
class ListOf(TypedNode):
    items: tuple[TypedNode, ...]


@dataclass(frozen=True)
class Add(TypedNode):
    left: TypedNode
    right: TypedNode


@dataclass(frozen=True)
class Choose(TypedNode):
    test: TypedNode
    then: TypedNode
    otherwise: TypedNode


@dataclass(frozen=True)
class CelRule:
    rule_id: str
    expression: str
    tree: TypedNode  # bool: true passes; string: "" passes


# --- standard rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One normalized standard rule on a value: `kind` and its arguments."""

    kind: str  # see emit_python for the meaning of each kind
    args: tuple[Any, ...] = ()


@dataclass
class ValuePlan:
    """What a single value (a scalar, a list item, a map key or value, a message) must satisfy."""

    type: str  # a scalar type name, "timestamp", "duration", "field_mask" or "message"
    checks: list[Check] = field(default_factory=list)
    message: str = ""  # the message type's full name, for "message" (its own plan is checked too)
    cel: list[CelRule] = field(default_factory=list)  # field-level CEL, `this` being the value


@dataclass
class FieldPlan:
    name: str
    shape: str  # "single", "repeated" or "map"
    value: ValuePlan
    key: ValuePlan | None = None
    presence: bool = False  # has explicit presence: rules apply only when set
    required: bool = False
    ignore_zero: bool = False
    count: tuple[int, int | None] = (0, None)  # min and max items or pairs
    unique: bool = False
    oneof: str = ""  # the real oneof holding the field


@dataclass
class MessagePlan:
    full_name: str
    fields: list[FieldPlan] = field(default_factory=list)
    required_oneofs: list[str] = field(default_factory=list)
    oneofs: dict[str, list[str]] = field(default_factory=dict)  # real oneofs and their members
    cel: list[CelRule] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


# --- reading the rules ------------------------------------------------------------------------------------------


def _scalar_type(descriptor_field: Any) -> str:
    message = descriptor_field.message_type
    if message is None:
        return _SCALARS[descriptor_field.type]
    if message.full_name == TIMESTAMP:
        return "timestamp"
    if message.full_name == DURATION:
        return "duration"
    if message.full_name == FIELD_MASK:
        return "field_mask"
    if message.full_name.startswith("google.protobuf."):
        raise Unsupported(f"well-known type {message.full_name}")
    return "message"


def _zero(value_type: str) -> Any:
    return {"string": "", "bytes": b"", "bool": False, "double": 0.0}.get(value_type, 0)


def _seconds_nanos(value: Any) -> tuple[int, int]:
    return int(value.seconds), int(value.nanos)


def _range(rules: Any, convert: Any = lambda v: v) -> list[Check]:
    """gt/gte/lt/lte as one range check; an exclusive range (lower bound above the upper) is unsupported."""
    low = next(((convert(getattr(rules, n)), n == "gte") for n in ("gt", "gte") if rules.HasField(n)), None)
    high = next(((convert(getattr(rules, n)), n == "lte") for n in ("lt", "lte") if rules.HasField(n)), None)
    if low is not None and high is not None and low[0] > high[0]:
        raise Unsupported("an exclusive range (lower bound above upper bound)")
    if low is None and high is None:
        return []
    return [Check("range", (low, high))]


def _known(rules: Any, allowed: set[str], what: str) -> None:
    extra = {descriptor.name for descriptor, _ in rules.ListFields()} - allowed
    if extra:
        raise Unsupported(f"{what} rules {sorted(extra)}")


def _value_checks(value_type: str, rules: Any) -> list[Check]:
    """The standard rules of one value, normalized; rules of another type than the value's are unsupported."""
    if rules is None:
        return []
    kind = rules.WhichOneof("type")
    checks: list[Check] = []
    if value_type == "string" and kind == "string":
        r = rules.string
        _known(
            r, {"min_len", "max_len", "len", "max_bytes", "pattern", "in", "not_in", "prefix", "uuid", "uri"}, "string"
        )
        if r.HasField("len"):
            checks.append(Check("length", (r.len, r.len)))
        if r.HasField("min_len") or r.HasField("max_len"):
            checks.append(Check("length", (r.min_len, r.max_len if r.HasField("max_len") else None)))
        if r.HasField("max_bytes"):
            checks.append(Check("max_bytes", (r.max_bytes,)))
        if r.HasField("prefix"):
            checks.append(Check("prefix", (r.prefix,)))
        if r.HasField("pattern"):
            checks.append(Check("pattern", (to_python(r.pattern),)))
        if len(getattr(r, "in")):
            checks.append(Check("in", (tuple(getattr(r, "in")),)))
        if len(r.not_in):
            checks.append(Check("not_in", (tuple(r.not_in),)))
        if r.uuid:
            checks.append(Check("uuid"))
        if r.uri:
            checks.append(Check("uri"))
    elif value_type == "enum" and kind == "enum":
        _known(rules.enum, {"defined_only", "in", "not_in", "const"}, "enum")
        if rules.enum.defined_only:
            checks.append(Check("defined_only"))  # the emitter reads the values from the field's enum
        if len(getattr(rules.enum, "in")):
            checks.append(Check("in", (tuple(getattr(rules.enum, "in")),)))
        if len(rules.enum.not_in):
            checks.append(Check("not_in", (tuple(rules.enum.not_in),)))
        if rules.enum.HasField("const"):
            checks.append(Check("in", ((rules.enum.const,),)))
    elif value_type in ("int", "uint", "double") and kind in _RULE_TYPES[value_type]:
        r = getattr(rules, kind)
        _known(r, {"gt", "gte", "lt", "lte", "in", "not_in", "const", "finite"}, kind)
        checks += _range(r)
        if len(getattr(r, "in")):
            checks.append(Check("in", (tuple(getattr(r, "in")),)))
        if len(r.not_in):
            checks.append(Check("not_in", (tuple(r.not_in),)))
        if r.HasField("const"):
            checks.append(Check("in", ((r.const,),)))
        if value_type == "double" and r.finite:
            checks.append(Check("finite"))
    elif value_type == "bool" and kind == "bool":
        _known(rules.bool, {"const"}, "bool")
        if rules.bool.HasField("const"):
            checks.append(Check("in", ((rules.bool.const,),)))
    elif value_type == "timestamp" and kind == "timestamp":
        _known(rules.timestamp, {"gt", "gte", "lt", "lte"}, "timestamp")
        checks += _range(rules.timestamp, _seconds_nanos)
    elif value_type == "duration" and kind == "duration":
        _known(rules.duration, {"gt", "gte", "lt", "lte"}, "duration")
        checks += _range(rules.duration, _seconds_nanos)
    elif value_type == "field_mask" and kind == "field_mask":
        _known(rules.field_mask, {"in"}, "field_mask")
        checks.append(Check("mask_in", (tuple(getattr(rules.field_mask, "in")),)))
    elif kind is not None:
        raise Unsupported(f"{kind} rules on a {value_type} value")
    return checks


def _field_plan(plan_of: Any, descriptor_field: Any, real_oneof: str) -> FieldPlan:
    rules = field_rules(descriptor_field)
    if rules is not None:
        _known(
            rules,
            {"required", "ignore", "cel", "string", "enum", "int32", "int64", "uint32", "uint64", "double", "float",
             "bool", "timestamp", "duration", "field_mask", "repeated", "map", "sint32", "sint64", "fixed32",
             "fixed64", "sfixed32", "sfixed64"},
            "field",
        )  # fmt: skip
        if len(rules.cel_expression):
            raise Unsupported("cel_expression shorthand")
        if rules.ignore not in (validate_pb2.IGNORE_UNSPECIFIED, validate_pb2.IGNORE_IF_ZERO_VALUE):
            raise Unsupported(f"ignore {validate_pb2.Ignore.Name(rules.ignore)}")
    is_map = descriptor_field.message_type is not None and descriptor_field.message_type.GetOptions().map_entry
    plan = FieldPlan(
        name=descriptor_field.name,
        shape="map" if is_map else "repeated" if descriptor_field.is_repeated else "single",
        value=ValuePlan("message"),
        presence=descriptor_field.has_presence and not descriptor_field.is_repeated,
        required=bool(rules is not None and rules.required),
        ignore_zero=bool(rules is not None and rules.ignore == validate_pb2.IGNORE_IF_ZERO_VALUE),
        oneof=real_oneof,
    )
    if is_map:
        entry = descriptor_field.message_type
        key_field, value_field = entry.fields_by_name["key"], entry.fields_by_name["value"]
        map_rules = rules.map if rules is not None and rules.WhichOneof("type") == "map" else None
        if rules is not None and rules.WhichOneof("type") not in (None, "map"):
            raise Unsupported(f"{rules.WhichOneof('type')} rules on a map")
        if map_rules is not None:
            _known(map_rules, {"min_pairs", "max_pairs", "keys", "values"}, "map")
            plan.count = (map_rules.min_pairs, map_rules.max_pairs if map_rules.HasField("max_pairs") else None)
        key_rules = map_rules.keys if map_rules is not None and map_rules.HasField("keys") else None
        value_rules = map_rules.values if map_rules is not None and map_rules.HasField("values") else None
        plan.key = _value_plan(plan_of, key_field, key_rules)
        plan.value = _value_plan(plan_of, value_field, value_rules)
    elif descriptor_field.is_repeated:
        repeated = rules.repeated if rules is not None and rules.WhichOneof("type") == "repeated" else None
        if rules is not None and rules.WhichOneof("type") not in (None, "repeated"):
            raise Unsupported(f"{rules.WhichOneof('type')} rules on a repeated field")
        if repeated is not None:
            _known(repeated, {"min_items", "max_items", "unique", "items"}, "repeated")
            plan.count = (repeated.min_items, repeated.max_items if repeated.HasField("max_items") else None)
            plan.unique = repeated.unique
        item_rules = repeated.items if repeated is not None and repeated.HasField("items") else None
        plan.value = _value_plan(plan_of, descriptor_field, item_rules)
        if plan.unique and plan.value.type in ("message", "timestamp", "duration", "field_mask", "double"):
            raise Unsupported(f"unique over {plan.value.type} items")
    else:
        plan.value = _value_plan(plan_of, descriptor_field, rules, element=False)
    return plan


def _value_plan(plan_of: Any, descriptor_field: Any, rules: Any, *, element: bool = True) -> ValuePlan:
    """The checks of one value; `element` for a list item, map key or map value (whose rules have no presence)."""
    value_type = _scalar_type(descriptor_field)
    value = ValuePlan(value_type)
    if rules is not None:
        if len(rules.cel_expression):
            raise Unsupported("cel_expression shorthand")
        if element and (rules.required or rules.ignore):
            raise Unsupported("required or ignore on a list item or map entry")
    value.checks = _value_checks(value_type, rules)
    if value_type == "enum":
        value.checks = [
            Check("in", (tuple(v.number for v in descriptor_field.enum_type.values),))
            if c.kind == "defined_only"
            else c
            for c in value.checks
        ]
    if value_type == "message":
        value.message = descriptor_field.message_type.full_name
        plan_of(descriptor_field.message_type)
    this_type = f"message:{descriptor_field.message_type.full_name}" if value_type == "message" else value_type
    if value_type == "field_mask":
        this_type = f"message:{FIELD_MASK}"
    for rule in list(rules.cel) if rules is not None else []:
        value.cel.append(_cel_rule(rule, this_type, descriptor_field.message_type))
    return value


# --- typing CEL -------------------------------------------------------------------------------------------------


class _Typer:
    def __init__(self, this_type: str, this_descriptor: Any) -> None:
        self.this_type = this_type
        self.descriptors: dict[str, Any] = {}
        if this_descriptor is not None:
            self.descriptors[this_type] = this_descriptor
        self.variables: dict[str, str] = {}

    def message(self, node_type: str) -> Any:
        if node_type not in self.descriptors:
            raise Unsupported(f"field access on a {node_type}")
        return self.descriptors[node_type]

    def field_type(self, descriptor_field: Any) -> str:
        base = _scalar_type(descriptor_field)
        if base == "message":
            base = f"message:{descriptor_field.message_type.full_name}"
            self.descriptors[base] = descriptor_field.message_type
        elif base == "field_mask":
            base = f"message:{FIELD_MASK}"
            self.descriptors[base] = descriptor_field.message_type
        elif base == "enum":
            base = "int"  # CEL reads enums as ints
        if descriptor_field.message_type is not None and descriptor_field.message_type.GetOptions().map_entry:
            return "map"
        return f"list:{base}" if descriptor_field.is_repeated else base

    def __call__(self, node: Any) -> TypedNode:
        if isinstance(node, cel.Lit):
            return Const(node.kind, node.value)
        if isinstance(node, cel.Ident):
            if node.name == "this":
                return This(self.this_type)
            if node.name in self.variables:
                return Var(self.variables[node.name], node.name)
            raise Unsupported(f"identifier {node.name}")
        if isinstance(node, cel.Select):
            operand = self(node.operand)
            descriptor = self.message(operand.type)
            found = descriptor.fields_by_name.get(node.field)
            if found is None:
                raise Unsupported(f"no field {node.field} in {descriptor.full_name}")
            field_type = self.field_type(found)
            if field_type.startswith(("list:", "map")):
                presence, default = "container", None
            elif field_type.startswith("message:") or field_type in ("timestamp", "duration"):
                presence, default = "message", None
            elif found.has_presence:
                presence, default = "explicit", _zero(field_type if field_type != "int" else "int")
            else:
                presence, default = "implicit", _zero(field_type)
            if field_type in ("timestamp", "duration"):
                self.descriptors[field_type] = found.message_type
            return Get(field_type, operand, node.field, presence, default)
        if isinstance(node, cel.Has):
            target = self(node.target)
            assert isinstance(target, Get)
            return Present("bool", target)
        if isinstance(node, cel.Unary):
            operand = self(node.operand)
            if node.op == "!" and operand.type == "bool":
                return Not("bool", operand)
            raise Unsupported(f"unary {node.op} on {operand.type}")
        if isinstance(node, cel.Binary):
            return self.binary(node)
        if isinstance(node, cel.Cond):
            test, then, otherwise = self(node.test), self(node.then), self(node.otherwise)
            if test.type != "bool" or then.type != otherwise.type:
                raise Unsupported("a conditional of mixed types")
            return Choose(then.type, test, then, otherwise)
        if isinstance(node, cel.ListLit):
            items = tuple(self(item) for item in node.items)
            kinds = {item.type for item in items}
            return ListOf(f"list:{kinds.pop() if len(kinds) == 1 else 'dyn'}", items)
        if isinstance(node, cel.Macro):
            operand = self(node.target)
            if not operand.type.startswith("list:"):
                raise Unsupported(f"{node.kind}() over {operand.type}")
            self.variables[node.variable] = operand.type[len("list:") :]
            body = self(node.body)
            del self.variables[node.variable]
            if node.kind == "map":
                return Each(f"list:{body.type}", node.kind, operand, node.variable, body)
            if body.type != "bool":
                raise Unsupported(f"{node.kind}() with a {body.type} body")
            return Each("bool", node.kind, operand, node.variable, body)
        if isinstance(node, cel.Call):
            return self.call(node)
        raise Unsupported(f"construct {type(node).__name__}")

    def binary(self, node: cel.Binary) -> TypedNode:
        left, right = self(node.left), self(node.right)
        if node.op in ("&&", "||"):
            if left.type != "bool" or right.type != "bool":
                raise Unsupported(f"{node.op} over non-bool operands")
            return Logic("bool", node.op, left, right)
        if node.op == "in":
            if not right.type.startswith("list:"):
                raise Unsupported(f"in over {right.type}")
            return In("bool", left, right)
        if node.op == "+":
            if left.type != right.type or left.type not in ("int", "uint"):
                raise Unsupported(f"+ over {left.type} and {right.type}")
            return Add(left.type, left, right)
        if node.op == "-":
            raise Unsupported("subtraction")
        numbers = {"int", "uint", "double"}
        comparable = left.type == right.type or (left.type in numbers and right.type in numbers)
        if not comparable or left.type.startswith(("message:", "list:", "map")):
            raise Unsupported(f"{node.op} between {left.type} and {right.type}")
        return Compare("bool", node.op, left, right)

    def call(self, node: cel.Call) -> TypedNode:
        if node.function == "size":
            operand = self(node.args[0] if node.target is None else node.target)
            if operand.type not in ("string",) and not operand.type.startswith(("list:", "map")):
                raise Unsupported(f"size() of {operand.type}")
            return Apply("int", "size", operand)
        if node.target is None:
            raise Unsupported(f"function {node.function}()")
        operand = self(node.target)
        if node.function == "unique" and operand.type.startswith("list:") and not node.args:
            if operand.type not in ("list:string", "list:int", "list:uint", "list:bool"):
                raise Unsupported(f"unique() over {operand.type}")
            return Apply("bool", "unique", operand)
        if node.function == "matches" and operand.type == "string" and len(node.args) == 1:
            pattern = node.args[0]
            if not isinstance(pattern, cel.Lit) or pattern.kind != "string":
                raise Unsupported("matches() with a pattern that is not a literal")
            return Apply("bool", "matches", operand, to_python(pattern.value))
        if node.function in ("startsWith", "endsWith", "contains") and operand.type == "string":
            argument = self(node.args[0])
            if argument.type != "string" or len(node.args) != 1:
                raise Unsupported(f"{node.function}() with {argument.type}")
            return Apply("bool", node.function, operand, argument)
        raise Unsupported(f"{node.function}() on {operand.type}")


def _cel_rule(rule: Any, this_type: str, this_descriptor: Any) -> CelRule:
    tree = _Typer(this_type, this_descriptor)(cel.parse(rule.expression))
    if tree.type not in ("bool", "string"):
        raise Unsupported(f"rule {rule.id} yields {tree.type}")
    return CelRule(rule.id, rule.expression, tree)


# --- the plans --------------------------------------------------------------------------------------------------


def build(messages: list[Any], synthetic_oneofs: set[tuple[str, str]]) -> dict[str, MessagePlan]:
    """A plan per message type in `messages` and every type their fields reach (well-known types aside)."""
    plans: dict[str, MessagePlan] = {}

    def plan_of(descriptor: Any) -> None:
        if descriptor.full_name in plans or descriptor.GetOptions().map_entry:
            return
        plan = MessagePlan(descriptor.full_name)
        plans[descriptor.full_name] = plan
        try:
            for oneof in descriptor.oneofs:
                if (descriptor.full_name, oneof.name) in synthetic_oneofs:
                    continue
                plan.oneofs[oneof.name] = [member.name for member in oneof.fields]
                if oneof_required(oneof):
                    plan.required_oneofs.append(oneof.name)
            for descriptor_field in descriptor.fields:
                real = descriptor_field.containing_oneof
                real_name = real.name if real is not None and real.name in plan.oneofs else ""
                plan.fields.append(_field_plan(plan_of, descriptor_field, real_name))
            message_options = descriptor.GetOptions()
            if message_options.HasExtension(validate_pb2.message):
                rules = message_options.Extensions[validate_pb2.message]
                if len(rules.cel_expression) or len(rules.oneof):
                    raise Unsupported("cel_expression shorthand or message oneof rules")
            plan.cel = [
                _cel_rule(rule, f"message:{descriptor.full_name}", descriptor) for rule in message_cel(descriptor)
            ]
        except Unsupported as why:
            plan.unsupported.append(str(why))

    for descriptor in messages:
        plan_of(descriptor)
    return plans
