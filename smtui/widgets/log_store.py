"""The log view's line store: a million cleaned lines kept compact, in timestamp order.

No per-line Python object is kept. Lines live in chunks of up to :data:`CHUNK` lines; a chunk holds its
lines' text as one string joined with ``\\n`` (plus an ``array`` of start offsets), their timestamps and
arrival numbers in ``array('q')`` and their sources as small ints in ``array('H')``. Lines whose message
had SGR colours keep that variant in a small per-chunk dict. A :class:`LogLine` is made only when someone
asks for one line (the row being drawn, a test, the line after ``n``).

Order is ``(timestamp, seq)``: ``seq`` counts lines as they arrive, so a late event goes after every line
already held with the same timestamp. Appending at the end (following) extends the last chunk in place;
anything else (late events, older history, the cap dropping the oldest) builds new chunk objects, so a
chunk seen by a reader (a save in a thread, a cache key) never changes under it except by growing at its
end. Each chunk has a ``memo`` dict for what is derived from it (matches, filters, wrapped heights),
cleared when it grows.

Cleaning (:mod:`smtui.text`) happens here, as events arrive: control sequences removed, SGR colours kept
aside for drawing, tqdm ``\\r`` progress collapsed, a multi-line message split into lines.
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from smtui.text import clean, clean_keep_sgr

#: Lines a chunk holds (a chunk built by merging late events may hold up to twice as many before it splits).
CHUNK = 4096

_serials = itertools.count(1)


class LogLine:
    """One line, made on demand from the store (a multi-line message gives several, same ts and source)."""

    __slots__ = ("seq", "sgr", "source", "text", "ts")

    def __init__(self, ts: int, seq: int, source: str, text: str, sgr: str | None) -> None:
        self.ts = ts
        self.seq = seq
        self.source = source
        self.text = text  # cleaned, plain, whole
        self.sgr = sgr  # cleaned but with SGR colour sequences, when the message had them

    @property
    def key(self) -> tuple[int, int]:
        return (self.ts, self.seq)

    def __repr__(self) -> str:
        return f"LogLine({self.ts}, {self.seq}, {self.source!r}, {self.text[:40]!r})"


class Chunk:
    """Up to about :data:`CHUNK` consecutive lines of the store."""

    __slots__ = ("_starts", "_text", "memo", "serial", "sgr", "src", "seq", "ts")

    def __init__(
        self,
        ts: array[int],
        seq: array[int],
        src: array[int],
        texts: Sequence[str],
        sgr: dict[int, str] | None = None,
    ) -> None:
        self.serial = next(_serials)
        self.ts = ts
        self.seq = seq
        self.src = src
        self._text = "\n".join(texts)
        starts = array("I", [0])
        pos = 0
        for t in texts:
            pos += len(t) + 1
            starts.append(pos)
        self._starts = starts
        self.sgr = sgr or None
        self.memo: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def text(self) -> str:
        """Every line of the chunk joined with ``\\n`` (searched as one string)."""
        return self._text

    @property
    def starts(self) -> array[int]:
        """``starts[j]`` is where line ``j`` begins in :attr:`text`; ``starts[n]`` is ``len(text) + 1``."""
        return self._starts

    def line(self, j: int) -> str:
        s = self._starts
        return self._text[s[j] : s[j + 1] - 1]

    def lines(self) -> list[str]:
        return self._text.split("\n") if len(self.ts) else []

    def extend(
        self,
        ts: Sequence[int],
        seq: Sequence[int],
        src: Sequence[int],
        texts: Sequence[str],
        sgr: dict[int, str] | None,
    ) -> None:
        """Append lines at the end (the only change made to a chunk in place)."""
        base = len(self.ts)
        if not texts:
            return
        joined = "\n".join(texts)
        self._text = f"{self._text}\n{joined}" if base else joined
        pos = self._starts[-1]
        starts = self._starts
        for t in texts:
            pos += len(t) + 1
            starts.append(pos)
        self.ts.extend(ts)
        self.seq.extend(seq)
        self.src.extend(src)
        if sgr:
            mine = self.sgr if self.sgr is not None else {}
            for j, s in sgr.items():
                mine[base + j] = s
            self.sgr = mine
        self.memo.clear()

    def get(self, j: int, names: Sequence[str]) -> LogLine:
        sgr = self.sgr.get(j) if self.sgr else None
        return LogLine(self.ts[j], self.seq[j], names[self.src[j]], self.line(j), sgr)

    def part(self, lo: int, hi: int) -> Chunk:
        """A new chunk of lines ``lo:hi``."""
        sgr = {j - lo: s for j, s in self.sgr.items() if lo <= j < hi} if self.sgr else None
        return Chunk(self.ts[lo:hi], self.seq[lo:hi], self.src[lo:hi], self.lines()[lo:hi], sgr)


class Batch:
    """Cleaned lines ready for the store, parallel lists in arrival order."""

    __slots__ = ("sgr", "src", "texts", "ts")

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.src: list[int] = []
        self.texts: list[str] = []
        self.sgr: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.ts)

    def sort(self) -> None:
        """Sort by timestamp, keeping arrival order among equal timestamps."""
        ts = self.ts
        if all(ts[i] <= ts[i + 1] for i in range(len(ts) - 1)):
            return
        order = sorted(range(len(ts)), key=ts.__getitem__)
        self.ts = [ts[i] for i in order]
        self.src = [self.src[i] for i in order]
        self.texts = [self.texts[i] for i in order]
        if self.sgr:
            where = {old: new for new, old in enumerate(order)}
            self.sgr = {where[k]: v for k, v in self.sgr.items()}


def clean_events(events: Iterable[Any], source_id: Any) -> Batch:
    """Clean events (``timestamp``, ``message``, ``source``) into a :class:`Batch`; ``source_id(label)`` gives
    each source's small int."""
    out = Batch()
    ts_out, src_out, texts, sgrs = out.ts, out.src, out.texts, out.sgr
    ids: dict[str, int] = {}
    for e in events:
        msg = e.message
        sid = ids.get(e.source)
        if sid is None:
            sid = ids[e.source] = source_id(e.source)
        if msg.isprintable():  # no control character, no escape, nothing to clean: the common case
            ts_out.append(e.timestamp)
            src_out.append(sid)
            texts.append(msg)
            continue
        sgr = None
        if "\x1b" in msg or "\x9b" in msg:
            sgr = clean_keep_sgr(msg).rstrip("\n")
            if "\x1b" not in sgr:
                sgr = None
        text = clean(msg, newlines=True)
        if text.endswith("\n"):
            text = text.rstrip("\n")
        parts = text.split("\n") if "\n" in text else [text]
        sgr_parts: Sequence[str | None] = [None] * len(parts)
        if sgr is not None:
            split = sgr.split("\n")
            if len(split) == len(parts):
                sgr_parts = split
        for part, sp in zip(parts, sgr_parts, strict=True):
            if sp is not None:
                sgrs[len(texts)] = sp
            ts_out.append(e.timestamp)
            src_out.append(sid)
            texts.append(part)
    return out


