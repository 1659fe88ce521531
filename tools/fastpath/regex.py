"""RE2 patterns (protovalidate's `pattern` and CEL `matches`) as Python `re` patterns with the same meaning.

Only a subset is translated: literals, classes of literal characters and
ranges, groups, alternation and the usual quantifiers, `^`, `$` and the
ASCII escapes. Where Python's `re` reads the same text differently the
translation says what RE2 means: `$` is the end of the text (Python's `$`
also matches before a final newline), `\\d`, `\\w` and `\\s` are ASCII (Python's
are Unicode, and its `\\s` includes `\\v`). Anything else raises `Unsupported`.
"""

from __future__ import annotations

from fastpath.cel import Unsupported

_CLASS_ESCAPES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_LITERAL_ESCAPES = set(".-+*?()[]{}|^$\\/")


def to_python(pattern: str) -> str:
    """The Python pattern that matches exactly the texts `pattern` matches under RE2 (searching, not anchored)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(_escape(pattern, index, in_class=False))
            index += 2
        elif char == "[":
            index = _character_class(pattern, index, out)
        elif char == "$":
            out.append(r"\Z")
            index += 1
        elif char == "(":
            if pattern.startswith("(?", index) and not pattern.startswith("(?:", index):
                raise Unsupported(f"group flags or named groups in {pattern!r}")
            out.append(char)
            index += 1
        elif char == "{":
            end = pattern.find("}", index)
            body = pattern[index + 1 : end] if end > 0 else ""
            if not body or not all(part.isdigit() for part in body.split(",") if part) or body.count(",") > 1:
                raise Unsupported(f"repetition {pattern[index : end + 1]!r} in {pattern!r}")
            out.append(pattern[index : end + 1])
            index = end + 1
        else:
            if ord(char) > 127:
                raise Unsupported(f"non-ASCII literal in {pattern!r}")
            out.append(char)
            index += 1
    return "".join(out)


def _escape(pattern: str, index: int, *, in_class: bool) -> str:
    if index + 1 >= len(pattern):
        raise Unsupported(f"trailing backslash in {pattern!r}")
    escaped = pattern[index + 1]
    if escaped in _CLASS_ESCAPES:
        body = _CLASS_ESCAPES[escaped]
        return body if in_class else f"[{body}]"
    if escaped in _LITERAL_ESCAPES:
        return "\\" + escaped
    raise Unsupported(f"escape \\{escaped} in {pattern!r}")


def _character_class(pattern: str, start: int, out: list[str]) -> int:
    """Copy the class at `start` (literal characters, ranges, ASCII escapes); return the index after it."""
    index = start + 1
    body: list[str] = []
    if index < len(pattern) and pattern[index] == "^":
        body.append("^")
        index += 1
    first = True
    while index < len(pattern) and (pattern[index] != "]" or first):
        char = pattern[index]
        if char == "\\":
            body.append(_escape(pattern, index, in_class=True))
            index += 2
        elif char == "[":
            raise Unsupported(f"nested class or POSIX class in {pattern!r}")
        else:
            if ord(char) > 127:
                raise Unsupported(f"non-ASCII class member in {pattern!r}")
            body.append("\\" + char if char in "^\\]" else char)
            index += 1
        first = False
    if index >= len(pattern):
        raise Unsupported(f"unterminated class in {pattern!r}")
    out.append("[" + "".join(body) + "]")
    return index + 1


def matcher(python_pattern: str) -> str:
    """Source of the fastest callable finding `python_pattern` in a text: `match` for a pattern anchored at the
    start (and without a top-level alternative that is not), `search` otherwise; None from either means no."""
    if python_pattern.startswith("^") and not _top_level_alternation(python_pattern):
        return f"_re.compile({python_pattern[1:]!r}).match"
    return f"_re.compile({python_pattern!r}).search"


def _top_level_alternation(pattern: str) -> bool:
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        index += 1
    return False
