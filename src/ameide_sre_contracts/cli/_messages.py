"""`validate`, `decode` and `encode`: one message, JSON lines or length-delimited frames, each checked."""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import pkgutil
import sys
from collections.abc import Iterator
from typing import Any

from google.protobuf import message_factory
from google.protobuf.message import Message

import ameide_core_proto.sre
from ameide_sre_contracts import confluent
from ameide_sre_contracts.cli._io import (
    EXIT_INVALID,
    EXIT_OK,
    bad_argument,
    bad_input,
    delimited,
    frames,
    json_line,
    json_lines,
    looks_like_json,
    pretty,
    read,
    write,
)
from ameide_sre_contracts.codec import decode, encode, from_json, to_json
from ameide_sre_contracts.errors import (
    ContractError,
    InvalidArgumentError,
    UnknownPayloadError,
    UnknownTopicError,
    ValidationError,
)
from ameide_sre_contracts.topics import PAYLOADS, TOPICS, Topic, topic_of
from ameide_sre_contracts.validation import collect

TYPE_HELP = "a contract message other than an envelope (a payload such as IncidentCreated, or a full name)"


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


def message_type(name: str) -> type[Message]:
    """A contract message by short or full name; a payload also by its oneof case or CloudEvents type."""
    messages = _contract_messages()
    if name in messages:
        return messages[name]
    by_short = [cls for full, cls in messages.items() if full.rsplit(".", 1)[-1] == name]
    if len(by_short) == 1:
        return by_short[0]
    if len(by_short) > 1:
        bad_argument(
            "--type",
            f"{name!r} names several messages; give the full name: "
            + ", ".join(sorted(cls.DESCRIPTOR.full_name for cls in by_short)),
        )
    for payload, info in PAYLOADS.items():
        if name in (info.event_type, info.case):
            return payload
    bad_argument(
        "--type",
        f"unknown message {name!r}; give a contract message name such as IncidentCreated or "
        "ameide_core_proto.sre.core.v1.Incident",
    )


def _topic(name: str | None) -> Topic:
    if name is None:
        bad_argument("--topic", "required for binary input; one of " + ", ".join(TOPICS))
    try:
        return topic_of(name)
    except UnknownTopicError as error:
        bad_argument("--topic", str(error))


def _topic_from_json(data: bytes) -> Topic:
    """The topic whose envelope has the JSON document's oneof case (by its ProtoJSON name)."""
    try:
        keys = set(json.loads(data))
    except (ValueError, TypeError, RecursionError):
        bad_input("neither valid JSON nor binary with a --topic")
    for topic in TOPICS.values():
        descriptor = topic.envelope_type.DESCRIPTOR
        cases = {f.json_name for f in descriptor.oneofs_by_name[topic.oneof].fields}
        cases |= {f.name for f in descriptor.oneofs_by_name[topic.oneof].fields}
        if keys & cases:
            return topic
    bad_input(
        "cannot tell the topic from the JSON (no known payload case): pass --topic for an envelope, "
        "or --type for another message such as a bare payload"
    )


def _also(data: bytes, topic: Topic) -> str | None:
    """Another envelope the bytes are valid as, besides `topic`'s: the envelopes share their wire form where their
    cases share a number (an intent's `ingest_alert` and a fact's `alert_ingested` are both 20)."""
    for other in TOPICS.values():
        if other is not topic:
            try:
                decode(other, data)
            except ContractError:
                continue
            return f"{other.envelope_type.DESCRIPTOR.name} of {other.name}"
    return None


def _diagnosis(data: bytes, topic: Topic) -> str | None:
    """Why binary input failed as `topic`'s envelope, when it is something else that can be named."""
    if data[:1] == b"\x00" and len(data) > 5:
        try:
            schema_id, indexes, body = confluent.unframe(data)
            decode(topic, body, validate=False)
        except ContractError:
            pass
        else:
            return f"the bytes are framed for Schema Registry (schema id {schema_id}, indexes {indexes}): pass --framed"
    other = _also(data, topic)
    if other is not None:
        return f"the bytes are a valid {other}, not an envelope of {topic.name}: pass --topic {other.split()[-1]}"
    return None


def parse(data: bytes, topic_name: str | None, kind: type[Message] | None, *, validate: bool) -> Message:
    """Bytes (binary or JSON) into an envelope, or into `kind` when given.

    Contract errors other than validation and a newer contract's payload are
    input errors; binary that is another envelope, or framed, says so.
    """
    try:
        if kind is not None:
            if looks_like_json(data):
                return from_json(kind, data, validate=validate)
            return decode(kind, data, validate=validate)
        if looks_like_json(data):
            return from_json(_topic(topic_name) if topic_name else _topic_from_json(data), data, validate=validate)
        topic = _topic(topic_name)
        try:
            return decode(topic, data, validate=validate)
        except UnknownPayloadError:
            raise
        except ContractError:
            named = _diagnosis(data, topic)
            if named is not None:
                bad_input(named)
            raise
    except (ValidationError, UnknownPayloadError, InvalidArgumentError):
        raise
    except ContractError as error:
        bad_input(str(error))


def _kind(args: argparse.Namespace) -> type[Message] | None:
    """The message type --type names, refusing it together with --topic (both say what the bytes are)."""
    if args.type is None:
        return None
    if args.topic is not None:
        bad_argument("--type", "give --topic for an envelope or --type for another message, not both")
    return message_type(args.type)


def _case(message: Message) -> str | None:
    """The payload case of an envelope; None for any other message."""
    for topic in TOPICS.values():
        if isinstance(message, topic.envelope_type):
            case: str | None = message.WhichOneof(topic.oneof)
            return case
    return None


