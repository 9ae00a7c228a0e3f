"""The part of the Logs Insights query language smtui sends, run for real over a log group's events.

moto 5.2.5 parses only ``fields``, ``sort`` and ``limit`` and ignores ``filter``: every event in the window
comes back, so a test cannot tell a right query from a wrong one. This runs a pipeline of

* ``fields a, b, ...`` (``@timestamp``, ``@message``, ``@logStream``, ``@log``, ``@ptr`` and JSON fields of
  the message, by dotted path),
* ``filter <expr>`` where ``<expr>`` is built of ``field = value``, ``field != value``,
  ``field in [v, ...]``, ``ispresent(field)``, ``not``, ``and``, ``or`` and parentheses (values are JSON
  strings or numbers), over the message's JSON fields (a message that is not JSON has none),
* ``sort @timestamp desc|asc`` and ``limit N``,

with AWS's result shapes: ``@timestamp`` as ``YYYY-MM-DD HH:MM:SS.mmm`` (UTC), ``@ptr`` an opaque string.
``and`` binds tighter than ``or``, as in the query language; successive ``filter`` commands all apply. A
query with any other command (``stats``, ``parse``, ``display``, ...) is not this subset: :func:`parse`
answers None and the caller keeps moto's behaviour. A query of the subset that does not parse raises
:class:`QuerySyntaxError` (AWS answers MalformedQueryException).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]
_MISSING = object()
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>!=|=|\(|\)|\[|\]|,)"""
    r"""|(?P<word>[@A-Za-z_][\w.@-]*))"""
)
_SUBSET = {"fields", "filter", "sort", "limit"}


class QuerySyntaxError(ValueError):
    """A query of the subset that does not parse (AWS: MalformedQueryException)."""


@dataclass
class Query:
    fields: list[str] = field(default_factory=list)
    filters: list[Predicate] = field(default_factory=list)
    descending: bool = True
    limit: int | None = None

    def accepts(self, doc: dict[str, Any]) -> bool:
        return all(f(doc) for f in self.filters)


