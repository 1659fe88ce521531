"""One entry point for every adapter, by the name of the system the payload comes from."""

from __future__ import annotations

from typing import Final

from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts.adapters import alertmanager, argocd, kubernetes, openslo, pagerduty
from ameide_sre_contracts.adapters._json import load_documents, load_json
from ameide_sre_contracts.errors import InvalidArgumentError

KINDS: Final = ("alertmanager", "argocd", "kubernetes", "openslo", "pagerduty")
"""The systems `ingest` reads, by name."""


def ingest(
    kind: str,
    data: bytes | str,
    *,
    tenant_id: str,
    producer: str,
    cluster: str | None = None,
    environment: str | None = None,
    include_normal: bool = False,
) -> list[SreDomainIntent]:
    """The intents one system's payload maps to, as `sre-contracts ingest` prints them.

    `alertmanager` takes a webhook notification (Alertmanager or Grafana) or
    an API v2 array of alerts or groups; `pagerduty` a webhook v3 body;
    `argocd`, `kubernetes` and `openslo` one or more YAML or JSON documents
    (a list, or a `kind: List`, counts as its items). `cluster` and
    `environment` place Argo CD Applications, Kubernetes events and an SLO's
    scope; `include_normal` maps Kubernetes `Normal` events too.

    Raises:
        AdapterInputError: the payload is not the system's (the path says where).
        InvalidArgumentError: an unknown `kind`, or an empty tenant or producer.
    """
    intents: list[SreDomainIntent] = []
    if kind == "alertmanager":
        document = load_json(data, what="the input")
        if isinstance(document, list):  # API v2: an array of alerts or of alert groups
            intents.extend(alertmanager.intents_from_api_alerts(document, tenant_id=tenant_id, producer=producer))
        else:
            intents.extend(alertmanager.intents_from_webhook(document, tenant_id=tenant_id, producer=producer))
    elif kind == "pagerduty":
        intents.extend(pagerduty.intents_from_webhook(data, tenant_id=tenant_id, producer=producer))
    elif kind == "argocd":
        for app in load_documents(data):
            intents.extend(
                argocd.intents_from_application(
                    app, tenant_id=tenant_id, producer=producer, cluster=cluster, environment=environment
                )
            )
    elif kind == "kubernetes":
        for event in load_documents(data):
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
    elif kind == "openslo":
        for document in openslo.documents(data):
            intents.extend(
                openslo.intents_from_slo(
                    document, tenant_id=tenant_id, producer=producer, cluster=cluster, environment=environment
                )
            )
    else:
        raise InvalidArgumentError(f"unknown kind {kind!r}; one of " + ", ".join(KINDS))
    return intents
