"""`sre-contracts`: look inside, check and convert SRE envelopes without writing Python.

Exit codes: 0 success (valid); 1 the message breaks the contract (one line per
violation on stdout); 2 usage errors, unreadable input, or input that is not
a message of the topic (or not the system's payload, for ingest); 70 a fault
of this program, reported in one line without a traceback; 130 interrupted.

Every line it prints is safe for a terminal and a log: JSON keeps C1
controls, DEL and bidi controls escaped (`\u009b`, `\u202e`), and errors
and violations escape every control character.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import pkgutil
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from google.protobuf import message_factory
from google.protobuf.message import Message

import ameide_core_proto.sre
from ameide_sre_contracts import catalog, confluent, testing
from ameide_sre_contracts._version import __version__
from ameide_sre_contracts.adapters import KINDS, ingest
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode, encode, from_json, to_json
from ameide_sre_contracts.errors import (
    ContractError,
    DecodeError,
    InvalidArgumentError,
    UnknownPayloadError,
    UnknownTopicError,
    ValidationError,
    printable,
    shown,
)
from ameide_sre_contracts.topics import CONTRACT_VERSION, PAYLOADS, TOPICS, Topic, topic_of
from ameide_sre_contracts.validation import collect

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

EPILOG = """exit codes:
  0  success (for validate: the message is valid)
  1  the message breaks the contract; one line per violation: field.path: message [rule_id]
  2  usage error, unreadable input, or input that is not a message of the topic
     (for ingest: not the system's payload)
  70 a fault of this program (one line on stderr; please report it)
"""

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json_line(text: str) -> str:
    """JSON text with what JSON leaves raw and a terminal obeys (C1, DEL, bidi) escaped as `\\uXXXX`.

    Such characters stand only inside JSON strings, where the escape means
    the same character, so the output parses to the same document.
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _fail(message: str) -> NoReturn:
    """A problem with the command line or its input: exit 2."""
    raise InvalidArgumentError(message)


def _read(source: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most `limit` bytes of a file or stdin; more is refused without reading it all (`/dev/zero`, `yes |`)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(source).open("rb") as stream:
                data = stream.read(limit + 1)
    except OSError as error:
        _fail(f"cannot read {source}: {error.strerror or error}")
    if len(data) > limit:
        _fail(f"{source if source != '-' else 'stdin'} is larger than the limit of {limit} bytes")
    return data


def _write(data: bytes, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")


def _topic(name: str | None) -> Topic:
    if name is None:
        _fail("--topic is required for binary input; one of " + ", ".join(TOPICS))
    try:
        return topic_of(name)
    except UnknownTopicError as error:
        _fail(str(error))


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def _topic_from_json(data: bytes) -> Topic:
    """The topic whose envelope has the JSON document's oneof case (by its ProtoJSON name)."""
    try:
        keys = set(json.loads(data))
    except (ValueError, TypeError, RecursionError):
        _fail("input is neither valid JSON nor given a --topic for binary")
    for topic in TOPICS.values():
        descriptor = topic.envelope_type.DESCRIPTOR
        cases = {f.json_name for f in descriptor.oneofs_by_name[topic.oneof].fields}
        cases |= {f.name for f in descriptor.oneofs_by_name[topic.oneof].fields}
        if keys & cases:
            return topic
    _fail(
        "cannot tell the topic from the JSON (no known payload case): pass --topic for an envelope, "
        "or --type for another message such as a bare payload"
    )


def _parse(
    data: bytes, topic_name: str | None, *, validate: bool, message_type: type[Message] | None = None
) -> Message:
    """Bytes (binary or JSON) into an envelope, or into `message_type` when given.

    Contract errors other than validation are usage errors.
    """
    try:
        if message_type is not None:
            if _looks_like_json(data):
                return from_json(message_type, data, validate=validate)
            return decode(message_type, data, validate=validate)
        if _looks_like_json(data):
            topic = topic_of(topic_name) if topic_name else _topic_from_json(data)
            return from_json(topic, data, validate=validate)
        return decode(_topic(topic_name), data, validate=validate)
    except (ValidationError, UnknownPayloadError):
        raise
    except ContractError as error:
        _fail(str(error))


def _descriptors_in(descriptor: Any) -> Iterator[Any]:
    yield descriptor
    for nested in descriptor.nested_types:
        if not nested.GetOptions().map_entry:
            yield from _descriptors_in(nested)


@functools.cache
def _contract_messages() -> dict[str, type[Message]]:
    """Every message of the contract by full name, from the generated modules."""
    found: dict[str, type[Message]] = {}
    package = ameide_core_proto.sre
    for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(module_info.name)
        if not module.DESCRIPTOR.package.startswith(package.__name__ + "."):
            continue  # the vendored protovalidate options
        for top in module.DESCRIPTOR.message_types_by_name.values():
            for descriptor in _descriptors_in(top):
                found[descriptor.full_name] = message_factory.GetMessageClass(descriptor)
    return found


def _message_type(name: str) -> type[Message]:
    """A contract message by short or full name; a payload also by its oneof case or CloudEvents type."""
    messages = _contract_messages()
    if name in messages:
        return messages[name]
    by_short = [cls for full, cls in messages.items() if full.rsplit(".", 1)[-1] == name]
    if len(by_short) == 1:
        return by_short[0]
    if len(by_short) > 1:
        _fail(
            f"{name!r} names several messages; give the full name: "
            + ", ".join(sorted(cls.DESCRIPTOR.full_name for cls in by_short))
        )
    for payload, info in PAYLOADS.items():
        if name in (info.event_type, info.case):
            return payload
    _fail(
        f"unknown message {name!r}; give a contract message name such as IncidentCreated or "
        "ameide_core_proto.sre.core.v1.Incident"
    )


def _payload_type(name: str) -> type[Message]:
    for payload, info in PAYLOADS.items():
        if name in (payload.DESCRIPTOR.name, payload.DESCRIPTOR.full_name, info.event_type, info.case):
            return payload
    _fail(f"unknown payload {name!r}; `sre-contracts topics --payloads` lists them")


def _options_type(args: argparse.Namespace) -> type[Message] | None:
    """The message type --type names, refusing it together with --topic (both say what the bytes are)."""
    if args.type is None:
        return None
    if args.topic is not None:
        _fail("give --topic for an envelope or --type for another message, not both")
    return _message_type(args.type)


def cmd_topics(args: argparse.Namespace) -> int:
    width = max(len(name) for name in TOPICS)
    print(f"{'TOPIC':<{width}}  {'ENVELOPE':<48}  PAYLOADS")
    for topic in TOPICS.values():
        print(f"{topic.name:<{width}}  {topic.envelope_type.DESCRIPTOR.full_name:<48}  {len(topic.payload_types)}")
        if args.payloads:
            for payload in topic.payload_types:
                print(f"  {PAYLOADS[payload].case:<34} {PAYLOADS[payload].event_type}")
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    text = catalog.markdown() if args.format == "markdown" else catalog.asyncapi()
    _write(text.encode("utf-8"), args.output)
    return EXIT_OK


def cmd_example(args: argparse.Namespace) -> int:
    payload = testing.example(_payload_type(args.payload))
    message = testing.example_envelope(payload) if args.envelope else payload
    print(_json_line(to_json(message)) if args.compact else _pretty(message))
    return EXIT_OK


def _pretty(message: Message) -> str:
    from google.protobuf import json_format

    return _json_line(json_format.MessageToJson(message, indent=2))


def _case(message: Message) -> str | None:
    """The payload case of an envelope; None for any other message."""
    for topic in TOPICS.values():
        if isinstance(message, topic.envelope_type):
            case: str | None = message.WhichOneof(topic.oneof)
            return case
    return None


def cmd_validate(args: argparse.Namespace) -> int:
    message_type = _options_type(args)
    data = _read(args.file)
    try:
        message = _parse(data, args.topic, validate=False, message_type=message_type)
    except UnknownPayloadError as error:
        _fail(str(error))
    case = _case(message)
    found, count = collect(message)
    if found:
        for violation in found:
            print(violation)
        if count > len(found):
            print(f"... and {count - len(found)} more")
        return EXIT_INVALID
    print(f"valid {message.DESCRIPTOR.name}" + (f" ({case})" if case else ""))
    return EXIT_OK


def cmd_decode(args: argparse.Namespace) -> int:
    data = _read(args.file)
    if args.framed:
        try:
            schema_id, indexes, data = confluent.unframe(data)
        except ContractError as error:
            _fail(str(error))
        print(f"schema id {schema_id}, message indexes {indexes}", file=sys.stderr)
    message_type = _options_type(args)
    message: Message
    try:
        message = decode(message_type or _topic(args.topic), data, validate=False)
    except UnknownPayloadError as error:
        print(f"warning: {error}", file=sys.stderr)
        message = error.envelope
    except ContractError as error:
        _fail(str(error))
    print(_pretty(message))
    return EXIT_OK


def cmd_encode(args: argparse.Namespace) -> int:
    data = _read(args.file)
    message_type = _options_type(args)
    if not _looks_like_json(data):
        _fail("encode reads ProtoJSON (a JSON object)")
    message = _parse(data, args.topic, validate=True, message_type=message_type)
    encoded = encode(message)
    if args.schema_id is not None:
        encoded = confluent.frame(encoded, args.schema_id, confluent.message_indexes(type(message)))
    _write(encoded, args.output)
    return EXIT_OK


def _delimited(message: Message) -> bytes:
    """`message` as a length-delimited frame (a varint length, then the bytes), as protobuf's writeDelimitedTo."""
    body = encode(message)
    size, prefix = len(body), bytearray()
    while True:
        byte, size = size & 0x7F, size >> 7
        prefix.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(prefix) + body


def cmd_ingest(args: argparse.Namespace) -> int:
    data = _read(args.file)
    try:
        intents = ingest(
            args.kind,
            data,
            tenant_id=args.tenant,
            producer=args.producer,
            cluster=args.cluster,
            environment=args.environment,
            include_normal=args.include_normal,
        )
    except DecodeError as error:
        _fail(str(error))
    if args.format == "binary":
        _write(b"".join(_delimited(intent) for intent in intents), None)
    else:
        for intent in intents:
            print(_json_line(to_json(intent)))
    print(f"{len(intents)} intent(s)", file=sys.stderr)
    return EXIT_OK


TYPE_HELP = "a contract message other than an envelope (a payload such as IncidentCreated, or a full name)"


def parser() -> argparse.ArgumentParser:
    """The command line, with --help on every command."""
    root = argparse.ArgumentParser(
        prog="sre-contracts",
        description=__doc__.splitlines()[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (SRE contract {CONTRACT_VERSION})"
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None) -> argparse.ArgumentParser:
        # Every command keeps the epilog's line breaks (the exit code table).
        return commands.add_parser(
            name,
            help=summary,
            description=description or summary[:1].upper() + summary[1:] + ".",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    topics = command("topics", "list topics, envelopes and payload counts")
    topics.add_argument("--payloads", action="store_true", help="also list each topic's payloads and event types")
    topics.set_defaults(run=cmd_topics)

    catalog_cmd = command("catalog", "print or write the event catalog")
    catalog_cmd.add_argument("--format", choices=["markdown", "asyncapi"], default="markdown")
    catalog_cmd.add_argument("--output", "-o", help="file to write (default: stdout)")
    catalog_cmd.set_defaults(run=cmd_catalog)

    example = command("example", "print a valid example payload as JSON")
    example.add_argument("payload", help="payload name, oneof case or CloudEvents type, e.g. IncidentCreated")
    example.add_argument("--envelope", action="store_true", help="wrap it in its envelope")
    example.add_argument("--compact", action="store_true", help="one line")
    example.set_defaults(run=cmd_example)

    hint = " (default: stdin)"
    validate = command(
        "validate",
        "check a message (JSON or binary) against the contract",
        "Check an envelope, or with --type any contract message, against the contract's rules.\n"
        "JSON input names its topic by its payload; binary input needs --topic or --type.",
    )
    validate.add_argument("file", nargs="?", default="-", help="file to read, or - for stdin" + hint)
    validate.add_argument("--topic", "-t", help="the topic; required for binary, inferred for JSON")
    validate.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    validate.set_defaults(run=cmd_validate)

    decode_cmd = command("decode", "binary envelope (or --type message) to JSON")
    decode_cmd.add_argument("file", nargs="?", default="-", help="file to read, or -" + hint)
    decode_cmd.add_argument("--topic", "-t", help="the topic the bytes come from (or give --type)")
    decode_cmd.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    decode_cmd.add_argument("--framed", action="store_true", help="strip Confluent Schema Registry framing first")
    decode_cmd.set_defaults(run=cmd_decode)

    encode_cmd = command("encode", "JSON envelope (or --type message) to binary, validated")
    encode_cmd.add_argument("file", nargs="?", default="-", help="file to read, or -" + hint)
    encode_cmd.add_argument("--topic", "-t", help="the topic (inferred from the JSON when omitted)")
    encode_cmd.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    encode_cmd.add_argument("--output", "-o", help="file to write (default: stdout)")
    encode_cmd.add_argument("--schema-id", type=int, help="frame for Confluent Schema Registry with this schema id")
    encode_cmd.set_defaults(run=cmd_encode)

    ingest_cmd = command(
        "ingest",
        "map another system's payload into validated intents (JSON lines)",
        "Map what Alertmanager or Grafana (webhook, API v2), Argo CD (Applications), Kubernetes\n"
        "(events), OpenSLO (SLO documents) or PagerDuty (webhook v3) publish into intents, one per line.",
    )
    ingest_cmd.add_argument("kind", choices=KINDS)
    ingest_cmd.add_argument("file", nargs="?", default="-", help="file to read, or -" + hint)
    ingest_cmd.add_argument("--tenant", required=True, help="the tenant the intents belong to")
    ingest_cmd.add_argument("--producer", required=True, help="the producer name to stamp on them")
    ingest_cmd.add_argument("--cluster", help="the cluster (argocd, kubernetes; the SLO scope's for openslo)")
    ingest_cmd.add_argument("--environment", help="the environment (argocd, kubernetes, openslo)")
    ingest_cmd.add_argument("--include-normal", action="store_true", help="kubernetes: map Normal events too")
    ingest_cmd.add_argument(
        "--format",
        choices=["json", "binary"],
        default="json",
        help="json: one ProtoJSON intent per line; binary: length-delimited protobuf frames",
    )
    ingest_cmd.set_defaults(run=cmd_ingest)
    return root


def _quiet_stdout() -> None:
    """After the reader closed the pipe: send what Python still flushes at exit nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except ValidationError as error:
        for violation in error.violations:
            print(violation)
        if error.omitted:
            print(f"... and {error.omitted} more")
        return EXIT_INVALID
    except BrokenPipeError:  # `sre-contracts ... | head`: the reader has what it wanted
        _quiet_stdout()
        return EXIT_OK
    except (ContractError, OSError) as error:  # usage, unreadable or unwritable files, input that is not a message
        print(f"sre-contracts {args.command}: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # a fault of ours still ends in one escaped line, not a traceback
        text = printable(shown(str(error), 200))
        print(f"sre-contracts {args.command}: internal error: {type(error).__name__}: {text}", file=sys.stderr)
        return EXIT_SOFTWARE
    return result


if __name__ == "__main__":
    sys.exit(main())
