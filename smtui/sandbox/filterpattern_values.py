"""What the three forms of CloudWatch Logs filter patterns share (:mod:`filterpattern`): the error, the
two-regex budget, quoted strings and ``%regex%`` lexing, and comparing a field's value (``=`` / ``!=`` with
``*`` wildcards or a regex, ``<`` ... ``>=`` on numbers)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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

        bound: float = number

        def test_num(v: Any) -> bool:
            x = _as_number(v)
            return x is not None and cmp(x, bound)

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
