"""CloudWatch Logs filter patterns, compiled once into a predicate over a log message.

The three forms of the "Filter pattern syntax" page, case-sensitive throughout:

* terms: ``ERROR timeout`` (all), ``?ERROR ?WARN`` (any), ``-DEBUG`` (none), ``"a phrase"`` (with ``\\"``
  escapes), ``%regex%`` (no parentheses, at most two per pattern);
* JSON: ``{ $.level = "error" }``, ``{ $.latency > 100 }``, ``=`` / ``!=`` with ``*`` wildcards or
  ``%regex%``, ``<`` ``<=`` ``>`` ``>=`` on numbers, ``IS NULL`` / ``IS TRUE`` / ``IS FALSE`` /
  ``NOT EXISTS``, ``&&`` ``||`` and parentheses, selectors ``$.a.b``, ``$.list[0]``, ``$.list[*]``;
* space-delimited: ``[ip, user, ..., status = 5*, bytes > 1000]``: fields split on spaces, ``"..."``
  and ``[...]`` are single fields, ``...`` stands for any number of fields, conditions combine with
  ``&&`` / ``||``.

An empty pattern matches everything. Anything malformed raises :class:`FilterPatternError`, which the
sandbox answers as AWS does: HTTP 400 ``InvalidParameterException`` "Invalid filter pattern".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Matcher = Callable[[str], bool]
MAX_PATTERN_LENGTH = 1024
MAX_REGEXES = 2
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MISSING = object()


class FilterPatternError(ValueError):
    """The pattern is not valid filter-pattern syntax."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("Invalid filter pattern" + (f": {detail}" if detail else ""))
        self.detail = detail


def _match_all(_: str) -> bool:
    return True


@lru_cache(maxsize=256)
def compile_pattern(pattern: str | None) -> Matcher:
    """A predicate ``message -> bool`` for ``pattern`` (cached; raises :class:`FilterPatternError`)."""
    if pattern is None:
        return _match_all
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise FilterPatternError("longer than 1024 characters")
    text = pattern.strip()
    if not text or text == '""':
        return _match_all
    budget = _RegexBudget()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise FilterPatternError("unbalanced braces")
        return _compile_json(text[1:-1], budget)
    if text.startswith("["):
        if not text.endswith("]"):
            raise FilterPatternError("unbalanced brackets")
        return _compile_delimited(text[1:-1], budget)
    return _compile_terms(text, budget)


def matches(pattern: str | None, message: str) -> bool:
    return compile_pattern(pattern)(message)


class _RegexBudget:
    def __init__(self) -> None:
        self.used = 0

    def compile(self, body: str) -> re.Pattern[str]:
        self.used += 1
        if self.used > MAX_REGEXES:
            raise FilterPatternError("at most two regular expressions per pattern")
        if "(" in body or ")" in body:
            raise FilterPatternError("parentheses are not supported in regular expressions")
        if not body:
            raise FilterPatternError("empty regular expression")
        try:
            return re.compile(body)
        except re.error as exc:
            raise FilterPatternError(f"bad regular expression: {exc}") from None


# --------------------------------------------------------------------------- shared lexing


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """``text[i]`` is ``"``: the unescaped contents and the index after the closing quote."""
    out = []
    i += 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise FilterPatternError("unterminated quoted string")


def _read_regex(text: str, i: int) -> tuple[str, int]:
    """``text[i]`` is ``%``: the regex body and the index after the closing ``%``."""
    j = i + 1
    body = []
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] == "%":
            body.append("%")
            j += 2
            continue
        if c == "%":
            return "".join(body), j + 1
        body.append(c)
        j += 1
    raise FilterPatternError("unterminated regular expression")


# --------------------------------------------------------------------------- terms


