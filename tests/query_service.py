"""A reference in-memory implementation of the seven query services, for the gRPC tests (not shipped).

Data is kept per tenant; every request reads only its tenant's data. Lists are
paged AIP-158 style with `ameide_sre_contracts.paging` tokens, bound to the
tenant and the request's filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import (
    alert_pb2,
    health_pb2,
    incident_pb2,
    postmortem_pb2,
    query_pb2,
    query_pb2_grpc,
    runbook_pb2,
    service_pb2,
    slo_pb2,
    sre_pb2,
)
from ameide_sre_contracts import testing
from ameide_sre_contracts.errors import PageTokenError
from ameide_sre_contracts.paging import PageTokens
from ameide_sre_contracts.testing import _alert as alerts
from ameide_sre_contracts.testing import _catalog as catalog
from ameide_sre_contracts.testing import _health as health
from ameide_sre_contracts.testing import _incident as incidents
from ameide_sre_contracts.testing import _slo as slos

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
TENANTS = ("tenant-acme", "tenant-globex")
SEEDED_VERSION = 1
"""Every seeded aggregate is as its creating fact left it: version 1."""


class NotFoundError(LookupError):
    """The tenant has no such resource."""


def _incident(tenant_index: int, index: int) -> incident_pb2.Incident:
    incident = incidents.incident(resources=1, timeline=3 + index % 4)
    incident.incident_id = f"{tenant_index:08x}-0000-4000-8000-{index:012x}"
    incident.title = f"Incident {index} of {TENANTS[tenant_index]}: checkout {'latency' if index % 2 else 'errors'}"
    incident.severity = (sre_pb2.SEVERITY_CRITICAL, sre_pb2.SEVERITY_HIGH, sre_pb2.SEVERITY_MEDIUM)[index % 3]
    incident.created_at.seconds += index * 3600
    for field in ("acknowledged_at", "investigating_at", "mitigating_at", "resolved_at", "closed_at"):
        getattr(incident, field).seconds += index * 3600
    incident.status = sre_pb2.INCIDENT_STATUS_CLOSED if index % 4 else sre_pb2.INCIDENT_STATUS_RESOLVED
    if incident.status == sre_pb2.INCIDENT_STATUS_RESOLVED:
        incident.ClearField("closed_at")
    return incident


def _alert(tenant_index: int, index: int) -> alert_pb2.Alert:
    alert = alerts.alert()
    alert.alert_id = f"{index:016x}-{1773480413 + index}"
    alert.fingerprint = f"{tenant_index:08x}{index:08x}"
    alert.starts_at.seconds += index * 60
    if index % 3 == 0:
        alert.status = sre_pb2.ALERT_STATUS_FIRING
        alert.ClearField("ends_at")
    alert.severity = (sre_pb2.SEVERITY_CRITICAL, sre_pb2.SEVERITY_HIGH, sre_pb2.SEVERITY_LOW)[index % 3]
    alert.labels["team"] = "checkout" if index % 2 else "payments"
    return alert


def _runbook(index: int) -> runbook_pb2.Runbook:
    runbook = catalog.runbook()
    runbook.runbook_id = f"runbook-{index:02d}"
    runbook.title = f"Runbook {index:02d}"
    if index % 2:
        runbook.trigger_conditions[0].symptoms[:] = ["disk pressure", "evicted pods"]
        runbook.trigger_conditions[0].match_labels.clear()
        runbook.trigger_conditions[0].match_labels["alertname"] = "KubeNodeDiskPressure"
    return runbook


def _slo(index: int) -> slo_pb2.SLO:
    slo = slos.slo()
    slo.slo_id = f"slo-{index:02d}"
    slo.name = f"SLO {index:02d}"
    slo.owner = "team-checkout" if index % 2 else "team-payments"
    return slo


def _service(index: int) -> service_pb2.Service:
    service = catalog.service()
    service.service_id = f"service-{index:02d}"
    service.name = f"Service {index:02d}"
    service.tier = (service_pb2.SERVICE_TIER_CRITICAL, service_pb2.SERVICE_TIER_STANDARD)[index % 2]
    return service


def _postmortem(index: int) -> postmortem_pb2.Postmortem:
    postmortem = incidents.postmortem(published=index % 2 == 0)
    postmortem.postmortem_id = f"9a8b7c6d-5e4f-4a3b-9c2d-{index:012x}"
    postmortem.created_at.seconds += index * 3600
    if postmortem.HasField("published_at"):
        postmortem.published_at.seconds += index * 3600
    return postmortem


def _health_check(index: int) -> health_pb2.HealthCheck:
    check = health.health_check()
    check.healthcheck_id = f"5d6e7f80-91a2-4b3c-8d4e-{index:012x}"
    check.checked_at.seconds += index * 30
    return check


class Store:
    """Per-tenant read models, answering query requests."""

    def __init__(self) -> None:
        self.incidents = {t: [_incident(i, n) for n in range(23 if i == 0 else 5)] for i, t in enumerate(TENANTS)}
        self.alerts = {t: [_alert(i, n) for n in range(12 if i == 0 else 3)] for i, t in enumerate(TENANTS)}
        self.runbooks = {t: [_runbook(n) for n in range(7 if i == 0 else 2)] for i, t in enumerate(TENANTS)}
        self.slos = {t: [_slo(n) for n in range(6 if i == 0 else 1)] for i, t in enumerate(TENANTS)}
        self.health = {t: [_health_check(n) for n in range(9 if i == 0 else 2)] for i, t in enumerate(TENANTS)}
        self.fleet = {t: [health.fleet_state()] if i == 0 else [] for i, t in enumerate(TENANTS)}
        self.services = {t: [_service(n) for n in range(4 if i == 0 else 1)] for i, t in enumerate(TENANTS)}
        self.postmortems = {t: [_postmortem(n) for n in range(5 if i == 0 else 1)] for i, t in enumerate(TENANTS)}
        self.requests: list[Message] = []
        self.tokens = PageTokens(b"reference-query-service-secret")

    # -- paging --------------------------------------------------------------------------------

    def _page(self, request: Any, items: Sequence[T], default: int = DEFAULT_PAGE_SIZE) -> tuple[list[T], str]:
        offset = int(self.tokens.read(request) or 0)
        size = request.page_size or default
        page = list(items[offset : offset + size])
        following = offset + size
        return page, self.tokens.issue(request, str(following)) if following < len(items) else ""

    @staticmethod
    def _one(items: Sequence[T], match: Callable[[T], bool], what: str) -> T:
        for item in items:
            if match(item):
                return item
        raise NotFoundError(what)

    @staticmethod
    def _in_range(stamp: Any, window: sre_pb2.TimeRange, has_window: bool) -> bool:
        if not has_window:
            return True
        after = not window.HasField("start_time") or stamp.ToNanoseconds() >= window.start_time.ToNanoseconds()
        before = not window.HasField("end_time") or stamp.ToNanoseconds() < window.end_time.ToNanoseconds()
        return after and before

    # -- the RPCs ------------------------------------------------------------------------------

    def handle(self, method: str, request: Any) -> Message:
        self.requests.append(request)
        response: Message = getattr(self, method)(request)
        return response

    def GetIncident(self, r: query_pb2.GetIncidentRequest) -> query_pb2.GetIncidentResponse:
        found = self._one(self.incidents[r.tenant_id], lambda i: i.incident_id == r.incident_id, "incident")
        return query_pb2.GetIncidentResponse(incident=found, aggregate_version=SEEDED_VERSION)

    def ListIncidents(self, r: query_pb2.ListIncidentsRequest) -> query_pb2.ListIncidentsResponse:
        matching = [
            i
            for i in self.incidents.get(r.tenant_id, [])
            if (not r.statuses or i.status in r.statuses)
            and (not r.severities or i.severity in r.severities)
            and self._in_range(i.created_at, r.created, r.HasField("created"))
        ]
        matching.sort(key=lambda i: i.created_at.ToNanoseconds(), reverse=True)
        page, token = self._page(r, matching)
        return query_pb2.ListIncidentsResponse(incidents=page, next_page_token=token)

    def SearchIncidents(self, r: query_pb2.SearchIncidentsRequest) -> query_pb2.SearchIncidentsResponse:
        words = r.query.lower().split()
        scored = []
        for incident in self.incidents.get(r.tenant_id, []):
            text = f"{incident.title} {incident.description}".lower()
            score = sum(word in text for word in words) / len(words)
            if score > 0 and self._in_range(incident.created_at, r.created, r.HasField("created")):
                scored.append(query_pb2.IncidentSearchResult(incident=incident, score=score))
        scored.sort(key=lambda result: -result.score)
        page, token = self._page(r, scored, default=20)
        return query_pb2.SearchIncidentsResponse(results=page, next_page_token=token)

    def GetIncidentTimeline(self, r: query_pb2.GetIncidentTimelineRequest) -> query_pb2.GetIncidentTimelineResponse:
        found = self._one(self.incidents[r.tenant_id], lambda i: i.incident_id == r.incident_id, "incident")
        page, token = self._page(r, found.timeline, default=100)
        return query_pb2.GetIncidentTimelineResponse(entries=page, next_page_token=token)

    def GetAlert(self, r: query_pb2.GetAlertRequest) -> query_pb2.GetAlertResponse:
        return query_pb2.GetAlertResponse(
            alert=self._one(self.alerts.get(r.tenant_id, []), lambda a: a.alert_id == r.alert_id, "alert"),
            aggregate_version=SEEDED_VERSION,
        )

    @staticmethod
    def _labels_match(labels: Any, selector: Any) -> bool:
        return all(labels.get(key) == value for key, value in selector.items())

    def ListAlerts(self, r: query_pb2.ListAlertsRequest) -> query_pb2.ListAlertsResponse:
        matching = [
            a
            for a in self.alerts.get(r.tenant_id, [])
            if (not r.statuses or a.status in r.statuses)
            and (not r.severities or a.severity in r.severities)
            and self._labels_match(a.labels, r.label_selector)
            and self._in_range(a.starts_at, r.started, r.HasField("started"))
        ]
        page, token = self._page(r, matching)
        return query_pb2.ListAlertsResponse(alerts=page, next_page_token=token)

    def ListActiveAlerts(self, r: query_pb2.ListActiveAlertsRequest) -> query_pb2.ListActiveAlertsResponse:
        matching = [
            a
            for a in self.alerts.get(r.tenant_id, [])
            if a.status == sre_pb2.ALERT_STATUS_FIRING
            and (not r.min_severity or a.severity <= r.min_severity)
            and self._labels_match(a.labels, r.label_selector)
        ]
        matching.sort(key=lambda a: a.severity)
        page, token = self._page(r, matching)
        return query_pb2.ListActiveAlertsResponse(alerts=page, next_page_token=token)

    def GetRunbook(self, r: query_pb2.GetRunbookRequest) -> query_pb2.GetRunbookResponse:
        return query_pb2.GetRunbookResponse(
            runbook=self._one(self.runbooks.get(r.tenant_id, []), lambda b: b.runbook_id == r.runbook_id, "runbook"),
            aggregate_version=SEEDED_VERSION,
        )

    def ListRunbooks(self, r: query_pb2.ListRunbooksRequest) -> query_pb2.ListRunbooksResponse:
        matching = [
            b
            for b in self.runbooks.get(r.tenant_id, [])
            if (not r.automation_levels or b.automation_level in r.automation_levels)
            and (not r.owner or b.owner == r.owner)
        ]
        page, token = self._page(r, sorted(matching, key=lambda b: b.title))
        return query_pb2.ListRunbooksResponse(runbooks=page, next_page_token=token)

    def SearchRunbooks(self, r: query_pb2.SearchRunbooksRequest) -> query_pb2.SearchRunbooksResponse:
        words = r.symptoms.lower().split()
        results = []
        for runbook in self.runbooks.get(r.tenant_id, []):
            symptoms = " ".join(s for t in runbook.trigger_conditions for s in t.symptoms).lower()
            by_text = sum(word in symptoms for word in words) / len(words) if words else 0.0
            by_labels = any(
                t.match_labels and self._labels_match(r.labels, t.match_labels) for t in runbook.trigger_conditions
            )
            score = max(by_text, 1.0 if by_labels else 0.0)
            if score > 0:
                results.append(query_pb2.RunbookSearchResult(runbook=runbook, score=score))
        results.sort(key=lambda result: -result.score)
        page, token = self._page(r, results, default=20)
        return query_pb2.SearchRunbooksResponse(results=page, next_page_token=token)

    def GetSLO(self, r: query_pb2.GetSLORequest) -> query_pb2.GetSLOResponse:
        return query_pb2.GetSLOResponse(
            slo=self._one(self.slos.get(r.tenant_id, []), lambda s: s.slo_id == r.slo_id, "SLO"),
            aggregate_version=SEEDED_VERSION,
        )

    def ListSLOs(self, r: query_pb2.ListSLOsRequest) -> query_pb2.ListSLOsResponse:
        matching = [s for s in self.slos.get(r.tenant_id, []) if not r.owner or s.owner == r.owner]
        page, token = self._page(r, sorted(matching, key=lambda s: s.name))
        return query_pb2.ListSLOsResponse(slos=page, next_page_token=token)

    def GetSLOBudgetStatus(self, r: query_pb2.GetSLOBudgetStatusRequest) -> query_pb2.GetSLOBudgetStatusResponse:
        slo = self._one(self.slos.get(r.tenant_id, []), lambda s: s.slo_id == r.slo_id, "SLO")
        budget = slos.error_budget_status()
        budget.slo_id = slo.slo_id
        return query_pb2.GetSLOBudgetStatusResponse(budget=budget)

    def GetFleetState(self, r: query_pb2.GetFleetStateRequest) -> query_pb2.GetFleetStateResponse:
        state = self._one(
            self.fleet.get(r.tenant_id, []),
            lambda f: (f.environment_id, f.cluster_id) == (r.environment_id, r.cluster_id),
            "fleet state",
        )
        return query_pb2.GetFleetStateResponse(fleet_state=state)

    def GetHealthHistory(self, r: query_pb2.GetHealthHistoryRequest) -> query_pb2.GetHealthHistoryResponse:
        matching = [
            h
            for h in self.health.get(r.tenant_id, [])
            if h.resource == r.resource and self._in_range(h.checked_at, r.checked, r.HasField("checked"))
        ]
        matching.sort(key=lambda h: h.checked_at.ToNanoseconds(), reverse=True)
        page, token = self._page(r, matching, default=100)
        return query_pb2.GetHealthHistoryResponse(health_checks=page, next_page_token=token)

    def GetService(self, r: query_pb2.GetServiceRequest) -> query_pb2.GetServiceResponse:
        return query_pb2.GetServiceResponse(
            service=self._one(self.services.get(r.tenant_id, []), lambda s: s.service_id == r.service_id, "service"),
            aggregate_version=SEEDED_VERSION,
        )

    def ListServices(self, r: query_pb2.ListServicesRequest) -> query_pb2.ListServicesResponse:
        matching = [
            s
            for s in self.services.get(r.tenant_id, [])
            if (not r.tiers or s.tier in r.tiers) and (not r.owner or s.owner == r.owner)
        ]
        page, token = self._page(r, sorted(matching, key=lambda s: s.name))
        return query_pb2.ListServicesResponse(services=page, next_page_token=token)

    def GetPostmortem(self, r: query_pb2.GetPostmortemRequest) -> query_pb2.GetPostmortemResponse:
        return query_pb2.GetPostmortemResponse(
            postmortem=self._one(
                self.postmortems.get(r.tenant_id, []), lambda p: p.postmortem_id == r.postmortem_id, "postmortem"
            ),
            aggregate_version=SEEDED_VERSION,
        )

    def ListPostmortems(self, r: query_pb2.ListPostmortemsRequest) -> query_pb2.ListPostmortemsResponse:
        matching = [
            p
            for p in self.postmortems.get(r.tenant_id, [])
            if (not r.incident_id or p.incident_id == r.incident_id) and (not r.statuses or p.status in r.statuses)
        ]
        matching.sort(key=lambda p: p.created_at.ToNanoseconds(), reverse=True)
        page, token = self._page(r, matching, default=20)
        return query_pb2.ListPostmortemsResponse(postmortems=page, next_page_token=token)


SERVICES = list(query_pb2.DESCRIPTOR.services_by_name.values())


def _sync_method(store: Store, name: str) -> Callable[[Any, grpc.ServicerContext], Message]:
    def call(request: Any, context: grpc.ServicerContext) -> Message:
        try:
            return store.handle(name, request)
        except NotFoundError as error:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no such {error}")
        except PageTokenError as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        raise AssertionError("unreachable")

    return call


def _async_method(store: Store, name: str) -> Callable[..., Any]:
    async def call(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
        try:
            return store.handle(name, request)
        except NotFoundError as error:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no such {error}")
        except PageTokenError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        raise AssertionError("unreachable")

    return call


def add_services(server: Any, store: Store, *, asynchronous: bool = False) -> None:
    """Register every query service, backed by `store`, on a sync or aio server."""
    for service in SERVICES:
        base = getattr(query_pb2_grpc, f"{service.name}Servicer")
        make = _async_method if asynchronous else _sync_method
        servicer = type(service.name, (base,), {m.name: staticmethod(make(store, m.name)) for m in service.methods})
        getattr(query_pb2_grpc, f"add_{service.name}Servicer_to_server")(servicer(), server)


def requests_for_every_rpc() -> dict[str, Message]:
    """One valid request per RPC that finds data for tenant-acme."""
    tenant = TENANTS[0]
    incident = _incident(0, 3)
    requests: dict[str, Message] = {}
    for service in SERVICES:
        for method in service.methods:
            request = testing.query_example(getattr(query_pb2, method.input_type.name))
            request.tenant_id = tenant
            for name in (
                "page_token",
                "created",
                "started",
                "checked",
                "statuses",
                "severities",
                "label_selector",
                "tiers",
            ):
                if name in request.DESCRIPTOR.fields_by_name:
                    request.ClearField(name)
            requests[f"{service.name}/{method.name}"] = request
    requests["SreIncidentQueryService/GetIncident"].incident_id = incident.incident_id  # type: ignore[attr-defined]
    requests["SreIncidentQueryService/GetIncidentTimeline"].incident_id = incident.incident_id  # type: ignore[attr-defined]
    requests["SreIncidentQueryService/SearchIncidents"].query = "checkout latency"  # type: ignore[attr-defined]
    requests["SreAlertQueryService/GetAlert"].alert_id = _alert(0, 4).alert_id  # type: ignore[attr-defined]
    requests["SreRunbookQueryService/GetRunbook"].runbook_id = "runbook-01"  # type: ignore[attr-defined]
    requests["SreRunbookQueryService/SearchRunbooks"].symptoms = "disk pressure"  # type: ignore[attr-defined]
    requests["SreSLOQueryService/GetSLO"].slo_id = "slo-01"  # type: ignore[attr-defined]
    requests["SreSLOQueryService/GetSLOBudgetStatus"].slo_id = "slo-02"  # type: ignore[attr-defined]
    requests["SreSLOQueryService/ListSLOs"].owner = ""  # type: ignore[attr-defined]
    requests["SreRunbookQueryService/ListRunbooks"].owner = ""  # type: ignore[attr-defined]
    requests["SreRunbookQueryService/ListRunbooks"].ClearField("automation_levels")
    requests["SreServiceQueryService/GetService"].service_id = "service-02"  # type: ignore[attr-defined]
    requests["SreServiceQueryService/ListServices"].owner = ""  # type: ignore[attr-defined]
    requests["SrePostmortemQueryService/GetPostmortem"].postmortem_id = _postmortem(3).postmortem_id  # type: ignore[attr-defined]
    return requests
