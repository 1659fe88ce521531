"""The catalog's query services: every service and RPC, its request and response, read from the descriptors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ameide_core_proto.sre.core.v1 import query_pb2
from ameide_sre_contracts._descriptors import comment, field_rules, service_messages


def _all_requests_have(name: str) -> bool:
    requests = [m.input_type for s in query_pb2.DESCRIPTOR.services_by_name.values() for m in s.methods]
    return all(name in request.fields_by_name for request in requests)


def _paged() -> list[str]:
    return [
        f"`{method.name}`"
        for service in query_pb2.DESCRIPTOR.services_by_name.values()
        for method in service.methods
        if "page_token" in method.input_type.fields_by_name
    ]


def _tenant_rule() -> str:
    if not _all_requests_have("tenant_id"):
        return ""
    rules = field_rules(query_pb2.GetIncidentRequest.DESCRIPTOR.fields_by_name["tenant_id"])
    return (
        f"Every request names its tenant (`tenant_id`, required, at most {rules.string.max_len} characters, "
        f"`{rules.string.pattern}`): a service answers for that tenant only, and a page token made for one "
        "tenant is refused for another. "
    )


def section(field_table: Callable[[Any], list[str]], rules_lines: Callable[[Any], list[str]]) -> list[str]:
    """`## Query services`: what a client of the read side needs, from `query.proto`'s descriptors."""
    services = list(query_pb2.DESCRIPTOR.services_by_name.values())
    rpcs = sum(len(service.methods) for service in services)
    lines = [
        "",
        "## Query services",
        "",
        f"{len(services)} read-only gRPC services, {rpcs} RPCs (`{query_pb2.DESCRIPTOR.package}`, `query.proto`). "
        + _tenant_rule()
        + "The RPCs that take a page token page as AIP-158 describes ("
        + ", ".join(_paged())
        + "): `page_size` 0 takes the server's default, `next_page_token` is empty on the last page, and a "
        "token is opaque, tamper-evident and bound to the tenant and the filters (`ameide_sre_contracts.paging`). "
        "Orderings, defaults and time ranges are stated on each field below.",
        "",
        "Errors a client sees: `INVALID_ARGUMENT` for a request that breaks these rules, with a "
        "`google.rpc.BadRequest` of one field violation per broken rule (`field` the path, `reason` the rule id; "
        "`ameide_sre_contracts.grpc.validation_error` turns it back into a `ValidationError`) or for a page "
        "token that is not the service's; `UNIMPLEMENTED` for an RPC a deployment does not serve (the generated "
        "base servicer's answer); `NOT_FOUND` for a `Get` of an id the tenant does not have (AIP-131, as the "
        "reference service the tests run answers).",
    ]
    for service in services:
        lines += ["", f"### {service.name}", "", comment(service.full_name), ""]
        lines += ["| rpc | request | response | description |", "|---|---|---|---|"]
        for method in service.methods:
            request, response = method.input_type.name, method.output_type.name
            lines.append(
                f"| `{method.name}` | [{request}](#{request.lower()}) | [{response}](#{response.lower()}) | "
                f"{comment(method.full_name).replace('|', chr(92) + '|')} |"
            )
    lines += ["", "### Requests and responses"]
    for descriptor in service_messages(query_pb2.DESCRIPTOR):
        lines += ["", f"#### {descriptor.name}", "", comment(descriptor.full_name), ""]
        lines += [*field_table(descriptor), *rules_lines(descriptor)]
    return lines


def listed() -> set[str]:
    """The messages this section documents, so the catalog's types section does not repeat them."""
    return {descriptor.full_name for descriptor in service_messages(query_pb2.DESCRIPTOR)}