def _compile_terms(text: str, budget: _RegexBudget) -> Matcher:
    required: list[Matcher] = []
    optional: list[Matcher] = []
    excluded: list[Matcher] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        bucket = required
        if text[i] in "?-" and i + 1 < n and not text[i + 1].isspace():
            bucket = optional if text[i] == "?" else excluded
            i += 1
        c = text[i]
        if c == '"':
            term, i = _read_quoted(text, i)
            bucket.append(_contains(term))
        elif c == "%":
            body, i = _read_regex(text, i)
            rx = budget.compile(body)
            bucket.append(lambda m, _s=rx.search: _s(m) is not None)
        else:
            j = i
            while j < n and not text[j].isspace():
                if text[j] in '"{}[]':
                    raise FilterPatternError(f"unexpected {text[j]!r} in a term; quote it")
                j += 1
            bucket.append(_contains(text[i:j]))
            i = j
    if not (required or optional or excluded):
        return _match_all

    def match(message: str) -> bool:
        for r in required:
            if not r(message):
                return False
        if optional and not any(o(message) for o in optional):
            return False
        return not any(x(message) for x in excluded)

    if len(required) == 1 and not optional and not excluded:
        return required[0]
    return match


def _contains(term: str) -> Matcher:
    return lambda message: term in message


# --------------------------------------------------------------------------- values (JSON and delimited)


def _glob(value: str) -> Callable[[str], bool]:
    if "*" not in value:
        return lambda s: s == value
    rx = re.compile(
        "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", value)), re.DOTALL
    )
    return lambda s: rx.fullmatch(s) is not None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip() or "x"):
        return float(value)
    return None


def _comparison(op: str, kind: str, raw: Any, budget: _RegexBudget) -> Callable[[Any], bool]:
    """A test on one extracted value. ``kind`` is "string", "number", "bare" or "regex"."""
    if kind == "regex":
        if op not in ("=", "!="):
            raise FilterPatternError("regular expressions work with = and != only")
        rx = budget.compile(raw)

        def test_rx(v: Any) -> bool:
            if v is _MISSING or v is None or isinstance(v, dict | list):
                return False
            return (rx.search(v if isinstance(v, str) else json.dumps(v)) is not None) == (op == "=")

        return test_rx
    if op in ("<", "<=", ">", ">="):
        number = _as_number(raw) if kind != "string" else None
        if number is None:
            raise FilterPatternError(f"{op} needs a number")
        cmp = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}[op]

        def test_num(v: Any) -> bool:
            x = _as_number(v)
            return x is not None and cmp(x, number)

        return test_num
    number = _as_number(raw) if kind in ("number", "bare") else None
    glob = _glob(str(raw))

    def equal(v: Any) -> bool:
        if v is _MISSING or v is None or isinstance(v, dict | list):
            return False
        if number is not None:
            x = _as_number(v)
            if x is not None:
                return x == number
        if isinstance(v, bool):
            v = "true" if v else "false"
        return glob(v if isinstance(v, str) else str(v))

    if op == "=":
        return equal
    if op == "!=":
        return lambda v: v is not _MISSING and not equal(v)
    raise FilterPatternError(f"unknown operator {op!r}")


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
        if self.peek() is not None:
            raise FilterPatternError(f"unexpected {self.peek()[1]!r}")
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
            test = tests[what]
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


# --------------------------------------------------------------------------- space-delimited


