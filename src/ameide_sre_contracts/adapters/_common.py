"""What every adapter shares: deterministic ids, checks of what was built, Kubernetes references."""

from __future__ import annotations

import uuid
from typing import Final, TypeVar

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts.adapters._json import Node
from ameide_sre_contracts.errors import AdapterInputError, InvalidArgumentError
from ameide_sre_contracts.validation import violations

ADAPTER_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ameide:sre-contracts:adapters")
"""The UUIDv5 namespace of every id an adapter derives: `ae9abc44-7dab-597a-93bd-bdd46d12445e`."""

M = TypeVar("M", bound=Message)


def derived_id(*parts: str) -> str:
    """A deterministic UUID (version 5) in `ADAPTER_NAMESPACE` over `parts`, each as a netstring.

    A netstring is the part's length in UTF-8 bytes, `:`, the part and `,`,
    so no two lists of parts share a name: `derived_id("alert", "acme")`
    is `uuid5(ADAPTER_NAMESPACE, "5:alert,4:acme,")`.
    """
    name = "".join(f"{len(part.encode('utf-8'))}:{part}," for part in parts)
    return str(uuid.uuid5(ADAPTER_NAMESPACE, name))


def plain_number(value: float) -> int | float:
    """A double as JSON would have sent it: integral values as integers."""
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def checked(envelope: M, path: str, what: str) -> M:
    """`envelope` when it satisfies the contract; otherwise the refusal names the input at `path`."""
    found = violations(envelope)
    if found:
        detail = "; ".join(str(violation) for violation in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise AdapterInputError(path, f"{what} that fits the contract", detail + more)
    return envelope


def require_text(value: str, name: str) -> str:
    """A keyword argument that must be a non-empty string."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"{name} must be a non-empty string")
    return value


def _split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def resource_ref_at(node: Node, cluster: str | None, environment: str | None) -> sre_pb2.ResourceRef:
    """The `ResourceRef` of the Kubernetes object, object reference or Argo CD resource entry at `node`."""
    obj = node.required_mapping()
    metadata = node["metadata"]
    named = metadata if "metadata" in obj else node
    kind_node = node["kind"]
    kind = kind_node.required_text()
    if "group" in obj or "version" in obj:
        group, version = node["group"].text(), node["version"].text()
    else:
        group, version = _split_api_version(node["apiVersion"].text())
    ref = sre_pb2.ResourceRef(
        type=kind.lower(),
        id=named["name"].required_text(),
        namespace=named["namespace"].text(),
        cluster=cluster or "",
        environment=environment or "",
        api_group=group,
        api_version=version,
        kind=kind,
        uid=named["uid"].text(),
    )
    found = violations(ref)
    if found:
        raise AdapterInputError(node.path, "a Kubernetes object or reference that fits a ResourceRef", str(found[0]))
    return ref