def _split_commands(query: str) -> list[str]:
    """The pipeline's commands, split on ``|`` outside quotes."""
    out, cur, quote = [], [], ""
    for ch in query:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            cur.append(ch)
        elif ch == "|":
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [c for c in out if c]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise QuerySyntaxError(f"unexpected text at {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def lookup(doc: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a JSON document, or the missing marker."""
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


class _Parser:
    """Recursive descent over a filter expression's tokens."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if not tok[0] or (value is not None and tok[1].lower() != value):
            raise QuerySyntaxError(f"expected {value or 'more'}, found {tok[1] or 'the end'}")
        self.i += 1
        return tok

    def keyword(self, word: str) -> bool:
        kind, text = self.peek()
        if kind == "word" and text.lower() == word:
            self.i += 1
            return True
        return False

    def parse(self) -> Predicate:
        pred = self.or_expr()
        if self.i != len(self.toks):
            raise QuerySyntaxError(f"unexpected {self.peek()[1]!r}")
        return pred

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda d: any(p(d) for p in parts)

    def and_expr(self) -> Predicate:
        parts = [self.not_expr()]
        while self.keyword("and"):
            parts.append(self.not_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda d: all(p(d) for p in parts)

    def not_expr(self) -> Predicate:
        if self.keyword("not"):
            inner = self.not_expr()
            return lambda d: not inner(d)
        return self.primary()

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            if text.startswith("'"):
                text = '"' + text[1:-1].replace('"', '\\"') + '"'
            return json.loads(text)
        if kind == "num":
            return float(text) if "." in text else int(text)
        raise QuerySyntaxError(f"expected a value, found {text!r}")

    def primary(self) -> Predicate:
        kind, text = self.peek()
        if text == "(":
            self.take()
            inner = self.or_expr()
            self.take(")")
            return inner
        if kind != "word":
            raise QuerySyntaxError(f"expected a field, found {text or 'the end'}")
        self.take()
        if text.lower() == "ispresent" and self.peek()[1] == "(":
            self.take("(")
            path = self.take()[1]
            self.take(")")
            return lambda d: lookup(d, path) is not _MISSING
        path = text
        op = self.take()[1].lower()
        if op in ("=", "!="):
            want = self.value()
            if op == "=":
                return lambda d: _equal(lookup(d, path), want)
            return lambda d: (v := lookup(d, path)) is not _MISSING and not _equal(v, want)
        if op == "in":
            self.take("[")
            values = [self.value()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.value())
            self.take("]")
            return lambda d: any(_equal(lookup(d, path), w) for w in values)
        raise QuerySyntaxError(f"unknown operator {op!r}")


def _equal(value: Any, want: Any) -> bool:
    if value is _MISSING or value is None:
        return False
    if isinstance(want, (int, float)) and not isinstance(value, bool):
        try:
            return float(value) == float(want)
        except (TypeError, ValueError):
            return False
    return isinstance(value, str) and value == want


def parse(query: str) -> Query | None:
    """The query, or None when it uses a command outside the subset."""
    q = Query()
    for command in _split_commands(query):
        verb, _, rest = command.partition(" ")
        verb = verb.lower()
        if verb not in _SUBSET:
            return None
        rest = rest.strip()
        if verb == "fields":
            q.fields.extend(f.strip() for f in rest.split(",") if f.strip())
        elif verb == "filter":
            q.filters.append(_Parser(_tokens(rest)).parse())
        elif verb == "sort":
            words = rest.split()
            if not words or words[0] != "@timestamp" or (len(words) > 1 and words[1] not in ("asc", "desc")):
                return None  # sorting by another field: not the subset
            q.descending = len(words) == 1 or words[1] == "desc"
        elif verb == "limit":
            if not rest.isdigit() or not 0 < int(rest) <= 10_000:
                raise QuerySyntaxError(f"limit must be 1 to 10000, not {rest!r}")
            q.limit = int(rest)
    return q


def timestamp(ms: int) -> str:
    """``@timestamp`` as GetQueryResults gives it: ``2024-05-01 12:34:56.789`` (UTC)."""
    t = datetime.fromtimestamp(ms / 1000, UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"


def run(
    query: Query, events: Iterable[tuple[Any, str, str]], start_s: int, end_s: int
) -> list[dict[str, str]]:
    """Rows for ``events`` (``(event, stream name, group name)``, moto's LogEvent) in ``[start_s, end_s]``
    (seconds, both ends included as moto and AWS take them)."""
    hits: list[tuple[int, int, dict[str, Any], Any, str, str]] = []
    for ev, stream, group in events:
        if start_s and ev.timestamp < start_s * 1000:
            continue
        if end_s and ev.timestamp > end_s * 1000:
            continue
        try:
            doc = json.loads(ev.message)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            doc = {}
        if query.accepts(doc):
            hits.append((ev.timestamp, ev.event_id, doc, ev, stream, group))
    hits.sort(key=lambda h: (h[0], h[1]), reverse=query.descending)
    if query.limit:
        hits = hits[: query.limit]
    rows = []
    for ts, event_id, doc, ev, stream, group in hits:
        row: dict[str, str] = {}
        for name in query.fields or ("@timestamp", "@message"):
            if name == "@timestamp":
                row[name] = timestamp(ts)
            elif name == "@message":
                row[name] = ev.message
            elif name == "@logStream":
                row[name] = stream
            elif name == "@log":
                row[name] = group
            elif name == "@ptr":
                continue
            else:
                v = lookup(doc, name)
                if v is not _MISSING and v is not None:
                    row[name] = v if isinstance(v, str) else json.dumps(v)
        row["@ptr"] = f"sandbox-ptr-{event_id}"
        rows.append(row)
    return rows
