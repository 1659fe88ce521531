"""What every command shares: exit codes, bounded reading, safe printing, JSON lines and length-delimited frames."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import NoReturn

from google.protobuf.message import Message

from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import DecodeError, InvalidArgumentError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

EPILOG = """exit codes:
  0  success (for validate: every message is valid)
  1  a message breaks the contract; one line per violation: field.path: message [rule_id]
  2  usage error (an argument: the line says which), unreadable input, or input that is not
     a message of the topic (for ingest: not the system's payload)
  70 a fault of this program (one line on stderr; please report it)
"""

MAX_FRAMES = 100_000
"""The most messages one input of JSON lines or frames may hold."""

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_line(text: str) -> str:
    """JSON text with what JSON leaves raw and a terminal obeys (C1, DEL, bidi) escaped as `\\uXXXX`.

    Such characters stand only inside JSON strings, where the escape means
    the same character, so the output parses to the same document.
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def pretty(message: Message) -> str:
    from google.protobuf import json_format

    return json_line(json_format.MessageToJson(message, indent=2))


def fail(message: str) -> NoReturn:
    """A problem with the command line or its input: exit 2."""
    raise InvalidArgumentError(message)


def bad_argument(name: str, problem: str) -> NoReturn:
    """An argument that is wrong, named as argparse names one."""
    fail(f"argument {name}: {problem}")


def bad_input(problem: str) -> NoReturn:
    """Input that is not what the command reads."""
    fail(f"input: {problem}")


def read(source: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most `limit` bytes of a file or stdin; more is refused without reading it all (`/dev/zero`, `yes |`)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(source).open("rb") as stream:
                data = stream.read(limit + 1)
    except OSError as error:
        bad_argument("FILE", f"cannot read {source}: {error.strerror or error}")
    if len(data) > limit:
        bad_input(f"{source if source != '-' else 'stdin'} is larger than the limit of {limit} bytes")
    return data


def write(data: bytes, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        bad_argument("--output", f"cannot write {output}: {error.strerror or error}")


def looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] == b"{"


def json_lines(data: bytes) -> list[bytes] | None:
    """The lines of JSON-lines input (as `ingest` writes), or None when the input is one JSON document.

    JSON lines: more than one non-blank line, the first a whole JSON object on
    its own (a pretty-printed object's first line is `{` alone).
    """
    lines = [line for line in data.split(b"\n") if line.strip()]
    if len(lines) < 2 or len(lines) > MAX_FRAMES:
        if len(lines) > MAX_FRAMES:
            bad_input(f"more than {MAX_FRAMES} JSON lines")
        return None
    try:
        first = json.loads(lines[0])
    except (ValueError, RecursionError):
        return None
    return lines if isinstance(first, dict) else None


def delimited(body: bytes) -> bytes:
    """Encoded bytes as a length-delimited frame (a varint length, then the bytes), as protobuf's writeDelimitedTo."""
    size, prefix = len(body), bytearray()
    while True:
        byte, size = size & 0x7F, size >> 7
        prefix.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(prefix) + body


def frames(data: bytes) -> list[bytes]:
    """The messages of length-delimited input (`ingest --format binary`), as protobuf's parseDelimitedFrom reads.

    Raises:
        DecodeError: a length that runs past the end, or longer than ten bytes.
    """
    found: list[bytes] = []
    at = 0
    while at < len(data):
        size = shift = 0
        while True:
            if at >= len(data) or shift > 63:
                raise DecodeError(f"frame {len(found) + 1}: its length prefix is cut off or too long")
            byte = data[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if at + size > len(data):
            raise DecodeError(f"frame {len(found) + 1}: {size} bytes announced, {len(data) - at} left")
        found.append(data[at : at + size])
        at += size
        if len(found) > MAX_FRAMES:
            raise DecodeError(f"more than {MAX_FRAMES} frames")
    return found
