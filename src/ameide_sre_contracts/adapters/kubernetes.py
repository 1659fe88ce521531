"""Kubernetes objects into resource references, and events into `IngestAlertRequested` intents.

`resource_ref` reads any object (`apiVersion`, `kind`, `metadata`), any
object reference (an event's `involvedObject` or `regarding`) and Argo CD's
resource entries (`group`, `version`, `kind`, `name`, `namespace`).

`intents_from_event` reads core/v1 and events.k8s.io/v1 events. A `Warning`
event is an alert; a `Normal` one is not, unless `include_normal` is set
(it then maps with severity INFO). Identity:

- `fingerprint` is the event's `metadata.uid`; an event without one (as
  written by hand, before the API server assigns it) gets
  `derived_id("kubernetes-event", cluster, namespace, name)`.
- `alert_id` is `kubernetes:<fingerprint>:<first seen, Unix seconds>`:
  the source's name keeps it apart from every Alertmanager alert's (a uid
  may be 16 hex digits too), and the seconds, an integer after the last
  colon, cannot run into the uid (`db-` at 5 and `db` at -5 differ).
- `message_id` is `derived_id("kubernetes-event", tenant, fingerprint,
  count, last seen)`: a repeat of the event (its count or series grows) is
  a new message, a redelivery of the same observation is not.

What the alert carries: the event's reason as `name`, its type as
`raw_severity`, its note as the `message` annotation, the last time it was
seen as the `last_seen` annotation, the related object as `related`, and
the regarded object as `resource`; the other fields as labels (`namespace`,
`kind`, `name`, `field_path`, `reason`, `type`, `action`,
`reporting_controller`, `reporting_instance`, `event_name`,
`event_namespace`, `count`, `cluster`, `environment`). Not carried, on
purpose: the event's `resourceVersion`, `selfLink` and `managedFields`
(storage bookkeeping of the API server, not facts about the event), and the
regarded object's `resourceVersion` (the version at recording time, which
the uid and the times already place).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import alert_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import IngestAlertRequested, SreDomainIntent
from ameide_sre_contracts._rfc3339 import rfc3339
from ameide_sre_contracts.adapters._common import checked, derived_id, require_text, resource_ref_at
from ameide_sre_contracts.adapters._json import COUNT, Node, load_json
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.vocabulary import severity_from_label

NOT_CARRIED: Final = (
    "apiVersion",
    "kind",
    "metadata.resourceVersion",
    "metadata.selfLink",
    "metadata.managedFields",
    "metadata.creationTimestamp",
    "involvedObject.resourceVersion",
    "regarding.resourceVersion",
    "related.resourceVersion",
)
"""The event's fields an alert does not carry, as dotted paths (see the module's description for why).

`metadata.creationTimestamp` is the API server's write time; it stands in
for the first observation only when neither `eventTime` nor
`firstTimestamp` is set. `apiVersion` and `kind` are the Event's own type.
"""


def resource_ref(
    obj: Mapping[str, Any], *, cluster: str | None = None, environment: str | None = None
) -> sre_pb2.ResourceRef:
    """The `ResourceRef` of a Kubernetes object, object reference or Argo CD resource entry.

    `type` is the kind in lowercase; `kind`, `api_group`, `api_version` and
    `uid` are kept as Kubernetes spells them (the core group is empty).

    Example:
        resource_ref({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}})
        # type "deployment", id "web", namespace "shop", api_group "apps", api_version "v1", kind "Deployment"

    Raises:
        AdapterInputError: no kind or name, or values the contract's bounds refuse.
    """
    return resource_ref_at(Node(obj), cluster, environment)


def alert_id(event_fingerprint: str, first_seen: Timestamp) -> str:
    """The `Alert.alert_id` of an event: `kubernetes:<fingerprint>:<first seen in Unix seconds>`."""
    return f"kubernetes:{event_fingerprint}:{first_seen.seconds}"


def _first_present(*nodes: Node) -> Node:
    for node in nodes:
        if node.present:
            return node
    return nodes[-1]


def _observed(event: Node) -> tuple[Timestamp, Timestamp | None, int]:
    """First seen, last seen and how many times, from whichever of the two APIs' fields are set."""
    series = event["series"]
    first = _first_present(
        event["eventTime"],
        event["firstTimestamp"],
        event["deprecatedFirstTimestamp"],
        event["metadata"]["creationTimestamp"],
    )
    last = _first_present(series["lastObservedTime"], event["lastTimestamp"], event["deprecatedLastTimestamp"])
    count = _first_present(series["count"], event["count"], event["deprecatedCount"]).integer(COUNT, default=1)
    starts_at = first.timestamp()
    if starts_at is None:
        raise first.fail("when the event was first seen (eventTime, firstTimestamp or metadata.creationTimestamp)")
    return starts_at, last.timestamp(), count


