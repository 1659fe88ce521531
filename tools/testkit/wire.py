"""Hand-rolled protobuf wire encoding, to build inputs a newer or hostile producer would send."""

from __future__ import annotations


def varint(value: int) -> bytes:
    """Base-128 varint of a non-negative integer."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    """A field key."""
    return varint(number << 3 | wire_type)


def length_delimited(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return tag(number, 2) + varint(len(payload)) + payload


def varint_field(number: int, value: int) -> bytes:
    """A varint field (wire type 0)."""
    return tag(number, 0) + varint(value)
