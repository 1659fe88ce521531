"""msgspec Structs of the benchmarked envelopes, derived from the pydantic models in bench_pydantic.py.

Each pydantic model becomes a Struct with the same fields, defaults and
constraints (lengths, patterns, bounds, literals), so both libraries check the
same rules on the same JSON; the one model-level rule (an incident's times in
order) is written again as the Struct's `__post_init__`.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import msgspec
from pydantic import BaseModel

import bench_pydantic

_STRUCTS: dict[type[BaseModel], type[msgspec.Struct]] = {}


def _meta(metadata: list[Any]) -> msgspec.Meta | None:
    constraints: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            constraints["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            constraints["max_length"] = item.max_length
        elif isinstance(item, annotated_types.Ge):
            constraints["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            constraints["le"] = item.le
        elif getattr(item, "pattern", None):
            constraints["pattern"] = item.pattern
        elif getattr(item, "metadata", None):  # a nested FieldInfo inside Annotated
            nested = _meta(item.metadata)
            if nested is not None:
                constraints.update(
                    {
                        k: getattr(nested, k)
                        for k in ("min_length", "max_length", "ge", "le", "pattern")
                        if getattr(nested, k) is not None
                    }
                )
    return msgspec.Meta(**constraints) if constraints else None


def _convert(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        meta = _meta(metadata)
        return Annotated[_convert(base), meta] if meta is not None else _convert(base)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return struct_for(annotation)
    if origin in (Union, types.UnionType):
        converted = tuple(_convert(arg) for arg in get_args(annotation))
        return typing.Union[converted]  # noqa: UP007 (built from a tuple)
    if origin is list:
        return list[_convert(get_args(annotation)[0])]  # type: ignore[misc]
    if origin is dict:
        key, value = get_args(annotation)
        return dict[_convert(key), _convert(value)]  # type: ignore[misc]
    if origin is Literal:
        return annotation
    return annotation


def _incident_times_in_order(self: Any) -> None:
    if self.resolved_at is not None and self.resolved_at < self.created_at:
        raise ValueError("resolved_at must not be before created_at")
    if self.closed_at is not None and (self.resolved_at is None or self.closed_at < self.resolved_at):
        raise ValueError("closed_at must not be before resolved_at")


_POST_INIT = {"Incident": _incident_times_in_order}


def struct_for(model: type[BaseModel]) -> type[msgspec.Struct]:
    """The Struct mirroring `model` (made once)."""
    if model not in _STRUCTS:
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        for name, info in model.model_fields.items():
            annotation = _convert(Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation)
            if info.is_required():
                fields.append((name, annotation))
            else:
                default: Any = info.get_default(call_default_factory=True)
                if isinstance(default, list | dict):  # a fresh empty container per instance
                    default = msgspec.field(default_factory=type(default))
                fields.append((name, annotation, default))
        namespace = {"__post_init__": _POST_INIT[model.__name__]} if model.__name__ in _POST_INIT else None
        _STRUCTS[model] = msgspec.defstruct(
            model.__name__, fields, forbid_unknown_fields=True, kw_only=True, namespace=namespace
        )
    return _STRUCTS[model]


STRUCTS: dict[str, type[msgspec.Struct]] = {
    case: struct_for(model)  # type: ignore[arg-type]  # MODELS maps cases to BaseModel subclasses
    for case, model in bench_pydantic.MODELS.items()
}
