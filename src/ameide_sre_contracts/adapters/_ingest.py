"""One entry point for every adapter, by the name of the system the payload comes from."""

from __future__ import annotations

from typing import Any, Final

from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts.adapters import alertmanager, argocd, github, jira, kubernetes, openslo, opsgenie, pagerduty
from ameide_sre_contracts.adapters._json import load_documents, load_stream
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import InvalidArgumentError

KINDS: Final = ("alertmanager", "argocd", "github", "jira", "kubernetes", "openslo", "opsgenie", "pagerduty")
"""The systems `ingest` reads, by name."""


_WEBHOOKS: Final = frozenset({"alertmanager", "github", "jira", "opsgenie", "pagerduty"})


def _webhook(kind: str, document: Any, tenant_id: str, producer: str) -> list[SreDomainIntent]:
    """The intents of one webhook body (or, for Alertmanager, an API v2 listing)."""
    if kind == "alertmanager" and isinstance(document, list):  # API v2: an array of alerts or of alert groups
        return alertmanager.intents_from_api_alerts(document, tenant_id=tenant_id, producer=producer)
    if kind == "alertmanager":
        return alertmanager.intents_from_webhook(document, tenant_id=tenant_id, producer=producer)
    if kind == "github":
        return github.intents_from_webhook(document, tenant_id=tenant_id, producer=producer)
    if kind == "jira":
        return jira.intents_from_webhook(document, tenant_id=tenant_id, producer=producer)
    if kind == "opsgenie":
        return opsgenie.intents_from_webhook(document, tenant_id=tenant_id, producer=producer)
    return pagerduty.intents_from_webhook(document, tenant_id=tenant_id, producer=producer)


def ingest(
    kind: str,
    data: bytes | str,
    *,
    tenant_id: str,
    producer: str,
    cluster: str | None = None,
    environment: str | None = None,
    include_normal: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[SreDomainIntent]:
    """The intents one system's payload maps to, as `sre-contracts ingest` prints them.

    `alertmanager` takes a webhook notification (Alertmanager or Grafana) or
    an API v2 array of alerts or groups; `pagerduty` a webhook v3 body;
    `opsgenie` a webhook action; `jira` an issue or comment webhook;
    `github` an `issues` or `issue_comment` webhook (which one read from
    the body); `argocd`, `kubernetes` and `openslo` one or more YAML or JSON documents
    (a list, or a `kind: List`, counts as its items). Input is at most
    `max_bytes` (4 MiB) in UTF-8; text that starts as JSON does is read as
    strict JSON whatever the kind, anything else, for every kind, as YAML
    (a stream of several documents maps each) by a YAML 1.2 core-schema
    loader that refuses aliases, tags and keys that are not strings.
    `cluster` and `environment` place Argo CD Applications, Kubernetes
    events and an SLO's scope; `include_normal` maps Kubernetes `Normal`
    events too.

    Raises:
        AdapterInputError: the payload is not the system's (the path says where).
        InvalidArgumentError: an unknown `kind`, or an empty tenant or producer.
    """
    if kind not in KINDS:
        raise InvalidArgumentError(f"unknown kind {kind!r}; one of " + ", ".join(KINDS))
    intents: list[SreDomainIntent] = []
    if kind in _WEBHOOKS:
        for document in load_stream(data, max_bytes=max_bytes):  # one webhook, or a YAML stream of several
            intents.extend(_webhook(kind, document, tenant_id, producer))
    elif kind == "argocd":
        for app in load_documents(data, max_bytes=max_bytes):
            intents.extend(
                argocd.intents_from_application(
                    app, tenant_id=tenant_id, producer=producer, cluster=cluster, environment=environment
                )
            )
    elif kind == "kubernetes":
        for event in load_documents(data, max_bytes=max_bytes):
            intents.extend(
                kubernetes.intents_from_event(
                    event,
                    tenant_id=tenant_id,
                    producer=producer,
                    cluster=cluster,
                    environment=environment,
                    include_normal=include_normal,
                )
            )
    else:  # openslo: a stream of any v1 kinds, references resolved within it
        intents.extend(
            openslo.intents_from_documents(
                openslo.documents(data, max_bytes=max_bytes),
                tenant_id=tenant_id,
                producer=producer,
                cluster=cluster,
                environment=environment,
            )
        )
    return intents