def intents_from_event(
    event: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    cluster: str | None = None,
    environment: str | None = None,
    include_normal: bool = False,
) -> list[SreDomainIntent]:
    """The `IngestAlertRequested` intent for a Kubernetes `Warning` event; none for a `Normal` one unless asked.

    Raises:
        AdapterInputError: not an event, or one that does not fit the contract.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    node = Node(load_json(event, what="the event"))
    if node["kind"].text() != "Event":
        raise node["kind"].fail('"Event"')
    event_type = node["type"].text()
    if event_type != "Warning" and not include_normal:
        return []
    regarding = _first_present(node["regarding"], node["involvedObject"])
    resource = resource_ref_at(regarding, cluster, environment)
    metadata = node["metadata"]
    starts_at, last_seen, count = _observed(node)
    source = _first_present(node["deprecatedSource"], node["source"])
    fingerprint = metadata["uid"].text() or derived_id(
        "kubernetes-event", cluster or "", metadata["namespace"].text(), metadata["name"].required_text()
    )
    reason = node["reason"].text()
    labels = {
        "namespace": resource.namespace,
        "kind": resource.kind,
        "name": resource.id,
        "field_path": regarding["fieldPath"].text(),
        "reason": reason,
        "type": event_type,
        "action": node["action"].text(),
        "reporting_controller": node["reportingController"].text()
        or node["reportingComponent"].text()
        or source["component"].text(),
        "reporting_instance": node["reportingInstance"].text() or source["host"].text(),
        "event_name": metadata["name"].text(),
        "event_namespace": metadata["namespace"].text(),
        "count": str(count),
        "cluster": cluster or "",
        "environment": environment or "",
    }
    annotations = {"message": _first_present(node["note"], node["message"]).text()}
    if last_seen is not None:
        annotations["last_seen"] = rfc3339(last_seen)
    related = node["related"]
    if related.present:
        ref = resource_ref_at(related, cluster, environment)
        annotations["related"] = f"{ref.kind} {ref.namespace}/{ref.id}".replace(" /", " ")
    alert = alert_pb2.Alert(
        alert_id=alert_id(fingerprint, starts_at),
        fingerprint=fingerprint,
        name=reason or "Event",
        severity=severity_from_label(event_type),
        raw_severity=event_type,
        status=sre_pb2.ALERT_STATUS_FIRING,
        labels={key: value for key, value in labels.items() if value},
        annotations={key: value for key, value in annotations.items() if value},
        source=alert_pb2.ALERT_SOURCE_KUBERNETES,
        resource=resource,
    )
    alert.starts_at.CopyFrom(starts_at)
    moment = last_seen or starts_at
    intent = new_intent(
        IngestAlertRequested(alert=alert),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=alert.alert_id,
        message_id=derived_id("kubernetes-event", tenant_id, fingerprint, str(count), rfc3339(moment)),
        occurred_at=moment,
    )
    return [checked(intent, node.path, "an event")]