def _messages(args: argparse.Namespace, data: bytes) -> list[tuple[str, bytes]]:
    """The input's messages with how to name each in a verdict: the whole input, its JSON lines or its frames."""
    if getattr(args, "delimited", False):
        try:
            return [(f"frame {n}: ", frame) for n, frame in enumerate(frames(data), start=1)]
        except ContractError as error:
            bad_input(str(error))
    lines = json_lines(data) if looks_like_json(data) else None
    if lines is None:
        return [("", data)]
    return [(f"line {n}: ", line) for n, line in enumerate(lines, start=1)]


def _in(label: str, run: Any) -> Any:
    """`run()`, its input errors naming the line or frame they concern."""
    try:
        return run()
    except InvalidArgumentError as error:
        text = str(error)
        if not label or not text.startswith("input: "):
            raise
        bad_input(label + text.removeprefix("input: "))


def cmd_validate(args: argparse.Namespace) -> int:
    kind = _kind(args)
    result = EXIT_OK
    for label, data in _messages(args, read(args.file)):
        try:
            message = _in(label, lambda data=data: parse(data, args.topic, kind, validate=False))
        except UnknownPayloadError as error:
            bad_input(f"{label}{error}")
        found, count = collect(message)
        if found:
            result = EXIT_INVALID
            for violation in found:
                print(f"{label}{violation}")
            if count > len(found):
                print(f"{label}... and {count - len(found)} more")
            continue
        case = _case(message)
        print(f"{label}valid {message.DESCRIPTOR.name}" + (f" ({case})" if case else ""))
    return result


def cmd_decode(args: argparse.Namespace) -> int:
    data = read(args.file)
    if args.framed:
        try:
            schema_id, indexes, data = confluent.unframe(data)
        except ContractError as error:
            bad_input(str(error))
        print(f"schema id {schema_id}, message indexes {indexes}", file=sys.stderr)
    kind = _kind(args)
    found = _messages(args, data)
    result = EXIT_OK
    for label, part in found:
        try:
            message = _in(label, lambda part=part: parse(part, args.topic, kind, validate=args.validate))
        except UnknownPayloadError as error:
            print(f"warning: {label}{error}", file=sys.stderr)
            message = error.envelope
        except ValidationError as error:
            result = EXIT_INVALID
            for violation in error.violations:
                print(f"{label}{violation}")
            if error.omitted:
                print(f"{label}... and {error.omitted} more")
            continue
        if args.topic and kind is None and not looks_like_json(part):
            other = _also(part, _topic(args.topic))
            if other is not None:
                print(f"warning: {label}these bytes are also a valid {other}; the topic decides", file=sys.stderr)
        print(pretty(message) if len(found) == 1 else json_line(to_json(message)))
    return result


def cmd_encode(args: argparse.Namespace) -> int:
    kind = _kind(args)
    data = read(args.file)
    if not looks_like_json(data):
        bad_input("encode reads ProtoJSON: a JSON object, or JSON lines")
    found = _messages(args, data)
    encoded: list[bytes] = []
    for label, part in found:
        message = _in(label, lambda part=part: parse(part, args.topic, kind, validate=True))
        body = encode(message)
        if args.schema_id is not None:
            body = confluent.frame(body, args.schema_id, confluent.message_indexes(type(message)))
        encoded.append(body if len(found) == 1 else delimited(body))
    write(b"".join(encoded), args.output)
    return EXIT_OK


def add_commands(command: Any) -> None:
    """The three commands' arguments, on the parser's `command(name, summary, description)` factory."""
    hint = " (default: stdin)"
    validate = command(
        "validate",
        "check messages (JSON, JSON lines or binary) against the contract",
        "Check an envelope, or with --type any contract message, against the contract's rules.\n"
        "JSON names its topic by its payload; binary needs --topic or --type. JSON lines\n"
        "(as ingest writes) and --delimited frames give one verdict per message.",
    )
    validate.add_argument("file", nargs="?", default="-", help="file to read, or - for stdin" + hint)
    validate.add_argument("--topic", "-t", help="the topic; required for binary, inferred for JSON")
    validate.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    validate.add_argument("--delimited", action="store_true", help="length-delimited frames (ingest --format binary)")
    validate.set_defaults(run=cmd_validate)

    decode_cmd = command(
        "decode",
        "binary envelope (or --type message) to JSON, validated",
        "Print a binary envelope (or JSON, or JSON lines) as JSON, after validating it (--no-validate\n"
        "to skip). Bytes that are another topic's envelope, or framed for Schema Registry, are named.",
    )
    decode_cmd.add_argument("file", nargs="?", default="-", help="file to read, or -" + hint)
    decode_cmd.add_argument("--topic", "-t", help="the topic the bytes come from (or give --type)")
    decode_cmd.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    decode_cmd.add_argument("--framed", action="store_true", help="strip Confluent Schema Registry framing first")
    decode_cmd.add_argument("--delimited", action="store_true", help="length-delimited frames (ingest --format binary)")
    decode_cmd.add_argument(
        "--no-validate", dest="validate", action="store_false", help="print what the bytes say, valid or not"
    )
    decode_cmd.set_defaults(run=cmd_decode)

    encode_cmd = command("encode", "JSON envelope (or --type message, or JSON lines) to binary, validated")
    encode_cmd.add_argument("file", nargs="?", default="-", help="file to read, or -" + hint)
    encode_cmd.add_argument("--topic", "-t", help="the topic (inferred from the JSON when omitted)")
    encode_cmd.add_argument("--type", metavar="MESSAGE", help=TYPE_HELP)
    encode_cmd.add_argument("--output", "-o", help="file to write (default: stdout)")
    encode_cmd.add_argument("--schema-id", type=int, help="frame for Confluent Schema Registry with this schema id")
    encode_cmd.set_defaults(run=cmd_encode)