class LineStore:
    """Every line of a log view, in ``(timestamp, seq)`` order, in chunks."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.names: list[str] = []  # source id -> label
        self._ids: dict[str, int] = {}
        self._seq = 0
        self._total = 0
        self.version = 0  # bumped on every change
        self._prefix: list[int] | None = None

    # ------------------------------------------------------------------ sources
    def source_id(self, label: str) -> int:
        sid = self._ids.get(label)
        if sid is None:
            sid = self._ids[label] = len(self.names)
            self.names.append(label)
        return sid

    # ------------------------------------------------------------------ size and positions
    def __len__(self) -> int:
        return self._total

    def prefix(self) -> list[int]:
        """``prefix[c]``: how many lines come before chunk ``c`` (and the total at the end)."""
        p = self._prefix
        if p is None:
            p = self._prefix = [0, *itertools.accumulate(len(c) for c in self.chunks)]
        return p

    def locate(self, i: int) -> tuple[Chunk, int]:
        """The chunk and the position in it of line ``i`` (0-based, negative from the end)."""
        n = self._total
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        p = self.prefix()
        c = bisect_right(p, i) - 1
        return self.chunks[c], i - p[c]

    def __getitem__(self, i: int) -> LogLine:
        chunk, j = self.locate(i)
        return chunk.get(j, self.names)

    def first_key(self) -> tuple[int, int] | None:
        if not self.chunks:
            return None
        c = self.chunks[0]
        return (c.ts[0], c.seq[0])

    def last_key(self) -> tuple[int, int] | None:
        if not self.chunks:
            return None
        c = self.chunks[-1]
        return (c.ts[-1], c.seq[-1])

    def find_key(self, key: tuple[int, int]) -> tuple[int, int]:
        """``(chunk index, position)`` of the first line at or after ``key`` (``(len(chunks), 0)`` past the end)."""
        ts, seq = key
        chunks = self.chunks
        lo, hi = 0, len(chunks)
        while lo < hi:  # the first chunk whose last key is >= key
            mid = (lo + hi) // 2
            c = chunks[mid]
            if (c.ts[-1], c.seq[-1]) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(chunks):
            return lo, 0
        c = chunks[lo]
        j = bisect_left(c.ts, ts)
        while j < len(c) and c.ts[j] == ts and c.seq[j] < seq:
            j += 1
        return lo, j

    # ------------------------------------------------------------------ adding
    def _changed(self) -> None:
        self.version += 1
        self._prefix = None

    def add(self, batch: Batch) -> bool:
        """Add cleaned lines (sorted by timestamp); returns True when they all went at the end."""
        n = len(batch)
        if not n:
            return True
        seq0 = self._seq
        self._seq += n
        seqs = range(seq0, seq0 + n)
        self._total += n
        self._changed()
        chunks = self.chunks
        ts = batch.ts
        if not chunks or ts[0] >= chunks[-1].ts[-1]:
            self._append(ts, seqs, batch.src, batch.texts, batch.sgr, 0, n)
            return True
        if ts[-1] < chunks[0].ts[0]:
            self._prepend(ts, seqs, batch.src, batch.texts, batch.sgr)
            return False
        # the general case: late events; the part at or after the newest line is appended, the rest merged
        last = chunks[-1].ts[-1]
        cut = bisect_left(ts, last) if ts[-1] >= last else n  # equal timestamps go after the lines held
        if cut < n:
            self._append(ts, seqs, batch.src, batch.texts, batch.sgr, cut, n)
        self._merge(ts, seqs, batch.src, batch.texts, batch.sgr, cut)
        return False

    def _append(
        self,
        ts: Sequence[int],
        seqs: Sequence[int],
        src: Sequence[int],
        texts: Sequence[str],
        sgr: dict[int, str],
        lo: int,
        hi: int,
    ) -> None:
        chunks = self.chunks
        while lo < hi:
            last = chunks[-1] if chunks else None
            if last is None or len(last) >= CHUNK:
                last = Chunk(array("q"), array("q"), array("H"), [])
                chunks.append(last)
            take = min(hi, lo + CHUNK - len(last))
            part_sgr = {k - lo: v for k, v in sgr.items() if lo <= k < take} if sgr else None
            last.extend(ts[lo:take], seqs[lo:take], src[lo:take], texts[lo:take], part_sgr)
            lo = take

    def _prepend(
        self,
        ts: Sequence[int],
        seqs: Sequence[int],
        src: Sequence[int],
        texts: Sequence[str],
        sgr: dict[int, str],
    ) -> None:
        n = len(ts)
        front: list[Chunk] = []
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            part_sgr = {k - lo: v for k, v in sgr.items() if lo <= k < hi} if sgr else None
            front.append(
                Chunk(
                    array("q", ts[lo:hi]),
                    array("q", seqs[lo:hi]),
                    array("H", src[lo:hi]),
                    texts[lo:hi],
                    part_sgr,
                )
            )
        # a small last piece is joined with the old first chunk, so small prepends do not leave small chunks
        if self.chunks and len(front[-1]) + len(self.chunks[0]) <= CHUNK:
            small = front.pop()
            self.chunks[0] = _joined([small, self.chunks[0]])
        self.chunks[0:0] = front

    def _merge(
        self,
        ts: Sequence[int],
        seqs: Sequence[int],
        src: Sequence[int],
        texts: Sequence[str],
        sgr: dict[int, str],
        hi: int,
    ) -> None:
        """Merge lines ``0:hi`` (older than the newest line held) into the chunks they belong in."""
        chunks = self.chunks
        lasts = [c.ts[-1] for c in chunks]
        groups: dict[int, list[int]] = {}
        for k in range(hi):
            c = bisect_right(lasts, ts[k])  # the first chunk whose last timestamp is later
            groups.setdefault(min(c, len(chunks) - 1), []).append(k)
        for c in sorted(groups, reverse=True):  # from the end, so the indices before stay valid
            old = chunks[c]
            o_ts, o_seq, o_src, o_texts = old.ts, old.seq, old.src, old.lines()
            o_sgr = old.sgr or {}
            m_ts, m_seq, m_src = array("q"), array("q"), array("H")
            m_texts: list[str] = []
            m_sgr: dict[int, str] = {}
            i = 0
            for k in groups[c]:
                t = ts[k]
                stop = bisect_right(o_ts, t, lo=i)
                for j in range(i, stop):
                    if j in o_sgr:
                        m_sgr[len(m_texts)] = o_sgr[j]
                    m_texts.append(o_texts[j])
                m_ts.extend(o_ts[i:stop])
                m_seq.extend(o_seq[i:stop])
                m_src.extend(o_src[i:stop])
                i = stop
                if k in sgr:
                    m_sgr[len(m_texts)] = sgr[k]
                m_ts.append(t)
                m_seq.append(seqs[k])
                m_src.append(src[k])
                m_texts.append(texts[k])
            for j in range(i, len(o_ts)):
                if j in o_sgr:
                    m_sgr[len(m_texts)] = o_sgr[j]
            m_texts.extend(o_texts[i:])
            m_ts.extend(o_ts[i:])
            m_seq.extend(o_seq[i:])
            m_src.extend(o_src[i:])
            merged = Chunk(m_ts, m_seq, m_src, m_texts, m_sgr)
            if len(merged) > 2 * CHUNK:
                half = len(merged) // 2
                chunks[c : c + 1] = [merged.part(0, half), merged.part(half, len(merged))]
            else:
                chunks[c] = merged

    def clear(self) -> None:
        self.chunks = []
        self._total = 0
        self._changed()

    def drop_oldest(self, extra: int) -> list[Chunk]:
        """Drop the ``extra`` oldest lines; returns the chunks as they were before (those dropped or cut)."""
        if extra <= 0:
            return []
        chunks = self.chunks
        gone: list[Chunk] = []
        left = extra
        while chunks and len(chunks[0]) <= left:
            left -= len(chunks[0])
            gone.append(chunks.pop(0))
        if left and chunks:
            gone.append(chunks[0])
            chunks[0] = chunks[0].part(left, len(chunks[0]))
        self._total -= extra
        self._changed()
        return gone

    # ------------------------------------------------------------------ reading
    def __iter__(self) -> Iterator[LogLine]:
        names = self.names
        for c in self.chunks:
            for j in range(len(c)):
                yield c.get(j, names)


def _joined(parts: list[Chunk]) -> Chunk:
    ts, seq, src = array("q"), array("q"), array("H")
    texts: list[str] = []
    sgr: dict[int, str] = {}
    for c in parts:
        if c.sgr:
            for j, s in c.sgr.items():
                sgr[len(texts) + j] = s
        ts.extend(c.ts)
        seq.extend(c.seq)
        src.extend(c.src)
        texts.extend(c.lines())
    return Chunk(ts, seq, src, texts, sgr)


class Lines(Sequence[LogLine]):
    """A read-only sequence of lines, each made when asked for (``view.lines``, ``view.visible_lines``)."""

    def __init__(self, length: int, get: Any, iterate: Any) -> None:
        self._len = length
        self._get = get
        self._iter = iterate

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> LogLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[LogLine]: ...
    def __getitem__(self, i: int | slice) -> LogLine | list[LogLine]:
        if isinstance(i, slice):
            return [self._get(k) for k in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return self._get(i)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[LogLine]:
        return iter(self._iter())
