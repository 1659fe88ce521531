"""Incidents and postmortems as the examples use them."""

from __future__ import annotations

from ameide_core_proto.sre.core.v1 import incident_pb2, postmortem_pb2, sre_pb2
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    INCIDENT_ID,
    POSTMORTEM_ID,
    at,
    backlog_ref,
    person,
    resource,
    timeline_entry,
)

TITLE = "Checkout API returns 5xx for 12% of requests"


def external_ref() -> incident_pb2.ExternalRef:
    """The incident's PagerDuty counterpart."""
    return incident_pb2.ExternalRef(
        system=incident_pb2.EXTERNAL_SYSTEM_PAGERDUTY,
        id="Q1W2E3R4T5",
        url="https://acme.pagerduty.com/incidents/Q1W2E3R4T5",
    )


def incident(*, resources: int = 2, timeline: int = 3, closed: bool = True) -> incident_pb2.Incident:
    """The checkout incident: closed, with every field and lifecycle step set; or, with `closed=False`, just opened."""
    opened = incident_pb2.Incident(
        incident_id=INCIDENT_ID,
        title=TITLE,
        description="Error rate rose after the 09:20 config change. **Customer impact:** failed checkouts.",
        severity=sre_pb2.SEVERITY_HIGH,
        status=sre_pb2.INCIDENT_STATUS_OPEN,
        source=incident_pb2.INCIDENT_SOURCE_ALERT,
        affected_resources=[resource(i) for i in range(resources)],
        backlog_refs=[backlog_ref()],
        created_at=at(0),
        correlated_alert_ids=[ALERT_ID, "b2c3d4e5f6071829-1773480420"],
    )
    if not closed:
        return opened
    opened.status = sre_pb2.INCIDENT_STATUS_CLOSED
    opened.assignee.CopyFrom(person())
    opened.timeline.extend(timeline_entry(i) for i in range(timeline))
    opened.acknowledged_at.CopyFrom(at(120))
    opened.investigating_at.CopyFrom(at(300))
    opened.mitigating_at.CopyFrom(at(1200))
    opened.resolved_at.CopyFrom(at(1800))
    opened.closed_at.CopyFrom(at(7200))
    opened.external_refs.append(external_ref())
    return opened


def postmortem(*, published: bool = True) -> postmortem_pb2.Postmortem:
    """The checkout incident's postmortem: published with every field set, or a fresh draft."""
    draft = postmortem_pb2.Postmortem(
        postmortem_id=POSTMORTEM_ID,
        incident_id=INCIDENT_ID,
        title="Checkout outage after a config map typo",
        status=postmortem_pb2.POSTMORTEM_STATUS_DRAFT,
        authors=[person()],
        created_at=at(86400),
    )
    if not published:
        return draft
    draft.status = postmortem_pb2.POSTMORTEM_STATUS_PUBLISHED
    draft.summary = "09:20 a config change disabled the payment provider; 09:45 reverted; 09:50 verified."
    draft.impact = "12% of checkouts failed for 25 minutes."
    draft.root_cause = "A typo in checkout-config; the config schema was not validated in CI."
    draft.resolution = "Reverted the config map through GitOps."
    draft.lessons_learned = "Schema checks belong in CI; the runbook worked as written."
    draft.action_items.append(
        postmortem_pb2.PostmortemActionItem(
            description="Validate checkout-config against its schema in CI.",
            owner="team-checkout",
            backlog_ref=backlog_ref(),
            due_at=at(14 * 86400),
        )
    )
    draft.published_at.CopyFrom(at(3 * 86400))
    return draft
