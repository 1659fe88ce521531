"""A valid, fully populated example of every query request and response."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import postmortem_pb2, query_pb2, runbook_pb2, service_pb2, sre_pb2
from ameide_sre_contracts.testing._alert import alert
from ameide_sre_contracts.testing._catalog import runbook, service
from ameide_sre_contracts.testing._health import fleet_state, health_check
from ameide_sre_contracts.testing._incident import incident, postmortem
from ameide_sre_contracts.testing._slo import error_budget_status, slo
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    INCIDENT_ID,
    POSTMORTEM_ID,
    RUNBOOK_ID,
    SERVICE_ID,
    SLO_ID,
    TENANT_ID,
    time_range,
    timeline_entry,
)

PAGE_SIZE = 50
PAGE_TOKEN = "eyJvZmZzZXQiOjUwfQ"
QUERY_FACTORIES: dict[type[Message], Callable[[], Message]] = {
    query_pb2.GetIncidentRequest: lambda: query_pb2.GetIncidentRequest(tenant_id=TENANT_ID, incident_id=INCIDENT_ID),
    query_pb2.GetIncidentResponse: lambda: query_pb2.GetIncidentResponse(incident=incident(), aggregate_version=3),
    query_pb2.ListIncidentsRequest: lambda: query_pb2.ListIncidentsRequest(
        tenant_id=TENANT_ID,
        statuses=[sre_pb2.INCIDENT_STATUS_OPEN, sre_pb2.INCIDENT_STATUS_INVESTIGATING],
        severities=[sre_pb2.SEVERITY_CRITICAL, sre_pb2.SEVERITY_HIGH],
        created=time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListIncidentsResponse: lambda: query_pb2.ListIncidentsResponse(
        incidents=[incident()], next_page_token="eyJvZmZzZXQiOjEwMH0"
    ),
    query_pb2.SearchIncidentsRequest: lambda: query_pb2.SearchIncidentsRequest(
        tenant_id=TENANT_ID, query="checkout 5xx config", created=time_range(), page_size=20, page_token="p2"
    ),
    query_pb2.SearchIncidentsResponse: lambda: query_pb2.SearchIncidentsResponse(
        results=[query_pb2.IncidentSearchResult(incident=incident(), score=0.87)], next_page_token="p3"
    ),
    query_pb2.GetIncidentTimelineRequest: lambda: query_pb2.GetIncidentTimelineRequest(
        tenant_id=TENANT_ID,
        incident_id=INCIDENT_ID,
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.GetIncidentTimelineResponse: lambda: query_pb2.GetIncidentTimelineResponse(
        entries=[timeline_entry(i) for i in range(3)], next_page_token="p2"
    ),
    query_pb2.GetAlertRequest: lambda: query_pb2.GetAlertRequest(tenant_id=TENANT_ID, alert_id=ALERT_ID),
    query_pb2.GetAlertResponse: lambda: query_pb2.GetAlertResponse(alert=alert(), aggregate_version=3),
    query_pb2.ListAlertsRequest: lambda: query_pb2.ListAlertsRequest(
        tenant_id=TENANT_ID,
        statuses=[sre_pb2.ALERT_STATUS_FIRING],
        severities=[sre_pb2.SEVERITY_HIGH],
        label_selector={"team": "checkout"},
        started=time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListAlertsResponse: lambda: query_pb2.ListAlertsResponse(alerts=[alert()], next_page_token="p2"),
    query_pb2.ListActiveAlertsRequest: lambda: query_pb2.ListActiveAlertsRequest(
        tenant_id=TENANT_ID,
        min_severity=sre_pb2.SEVERITY_HIGH,
        label_selector={"team": "checkout"},
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListActiveAlertsResponse: lambda: query_pb2.ListActiveAlertsResponse(
        alerts=[alert()], next_page_token="p2"
    ),
    query_pb2.GetRunbookRequest: lambda: query_pb2.GetRunbookRequest(tenant_id=TENANT_ID, runbook_id=RUNBOOK_ID),
    query_pb2.GetRunbookResponse: lambda: query_pb2.GetRunbookResponse(runbook=runbook(), aggregate_version=3),
    query_pb2.ListRunbooksRequest: lambda: query_pb2.ListRunbooksRequest(
        tenant_id=TENANT_ID,
        automation_levels=[runbook_pb2.AUTOMATION_LEVEL_ASSISTED],
        owner="team-checkout",
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListRunbooksResponse: lambda: query_pb2.ListRunbooksResponse(runbooks=[runbook()], next_page_token="p2"),
    query_pb2.SearchRunbooksRequest: lambda: query_pb2.SearchRunbooksRequest(
        tenant_id=TENANT_ID,
        symptoms="pods crash-loop after config change",
        labels={"team": "checkout"},
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.SearchRunbooksResponse: lambda: query_pb2.SearchRunbooksResponse(
        results=[query_pb2.RunbookSearchResult(runbook=runbook(), score=0.77)], next_page_token="p2"
    ),
    query_pb2.GetSLORequest: lambda: query_pb2.GetSLORequest(tenant_id=TENANT_ID, slo_id=SLO_ID),
    query_pb2.GetSLOResponse: lambda: query_pb2.GetSLOResponse(slo=slo(), aggregate_version=3),
    query_pb2.ListSLOsRequest: lambda: query_pb2.ListSLOsRequest(
        tenant_id=TENANT_ID,
        owner="team-checkout",
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListSLOsResponse: lambda: query_pb2.ListSLOsResponse(slos=[slo()], next_page_token="p2"),
    query_pb2.GetSLOBudgetStatusRequest: lambda: query_pb2.GetSLOBudgetStatusRequest(
        tenant_id=TENANT_ID, slo_id=SLO_ID
    ),
    query_pb2.GetSLOBudgetStatusResponse: lambda: query_pb2.GetSLOBudgetStatusResponse(budget=error_budget_status()),
    query_pb2.GetFleetStateRequest: lambda: query_pb2.GetFleetStateRequest(
        tenant_id=TENANT_ID, environment_id="production", cluster_id="prod-eu-1"
    ),
    query_pb2.GetFleetStateResponse: lambda: query_pb2.GetFleetStateResponse(fleet_state=fleet_state()),
    query_pb2.GetHealthHistoryRequest: lambda: query_pb2.GetHealthHistoryRequest(
        tenant_id=TENANT_ID,
        resource=health_check().resource,
        checked=time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.GetHealthHistoryResponse: lambda: query_pb2.GetHealthHistoryResponse(
        health_checks=[health_check()], next_page_token="p2"
    ),
    query_pb2.GetServiceRequest: lambda: query_pb2.GetServiceRequest(tenant_id=TENANT_ID, service_id=SERVICE_ID),
    query_pb2.GetServiceResponse: lambda: query_pb2.GetServiceResponse(service=service(), aggregate_version=3),
    query_pb2.ListServicesRequest: lambda: query_pb2.ListServicesRequest(
        tenant_id=TENANT_ID,
        tiers=[service_pb2.SERVICE_TIER_CRITICAL],
        owner="team-checkout",
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListServicesResponse: lambda: query_pb2.ListServicesResponse(services=[service()], next_page_token="p2"),
    query_pb2.GetPostmortemRequest: lambda: query_pb2.GetPostmortemRequest(
        tenant_id=TENANT_ID, postmortem_id=POSTMORTEM_ID
    ),
    query_pb2.GetPostmortemResponse: lambda: query_pb2.GetPostmortemResponse(
        postmortem=postmortem(), aggregate_version=3
    ),
    query_pb2.ListPostmortemsRequest: lambda: query_pb2.ListPostmortemsRequest(
        tenant_id=TENANT_ID,
        incident_id=INCIDENT_ID,
        statuses=[postmortem_pb2.POSTMORTEM_STATUS_PUBLISHED],
        page_size=20,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListPostmortemsResponse: lambda: query_pb2.ListPostmortemsResponse(
        postmortems=[postmortem()], next_page_token="p2"
    ),
}
