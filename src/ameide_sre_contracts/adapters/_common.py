"""What every adapter shares: deterministic ids, checks of what was built, Kubernetes references."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Final, TypeVar

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import AddIncidentTimelineEntryRequested
from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts.adapters._json import Node, load_json
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


def content_digest(message: Message, *cleared: str) -> str:
    """SHA-256 (first 32 hex digits) of `message` serialized deterministically, without the `cleared` fields.

    What an adapter's ids are derived from: what a document says, not when it was read.
    """
    anonymous = type(message)()
    anonymous.CopyFrom(message)
    for name in cleared:
        anonymous.ClearField(name)
    return hashlib.sha256(anonymous.SerializeToString(deterministic=True)).hexdigest()[:32]


def canonical_uuid(text: str) -> str | None:
    """`text` when it is a UUID spelled as this package spells one (lowercase, hyphenated), else None.

    How an inbound webhook recognizes the id an outbound request sent: a
    sender's own 32-hex keys also parse as UUIDs, but are not ours.
    """
    try:
        parsed = str(uuid.UUID(text))
    except ValueError:
        return None
    return parsed if parsed == text.lower() else None


_TIMELINE_TEXT: Final = field_rules(AddIncidentTimelineEntryRequested.DESCRIPTOR.fields_by_name["text"]).string.max_len


def timeline_entry(
    kind: incident_pb2.TimelineEntryKind.ValueType, text: str, at: Timestamp | None
) -> AddIncidentTimelineEntryRequested:
    """The timeline entry a paging system's event records, its text cut to the contract's bound."""
    entry = AddIncidentTimelineEntryRequested(kind=kind, text=text[:_TIMELINE_TEXT])
    if at is not None:
        entry.occurred_at.CopyFrom(at)
    return entry


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


def webhook_root(body: Any, tenant_id: str, producer: str) -> Node:
    """A webhook's body as a checked JSON object, once the tenant and producer its intents carry are checked."""
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    root = Node(load_json(body, what="the webhook body"))
    root.required_mapping()
    return root


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
