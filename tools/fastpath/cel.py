"""The subset of CEL the contract's rules are written in: a tokenizer and a parser into a small AST.

Anything outside the subset raises `Unsupported`, naming the construct: the
generator then leaves that message type to protovalidate and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class Unsupported(Exception):
    """A rule the fast path cannot compile; its message type falls back to protovalidate."""


@dataclass(frozen=True)
class Lit:
    value: Any
    kind: str  # "int", "uint", "double", "string", "bool", "null"


@dataclass(frozen=True)
class Ident:
    name: str


@dataclass(frozen=True)
class Select:
    operand: Any
    field: str


@dataclass(frozen=True)
class Has:
    target: Select


@dataclass(frozen=True)
class Call:
    function: str
    target: Any  # the receiver of a method call, None for a global function
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Macro:
    kind: str  # "all", "exists", "map"
    target: Any
    variable: str
    body: Any


@dataclass(frozen=True)
class Unary:
    op: str  # "!" or "-"
    operand: Any


@dataclass(frozen=True)
class Binary:
    op: str  # "||", "&&", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-"
    left: Any
    right: Any


@dataclass(frozen=True)
class Cond:
    test: Any
    then: Any
    otherwise: Any


@dataclass(frozen=True)
class ListLit:
    items: tuple[Any, ...]


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<double>\d+\.\d+(?:[eE][+-]?\d+)?)
  | (?P<uint>\d+[uU])
  | (?P<int>\d+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\|\||&&|==|!=|<=|>=|[<>!?:.,()\[\]+\-*/%])
)""",
    re.VERBOSE,
)
_ESCAPES = {"\\\\": "\\", "\\'": "'", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\r": "\r"}
_MACROS = {"all", "exists", "map"}
_RELATIONS = {"==", "!=", "<", "<=", ">", ">=", "in"}


def _string(text: str) -> str:
    body = text[1:-1]
    out, index = [], 0
    while index < len(body):
        if body[index] == "\\":
            escape = body[index : index + 2]
            if escape not in _ESCAPES:
                raise Unsupported(f"string escape {escape!r}")
            out.append(_ESCAPES[escape])
            index += 2
        else:
            out.append(body[index])
            index += 1
    return "".join(out)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            raise Unsupported(f"cannot read {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise Unsupported("unexpected end of expression")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise Unsupported(f"expected {expected!r}, found {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        tree = self.conditional()
        if self.at != len(self.tokens):
            raise Unsupported(f"unexpected {self.peek()!r}")
        return tree

    def conditional(self) -> Any:
        test = self.logical_or()
        if self.peek() != "?":
            return test
        self.take("?")
        then = self.conditional()
        self.take(":")
        return Cond(test, then, self.conditional())

    def logical_or(self) -> Any:
        tree = self.logical_and()
        while self.peek() == "||":
            self.take()
            tree = Binary("||", tree, self.logical_and())
        return tree

    def logical_and(self) -> Any:
        tree = self.relation()
        while self.peek() == "&&":
            self.take()
            tree = Binary("&&", tree, self.relation())
        return tree

    def relation(self) -> Any:
        tree = self.addition()
        if self.peek() in _RELATIONS:
            op = self.take()[1]
            tree = Binary(op, tree, self.addition())
            if self.peek() in _RELATIONS:
                raise Unsupported("chained relations")
        return tree

    def addition(self) -> Any:
        tree = self.unary()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            tree = Binary(op, tree, self.unary())
        if self.peek() in ("*", "/", "%"):
            raise Unsupported(f"operator {self.peek()!r}")
        return tree

    def unary(self) -> Any:
        if self.peek() in ("!", "-"):
            op = self.take()[1]
            return Unary(op, self.unary())
        return self.member()

    def member(self) -> Any:
        tree = self.primary()
        while self.peek() in (".", "["):
            if self.take()[1] == "[":
                raise Unsupported("indexing")
            kind, name = self.take()
            if kind != "name":
                raise Unsupported(f"member {name!r}")
            if self.peek() != "(":
                tree = Select(tree, name)
                continue
            self.take("(")
            if name in _MACROS:
                variable = self.take()
                if variable[0] != "name":
                    raise Unsupported(f"macro variable {variable[1]!r}")
                self.take(",")
                body = self.conditional()
                self.take(")")
                tree = Macro(name, tree, variable[1], body)
            else:
                tree = Call(name, tree, self.arguments(")"))
        return tree

    def arguments(self, closing: str) -> tuple[Any, ...]:
        items = []
        while self.peek() != closing:
            items.append(self.conditional())
            if self.peek() != closing:
                self.take(",")
        self.take(closing)
        return tuple(items)

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "int":
            return Lit(int(text), "int")
        if kind == "uint":
            return Lit(int(text[:-1]), "uint")
        if kind == "double":
            return Lit(float(text), "double")
        if kind == "string":
            return Lit(_string(text), "string")
        if text == "(":
            tree = self.conditional()
            self.take(")")
            return tree
        if text == "[":
            return ListLit(self.arguments("]"))
        if kind != "name":
            raise Unsupported(f"token {text!r}")
        if text in ("true", "false"):
            return Lit(text == "true", "bool")
        if text == "null":
            return Lit(None, "null")
        if self.peek() != "(":
            return Ident(text)
        self.take("(")
        if text == "has":
            target = self.conditional()
            self.take(")")
            if not isinstance(target, Select):
                raise Unsupported("has() of something other than a field")
            return Has(target)
        return Call(text, None, self.arguments(")"))


def parse(expression: str) -> Any:
    """The AST of `expression`; `Unsupported` when it leaves the subset."""
    return _Parser(expression).parse()
