"""Search in the log view's line store: which lines of a chunk match, without making a line object.

A chunk's lines are one string joined with ``\\n`` (:mod:`smtui.widgets.log_store`), so a search is a
compiled regular expression run over that string in C, from one line to the next, and a match position
is turned into a line number by bisecting the chunk's start offsets. What the user typed means what it
means on one line:

- the scan uses ``re.MULTILINE`` so ``^`` and ``$`` match at each line's start and end;
- a match that runs over a line break (``\\s``, ``[^x]`` or a literal ``\\n`` can) is checked again on that
  line alone;
- a pattern whose meaning depends on the string's ends or on what surrounds a line (``\\A``, ``\\Z``,
  lookbehind, lookahead) is run line by line instead (slower, exact).

Case-insensitive search (a pattern with no capital letter) is slow in Python's ``re`` (it cannot use its
fast search for a literal prefix): about 0.5 s over a million lines. On an ASCII chunk it runs instead as
the same, case-sensitive, pattern over the chunk lower-cased, which means the same thing for a pattern
with no capital letter (no ``\\S``, ``\\W``, ``[A-Z]`` ...) and no escape that names a character by number
or an inline flag; those keep the slow path.
"""

from __future__ import annotations

import itertools
import re
from array import array
from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from smtui.widgets.log_store import Chunk

_serials = itertools.count(1)
# \A \Z, lookarounds: run line by line
_PER_LINE = re.compile(r"\\[AZ]|\(\?<?[=!]")
# escapes naming a character by number, inline flags: no lower-cased fast path
_NO_LOWER = re.compile(r"\\[0-9xuUN]|\(\?[a-zA-Z-]")


class Search:
    """A compiled search: case-insensitive unless the pattern has capitals. Raises ``re.error``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.ignore_case = not any(c.isupper() for c in pattern)
        flags = re.IGNORECASE if self.ignore_case else 0
        self.regex = re.compile(pattern, flags)
        self.serial = next(_serials)
        per_line = _PER_LINE.search(pattern) is not None
        self._joined = None if per_line else re.compile(pattern, flags | re.MULTILINE)
        self._lowered = (
            re.compile(pattern, re.MULTILINE)
            if self.ignore_case and not per_line and _NO_LOWER.search(pattern) is None
            else None
        )

    def matches(self, text: str) -> bool:
        return self.regex.search(text) is not None

    def hits(self, chunk: Chunk) -> array[int]:
        """The positions in ``chunk`` of its matching lines, ascending (memoised on the chunk)."""
        key = ("hits", self.serial)
        got: array[int] | None = chunk.memo.get(key)
        if got is None:
            got = chunk.memo[key] = self._scan(chunk)
        return got

    def _scan(self, chunk: Chunk) -> array[int]:
        out = array("H")
        n = len(chunk)
        if not n:
            return out
        text = chunk.text
        rx = self._joined
        if rx is None:
            search = self.regex.search
            line = chunk.line
            out.extend(j for j in range(n) if search(line(j)))
            return out
        if self._lowered is not None and text.isascii():
            rx, hay = self._lowered, text.lower()  # same length: ASCII
        else:
            hay = text
        starts = chunk.starts
        find = rx.search
        check = self.regex.search
        append = out.append
        end = len(hay)
        pos = 0
        while pos <= end:
            m = find(hay, pos)
            if m is None:
                break
            j = bisect_right(starts, m.start()) - 1
            stop = starts[j + 1] - 1
            if m.end() <= stop or check(text[starts[j] : stop]):
                append(j)
            pos = stop + 1
        return out
