"""JSON filter patterns: ``{ $.level = "ERROR" }``, ``{ $.latency > 100 }``, ``IS NULL`` / ``IS TRUE`` /
``NOT EXISTS``, ``&&`` ``||`` and parentheses, selectors ``$.a.b``, ``$.list[0]``, ``$.list[*]``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from smtui.sandbox.filterpattern_values import (
    _MISSING,
    _NUMBER,
    FilterPatternError,
    Matcher,
    _comparison,
    _read_quoted,
    _read_regex,
    _RegexBudget,
)

# --------------------------------------------------------------------------- JSON


_JSON_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<op>&&|\|\||!=|<=|>=|=|<|>)
  | (?P<paren>[()])
  | (?P<selector>\$(?:\.[A-Za-z0-9_@\-]+|\.\*|\[\d+\]|\[\*\])*)
  | (?P<string>")
  | (?P<regex>%)
  | (?P<word>[^\s()&|=<>!"%]+)
""",
    re.VERBOSE,
)


def _tokenize_json(body: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    i = 0
    while i < len(body):
        m = _JSON_TOKEN.match(body, i)
        if not m:
            raise FilterPatternError(f"unexpected {body[i]!r}")
        kind = m.lastgroup
        if kind == "ws":
            i = m.end()
        elif kind == "string":
            value, i = _read_quoted(body, i)
            tokens.append(("string", value))
        elif kind == "regex":
            value, i = _read_regex(body, i)
            tokens.append(("regex", value))
        else:
            tokens.append((kind or "", m.group()))
            i = m.end()
    return tokens


def _selector_path(selector: str) -> list[Any]:
    path: list[Any] = []
    for part in re.findall(r"\.([A-Za-z0-9_@\-]+|\*)|\[(\d+|\*)\]", selector[1:]):
        key, index = part
        if key:
            path.append("*" if key == "*" else key)
        else:
            path.append("*" if index == "*" else int(index))
    return path


def _extract(doc: Any, path: list[Any]) -> list[Any]:
    """Every value the path reaches (wildcards fan out); [] when nothing is there."""
    values = [doc]
    for step in path:
        nxt = []
        for v in values:
            if step == "*":
                if isinstance(v, list):
                    nxt.extend(v)
                elif isinstance(v, dict):
                    nxt.extend(v.values())
            elif isinstance(step, int):
                if isinstance(v, list) and step < len(v):
                    nxt.append(v[step])
            elif isinstance(v, dict) and step in v:
                nxt.append(v[step])
        values = nxt
        if not values:
            return []
    return values


class _JsonParser:
    def __init__(self, tokens: list[tuple[str, Any]], budget: _RegexBudget) -> None:
        self.tokens = tokens
        self.pos = 0
        self.budget = budget

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None:
            raise FilterPatternError("unexpected end of pattern")
        self.pos += 1
        return tok

    def parse(self) -> Callable[[Any], bool]:
        if not self.tokens:
            raise FilterPatternError("empty JSON pattern")
        expr = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise FilterPatternError(f"unexpected {extra[1]!r}")
        return expr

    def or_expr(self) -> Callable[[Any], bool]:
        parts = [self.and_expr()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda d: any(p(d) for p in parts))

    def and_expr(self) -> Callable[[Any], bool]:
        parts = [self.unary()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda d: all(p(d) for p in parts))

    def unary(self) -> Callable[[Any], bool]:
        if self.peek() == ("paren", "("):
            self.take()
            inner = self.or_expr()
            if self.take() != ("paren", ")"):
                raise FilterPatternError("unbalanced parentheses")
            return inner
        return self.comparison()

    def comparison(self) -> Callable[[Any], bool]:
        kind, selector = self.take()
        if kind != "selector":
            raise FilterPatternError(f"expected a $. selector, got {selector!r}")
        path = _selector_path(selector)
        kind, value = self.take()
        if kind == "word" and value in ("IS", "NOT"):
            _, what = self.take()
            if value == "NOT":
                if what != "EXISTS":
                    raise FilterPatternError("expected NOT EXISTS")
                return lambda d: not _extract(d, path)
            tests = {"NULL": lambda v: v is None, "TRUE": lambda v: v is True, "FALSE": lambda v: v is False}
            if what not in tests:
                raise FilterPatternError("expected IS NULL, IS TRUE or IS FALSE")
            test: Callable[[Any], bool] = tests[what]
            return lambda d: any(test(v) for v in _extract(d, path))
        if kind != "op" or value in ("&&", "||"):
            raise FilterPatternError(f"expected a comparison after {selector}")
        op = value
        vkind, raw = self.take()
        if vkind == "word":
            vkind = "number" if _NUMBER.fullmatch(raw) else "bare"
        elif vkind not in ("string", "regex"):
            raise FilterPatternError(f"expected a value after {op}")
        test = _comparison(op, vkind, raw, self.budget)
        if op == "!=":
            return lambda d: (lambda vs: bool(vs) and all(test(v) for v in vs))(_extract(d, path))
        return lambda d: any(test(v) for v in _extract(d, path))


def _load_json(message: str) -> Any:
    text = message.strip()
    if not text or text[0] not in "{[":
        start = text.find("{")
        if start < 0:
            return _MISSING
        text = text[start:]
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING


def _compile_json(body: str, budget: _RegexBudget) -> Matcher:
    expr = _JsonParser(_tokenize_json(body), budget).parse()

    def match(message: str) -> bool:
        if "{" not in message and "[" not in message:
            return False
        doc = _load_json(message)
        return doc is not _MISSING and isinstance(doc, dict | list) and expr(doc)

    return match
