"""Which lines of the store the log view shows, and on which screen rows.

The filters (sources, hiding ``/ping`` health checks, matches only) are worked out a chunk at a time and
memoised on the chunk (:attr:`~smtui.widgets.log_store.Chunk.memo`) as an ``array('H')`` of the positions
shown, or ``None`` when every line of the chunk is. A view position is then a chunk (by bisecting the
chunks' cumulative counts) and a position in it. With wrap on, each chunk's height in screen rows is
worked out from a histogram of its line widths (one sum over a few dozen widths, not one per line), and
the row of each line only for the chunks being drawn.
"""

from __future__ import annotations

import itertools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from itertools import compress
from operator import sub
from typing import TYPE_CHECKING

from rich.cells import cell_len

from smtui.text import DISPLAY_LIMIT

if TYPE_CHECKING:  # pragma: no cover
    from smtui.widgets.log_search import Search
    from smtui.widgets.log_store import Chunk, LineStore

_PING = re.compile(r"\b(?:GET|POST|HEAD) /ping\b")
#: widths at most this (display cut plus its marker)
MAX_CELLS = DISPLAY_LIMIT + 32
_gens = itertools.count(1)


def _lengths(chunk: Chunk) -> list[int]:
    """Each line's width in cells (capped at the display cut)."""
    starts = chunk.starts
    lens = [n - 1 for n in map(sub, starts[1:], starts[:-1])]
    if not chunk.text.isascii():
        line = chunk.line
        lens = [n if (t := line(j)).isascii() else cell_len(t) for j, n in enumerate(lens)]
    if max(lens, default=0) > MAX_CELLS:
        lens = [min(n, MAX_CELLS) for n in lens]
    return lens


def _intersect(a: array[int], b: array[int]) -> array[int]:
    if len(a) > len(b):
        a, b = b, a
    keep = set(b)
    return array("H", [j for j in a if j in keep])


