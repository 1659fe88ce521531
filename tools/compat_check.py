"""What `make compat` runs inside a fresh venv holding only the built wheel and one end of the dependency window.

Usage: build/compat/<end>/bin/python tools/compat_check.py

It exercises what a service does with the package, against whatever
protobuf, grpcio, grpcio-status, protovalidate and cloudevents that venv
holds: build, encode, decode and validate every example; refuse invalid and
hostile input with the right error; carry envelopes through the Kafka and
HTTP bindings and CloudEvents SDK objects; serve and call a query service
over gRPC on 127.0.0.1 with the validating interceptor; map a real payload
with an adapter; and drive the command line. Any failure exits non-zero.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"compat check failed: {what}")


def versions() -> str:
    names = (
        "protobuf",
        "protovalidate",
        "grpcio",
        "grpcio-status",
        "cloudevents",
        "PyYAML",
        "tzdata",
        "ameide-sre-contracts",
    )
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def messages() -> None:
    import ameide_sre_contracts as sre
    from ameide_sre_contracts import testing

    count = 0
    for topic in sre.TOPICS.values():
        for envelope in testing.examples(topic.envelope_type):
            data = sre.encode(envelope)
            _check(sre.decode(topic.name, data) == envelope, f"binary round trip on {topic.name}")
            _check(sre.from_json(topic.name, sre.to_json(envelope)) == envelope, f"JSON round trip on {topic.name}")
            count += 1
    _check(count > 60, "examples of every case")
    fact = testing.examples(sre.envelope_type(sre.DOMAIN_FACTS_TOPIC))[0]
    fact.meta.tenant_id = ""
    try:
        sre.validate(fact)
    except sre.ValidationError as error:
        _check(error.violations[0].field_path == "meta.tenant_id", "the violation names its field")
    else:
        _check(False, "an empty tenant is refused")
    hostile = testing.examples(sre.envelope_type(sre.DOMAIN_FACTS_TOPIC))[0]
    resources = hostile.incident_created.incident.affected_resources
    for _ in range(100_000):
        resources.add()
    try:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, hostile.SerializeToString())
    except sre.ValidationError as error:
        _check([v.rule_id for v in error.violations] == ["repeated.max_items"], "a hostile list is one violation")


def bindings() -> None:
    import ameide_sre_contracts as sre
    from ameide_sre_contracts import cloudevents, kafka, testing

    fact = testing.examples(sre.envelope_type(sre.DOMAIN_FACTS_TOPIC))[0]
    record = kafka.to_kafka(fact)
    _check(kafka.from_kafka(record.topic, record.key, record.value, record.headers) == fact, "Kafka binary")
    structured = kafka.to_kafka(fact, mode="structured")
    _check(kafka.from_kafka(structured.topic, structured.key, structured.value, structured.headers) == fact, "Kafka")
    headers, body = cloudevents.to_http(fact)
    _check(cloudevents.from_http(headers, body) == fact, "HTTP binary mode")
    _check(cloudevents.from_cloudevent(cloudevents.to_cloudevent(fact)) == fact, "CloudEvents SDK objects")


def grpc_round_trip() -> None:
    import grpc

    from ameide_core_proto.sre.core.v1 import query_pb2, query_pb2_grpc
    from ameide_sre_contracts.grpc import ValidatingInterceptor, validation_error

    class Incidents(query_pb2_grpc.SreIncidentQueryServiceServicer):
        def ListIncidents(self, request: Any, context: Any) -> query_pb2.ListIncidentsResponse:
            return query_pb2.ListIncidentsResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), interceptors=[ValidatingInterceptor()])
    query_pb2_grpc.add_SreIncidentQueryServiceServicer_to_server(Incidents(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
            stub.ListIncidents(query_pb2.ListIncidentsRequest(tenant_id="acme", page_size=10), timeout=10)
            try:
                stub.ListIncidents(query_pb2.ListIncidentsRequest(page_size=10), timeout=10)
            except grpc.RpcError as error:
                refused = validation_error(error)
                _check(refused is not None and refused.violations[0].field_path == "tenant_id", "gRPC refusal")
            else:
                _check(False, "gRPC refuses a request without a tenant")
    finally:
        server.stop(None).wait()


def adapters() -> None:
    from ameide_sre_contracts.adapters import alertmanager

    body = (ROOT / "tests/fixtures/real/alertmanager/zulip-alert.json").read_bytes()
    intents = alertmanager.intents_from_webhook(body, tenant_id="acme", producer="compat")
    _check(len(intents) == 2, "the Alertmanager adapter")
    _check(alertmanager.webhook_from_intents(intents)["receiver"] == "ops-zulip", "and back")


def command_line() -> None:
    cli = Path(sys.executable).with_name("sre-contracts")
    example = subprocess.run([cli, "example", "IncidentCreated", "--envelope"], capture_output=True, check=True)
    checked = subprocess.run([cli, "validate", "-"], input=example.stdout, capture_output=True, check=False)
    _check(checked.returncode == 0, f"sre-contracts validate: {checked.stdout!r} {checked.stderr!r}")


def main() -> int:
    print(f"compat: {versions()}")
    for check in (messages, bindings, grpc_round_trip, adapters, command_line):
        check()
        print(f"  {check.__name__}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