_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*$")


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quotes and regexes."""
    parts, buf, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == '"':
            _, j = _read_quoted(text, i)
            buf.append(text[i:j])
            i = j
            continue
        if c == "%":
            _, j = _read_regex(text, i)
            buf.append(text[i:j])
            i = j
            continue
        if text.startswith(sep, i):
            parts.append("".join(buf))
            buf = []
            i += len(sep)
            continue
        buf.append(c)
        i += 1
    parts.append("".join(buf))
    return parts


_COND = re.compile(
    r"\s*(?P<name>[A-Za-z_][A-Za-z0-9_\-]*)\s*(?P<op>!=|<=|>=|=|<|>)\s*(?P<value>.+?)\s*$", re.DOTALL
)


def _parse_condition(text: str, budget: _RegexBudget) -> tuple[str, Callable[[Any], bool]]:
    m = _COND.match(text)
    if not m:
        raise FilterPatternError(f"bad field condition {text.strip()!r}")
    raw = m.group("value")
    if raw.startswith('"'):
        value, end = _read_quoted(raw, 0)
        kind = "string"
    elif raw.startswith("%"):
        value, end = _read_regex(raw, 0)
        kind = "regex"
    else:
        value, end, kind = raw, len(raw), "number" if _NUMBER.fullmatch(raw) else "bare"
        if re.search(r'[\s"\[\]{}]', raw):
            raise FilterPatternError(f"bad value {raw!r}")
    if raw[end:].strip():
        raise FilterPatternError(f"unexpected text after {raw[:end]!r}")
    return m.group("name"), _comparison(m.group("op"), kind, value, budget)


def _compile_delimited(body: str, budget: _RegexBudget) -> Matcher:
    entries = [e.strip() for e in _split_top(body, ",")]
    if not entries or any(not e for e in entries):
        raise FilterPatternError("empty field in a space-delimited pattern")
    names: list[str | None] = []  # None = ellipsis
    conditions: list[Callable[[dict[str, str]], bool]] = []
    for entry in entries:
        if entry == "...":
            names.append(None)
            continue
        ors = []
        for alt in _split_top(entry, "||"):
            ands = []
            for part in _split_top(alt, "&&"):
                if _FIELD_NAME.match(part.strip()):
                    ands.append((part.strip(), None))
                else:
                    ands.append(_parse_condition(part, budget))
            ors.append(ands)
        first = ors[0][0][0]
        if not _FIELD_NAME.match(first):
            raise FilterPatternError(f"bad field name {first!r}")
        names.append(first)
        tests = [[(n, t) for n, t in ands if t is not None] for ands in ors]
        if any(tests):
            conditions.append(
                lambda fields, _t=tests: any(all(t(fields.get(n, _MISSING)) for n, t in ands) for ands in _t)
            )
    fixed = [n for n in names if n is not None]
    has_ellipsis = len(fixed) != len(names)

    def bind(values: list[str]) -> dict[str, str] | None:
        if not has_ellipsis:
            return dict(zip(fixed, values, strict=True)) if len(values) == len(names) else None
        return _bind_with_ellipses(names, values)

    def match(message: str) -> bool:
        fields = bind(_split_fields(message))
        return fields is not None and all(c(fields) for c in conditions)

    return match


def _bind_with_ellipses(names: list[str | None], values: list[str]) -> dict[str, str] | None:
    # fields before the first ellipsis and after the last are anchored; between, the first fit wins
    if len([n for n in names if n is not None]) > len(values):
        return None
    first = names.index(None)
    last = len(names) - 1 - names[::-1].index(None)
    head, tail = names[:first], names[last + 1 :]
    out: dict[str, str] = {}
    for n, v in zip(head, values, strict=False):
        out[n] = v  # type: ignore[index]
    if tail:
        for n, v in zip(tail, values[len(values) - len(tail) :], strict=True):
            out[n] = v  # type: ignore[index]
    middle = [n for n in names[first : last + 1] if n is not None]
    pool = values[len(head) : len(values) - len(tail)]
    if len(middle) > len(pool):
        return None
    for n, v in zip(middle, pool, strict=False):
        out[n] = v
    return out


def _split_fields(message: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(message)
    while i < n:
        c = message[i]
        if c.isspace():
            i += 1
            continue
        if c == '"':
            j = message.find('"', i + 1)
            if j < 0:
                j = n
            out.append(message[i + 1 : j])
            i = j + 1
        elif c == "[":
            j = message.find("]", i + 1)
            if j < 0:
                j = n
            out.append(message[i + 1 : j])
            i = j + 1
        else:
            j = i
            while j < n and not message[j].isspace():
                j += 1
            out.append(message[i:j])
            i = j
    return out


__all__ = ["FilterPatternError", "MAX_PATTERN_LENGTH", "Matcher", "compile_pattern", "matches"]
