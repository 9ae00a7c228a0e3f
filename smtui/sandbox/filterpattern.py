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

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from smtui.sandbox.filterpattern_json import _compile_json
from smtui.sandbox.filterpattern_values import (  # noqa: F401 - FilterPatternError is this module's too
    _MISSING,
    _NUMBER,
    MAX_PATTERN_LENGTH,
    FilterPatternError,
    Matcher,
    _comparison,
    _read_quoted,
    _read_regex,
    _RegexBudget,
)


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
            bucket.append(_searches(budget.compile(body)))
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


def _searches(rx: re.Pattern[str]) -> Matcher:
    return lambda m: rx.search(m) is not None


def _contains(term: str) -> Matcher:
    return lambda message: term in message


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
        ors: list[list[tuple[str, Callable[[Any], bool] | None]]] = []
        for alt in _split_top(entry, "||"):
            ands: list[tuple[str, Callable[[Any], bool] | None]] = []
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
            conditions.append(_any_of(tests))
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


def _any_of(tests: list[list[tuple[str, Callable[[Any], bool]]]]) -> Callable[[dict[str, str]], bool]:
    """Fields pass when every condition of any one ``||`` alternative holds."""
    return lambda fields: any(all(t(fields.get(n, _MISSING)) for n, t in ands) for ands in tests)


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