class RowIndex:
    """The lines of a :class:`~smtui.widgets.log_store.LineStore` the view shows, and where."""

    def __init__(self, store: LineStore) -> None:
        self.store = store
        self.sources: frozenset[int] | None = None  # source ids shown; None: every source
        self.hide_ping = False
        self.search: Search | None = None
        self.matches_only = False
        self._base_gen = next(_gens)  # sources and /ping
        self._gen = next(_gens)  # everything that decides which lines show
        self._built: tuple[int, int] | None = None
        self._prefix: list[int] = [0]
        self._cum: OrderedDict[tuple[int, int, int], list[int]] = OrderedDict()
        self._rows_key: tuple[int, int, int] | None = None
        self._rows_prefix: list[int] = [0]

    # ------------------------------------------------------------------ filters
    @property
    def filtered(self) -> bool:
        return self.sources is not None or self.hide_ping or (self.matches_only and self.search is not None)

    @property
    def gen(self) -> int:
        return self._gen

    def set_filters(
        self, *, sources: frozenset[int] | None, hide_ping: bool, search: Search | None, matches_only: bool
    ) -> None:
        if sources != self.sources or hide_ping != self.hide_ping:
            self._base_gen = next(_gens)
        self.sources, self.hide_ping = sources, hide_ping
        self.search, self.matches_only = search, matches_only
        self._gen = next(_gens)
        self._forget()

    def _forget(self) -> None:
        """Drop what the chunks memoised for filters no longer in force."""
        serial = self.search.serial if self.search is not None else None
        live = {
            ("base", self._base_gen),
            ("hits", serial),
            ("count", self._base_gen, serial),
            ("hist", 0),
            ("hist", self._gen),
        }
        for chunk in self.store.chunks:
            memo = chunk.memo
            for key in [k for k in memo if k not in live]:
                del memo[key]
        self._cum.clear()

    def base(self, chunk: Chunk) -> array[int] | None:
        """Positions passing the source and /ping filters (None: all)."""
        if self.sources is None and not self.hide_ping:
            return None
        key = ("base", self._base_gen)
        memo = chunk.memo
        if key in memo:
            got: array[int] | None = memo[key]
            return got
        n = len(chunk)
        keep: array[int] | None = None
        if self.sources is not None:
            wanted = self.sources
            flags = bytes(int(i in wanted) for i in range(len(self.store.names)))
            keep = array("H", compress(range(n), map(flags.__getitem__, chunk.src)))
        if self.hide_ping and "/ping" in chunk.text:
            text, starts = chunk.text, chunk.starts
            pings = {bisect_right(starts, m.start()) - 1 for m in _PING.finditer(text)}
            if pings:
                keep = array("H", [j for j in (range(n) if keep is None else keep) if j not in pings])
        if keep is not None and len(keep) == n:
            keep = None
        memo[key] = keep
        return keep

    def visible(self, chunk: Chunk) -> array[int] | None:
        """Positions the view shows (None: all)."""
        base = self.base(chunk)
        if not (self.matches_only and self.search is not None):
            return base
        hits = self.search.hits(chunk)
        return hits if base is None else _intersect(base, hits)

    def match_count(self, chunk: Chunk) -> int:
        """Matching lines of ``chunk`` among those the source and /ping filters let through."""
        if self.search is None:
            return 0
        key = ("count", self._base_gen, self.search.serial)
        got: int | None = chunk.memo.get(key)
        if got is None:
            hits = self.search.hits(chunk)
            base = self.base(chunk)
            got = chunk.memo[key] = len(hits) if base is None else len(_intersect(base, hits))
        return got

    # ------------------------------------------------------------------ positions
    def _build(self) -> None:
        key = (self.store.version, self._gen)
        if self._built == key:
            return
        chunks = self.store.chunks
        if self.filtered:
            vis = self.visible
            self._prefix = [
                0,
                *itertools.accumulate(len(c) if (v := vis(c)) is None else len(v) for c in chunks),
            ]
        else:
            self._prefix = self.store.prefix()
        self._built = key

    def prefix(self) -> list[int]:
        self._build()
        return self._prefix

    def __len__(self) -> int:
        return self.prefix()[-1]

    def locate(self, i: int) -> tuple[Chunk, int]:
        """View position ``i`` -> (chunk, position in the chunk)."""
        p = self.prefix()
        c = bisect_right(p, i) - 1
        chunk = self.store.chunks[c]
        k = i - p[c]
        vis = self.visible(chunk) if self.filtered else None
        return chunk, (k if vis is None else vis[k])

    def position_of(self, c: int, j: int) -> int:
        """The view position of the first line shown at or after position ``j`` of chunk ``c``."""
        p = self.prefix()
        if c >= len(self.store.chunks):
            return p[-1]
        vis = self.visible(self.store.chunks[c]) if self.filtered else None
        return p[c] + (j if vis is None else bisect_left(vis, j))

    def chunk_of(self, i: int) -> int:
        return bisect_right(self.prefix(), i) - 1

    # ------------------------------------------------------------------ wrap
    def _hist(self, chunk: Chunk) -> Counter[int]:
        key = ("hist", self._gen if self.filtered else 0)
        got: Counter[int] | None = chunk.memo.get(key)
        if got is None:
            lens = _lengths(chunk)
            vis = self.visible(chunk) if self.filtered else None
            if vis is not None:
                lens = [lens[j] for j in vis]
            got = chunk.memo[key] = Counter(lens)
        return got

    def chunk_rows(self, chunk: Chunk, width: int) -> int:
        return sum(count * (1 if n <= width else -(-n // width)) for n, count in self._hist(chunk).items())

    def rows_prefix(self, width: int) -> list[int]:
        """Cumulative screen rows of each chunk with wrap at ``width``."""
        self._build()
        key = (self.store.version, self._gen, width)
        if self._rows_key != key:
            rows = self.chunk_rows
            self._rows_prefix = [0, *itertools.accumulate(rows(c, width) for c in self.store.chunks)]
            self._rows_key = key
        return self._rows_prefix

    def cumulative(self, c: int, width: int) -> list[int]:
        """Screen rows before each shown line of chunk ``c`` (relative to the chunk), plus its total."""
        chunk = self.store.chunks[c]
        key = (chunk.serial, len(chunk), self._gen * 100_000 + width)
        got = self._cum.get(key)
        if got is not None:
            self._cum.move_to_end(key)
            return got
        lens = _lengths(chunk)
        vis = self.visible(chunk) if self.filtered else None
        if vis is not None:
            lens = [lens[j] for j in vis]
        got = [0, *itertools.accumulate(1 if n <= width else -(-n // width) for n in lens)]
        self._cum[key] = got
        if len(self._cum) > 16:
            self._cum.popitem(last=False)
        return got

    def row_of(self, i: int, width: int) -> int:
        """The first screen row of view position ``i``, wrapped at ``width``."""
        c = self.chunk_of(i)
        return self.rows_prefix(width)[c] + self.cumulative(c, width)[i - self._prefix[c]]

    def at_row(self, row: int, width: int) -> tuple[int, int]:
        """(view position, row within that line) of screen row ``row``."""
        rp = self.rows_prefix(width)
        c = bisect_right(rp, row) - 1
        c = max(0, min(c, len(self.store.chunks) - 1))
        cum = self.cumulative(c, width)
        k = bisect_right(cum, row - rp[c]) - 1
        k = max(0, min(k, len(cum) - 2))
        return self._prefix[c] + k, row - rp[c] - cum[k]
