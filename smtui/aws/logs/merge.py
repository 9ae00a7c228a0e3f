"""Merging many streams into one timeline: k-way merges that release events only when no stream can precede
them, and the fan-in that reads every stream at once without letting any run far ahead.

Streams arrive page by page (10,000 events a GetLogEvents page), each in timestamp order. An
:class:`Interleaver` (oldest first) or :class:`ReverseInterleaver` (newest first) keeps a buffer per stream
and releases, in order, what every stream still being read has got past (the watermark). :func:`fan_in`
reads the streams concurrently and feeds a merge; a stream that is a page or more ahead of the watermark
waits until the others catch up, so what is held is about a page per stream, whatever the job's size
(the headless ``smtui logs`` streams in constant memory).
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
from collections.abc import AsyncIterator, Callable

from smtui.aws.logs.events import LogEvent, _ts

#: A stream may read on while it holds fewer than this many events the merge cannot release yet.
AHEAD_LIMIT = 10_000


class _Merge:
    """What both k-way merges keep: a buffer and a read position per stream, and which are still open."""

    def __init__(self, n: int) -> None:
        self.buffers: list[list[LogEvent]] = [[] for _ in range(n)]
        self.position: list[int | None] = [None] * n  # the timestamp each stream has been read up to
        self.open = set(range(n))

    @property
    def done(self) -> bool:
        return not self.open

    def finish(self, i: int) -> list[LogEvent]:
        """Stream ``i`` has no more events: what that lets out."""
        self.open.discard(i)
        return self._release()

    def _release(self) -> list[LogEvent]:
        raise NotImplementedError

    #: the watermark is the least open stream's position when reading oldest first, the greatest newest first
    newest_first = False

    def add(self, i: int, events: list[LogEvent]) -> list[LogEvent]:
        """A page of stream ``i``: what that lets out."""
        raise NotImplementedError

    def may_read(self, i: int, limit: int) -> bool:
        """Whether stream ``i`` may read its next page: it holds fewer than ``limit`` events waiting, or
        it is the stream the others wait for."""
        if i not in self.open or self.position[i] is None or len(self.buffers[i]) < limit:
            return True
        ready, mark = self._watermark(max if self.newest_first else min)
        return ready and (mark is None or self.position[i] == mark)

    def _watermark(self, pick: Callable[[list[int]], int]) -> tuple[bool, int | None]:
        """``(False, None)`` while a stream still open has not been read at all; else ``(True, pick(the open
        streams' positions))``, or ``(True, None)`` once every stream is finished (everything may go)."""
        if not self.open:
            return True, None
        marks = [self.position[i] for i in self.open]
        if any(m is None for m in marks):
            return False, None
        return True, pick([m for m in marks if m is not None])

    @staticmethod
    def _merged(parts: list[list[LogEvent]]) -> list[LogEvent]:
        if len(parts) <= 1:
            return parts[0] if parts else []
        return list(heapq.merge(*parts, key=_ts))


class Interleaver(_Merge):
    """A k-way merge for streams that arrive page by page: releases, in timestamp order, the events that no
    stream still being read can precede."""

    def add(self, i: int, events: list[LogEvent]) -> list[LogEvent]:
        if events:
            if any(events[k].timestamp > events[k + 1].timestamp for k in range(len(events) - 1)):
                events.sort(key=_ts)
            self.buffers[i].extend(events)
            self.position[i] = events[-1].timestamp
        return self._release()

    def _release(self) -> list[LogEvent]:
        ready, watermark = self._watermark(min)  # release strictly before it
        if not ready:
            return []
        parts: list[list[LogEvent]] = []
        for i, buf in enumerate(self.buffers):
            if not buf:
                continue
            if watermark is None or buf[-1].timestamp < watermark:
                parts.append(buf)
                self.buffers[i] = []
            else:
                lo = bisect.bisect_left(buf, watermark, key=_ts)  # first event at or after the watermark
                if lo:
                    parts.append(buf[:lo])
                    self.buffers[i] = buf[lo:]
        return self._merged(parts)


class ReverseInterleaver(_Merge):
    """The :class:`Interleaver` for streams read newest first: releases, as ascending batches that each come
    before the previous one, the events that no stream still being read can follow."""

    newest_first = True

    def add(self, i: int, events: list[LogEvent]) -> list[LogEvent]:
        if events:
            events = sorted(events, key=_ts)
            self.buffers[i][0:0] = events
            self.position[i] = events[0].timestamp
        return self._release()

    def _release(self) -> list[LogEvent]:
        ready, watermark = self._watermark(max)  # release strictly after it
        if not ready:
            return []
        parts: list[list[LogEvent]] = []
        for i, buf in enumerate(self.buffers):
            if not buf:
                continue
            if watermark is None or buf[0].timestamp > watermark:
                parts.append(buf)
                self.buffers[i] = []
            else:
                lo = bisect.bisect_right(buf, watermark, key=_ts)  # first event after the watermark
                if lo < len(buf):
                    parts.append(buf[lo:])
                    self.buffers[i] = buf[:lo]
        return self._merged(parts)


async def fan_in(
    names: list[str],
    pages: Callable[[str], AsyncIterator[list[LogEvent]]],
    merger: _Merge,
    *,
    ahead: int | None = None,
) -> AsyncIterator[list[LogEvent]]:
    """Read every stream concurrently with ``pages(stream)`` and yield what ``merger`` releases, in order.

    A stream holding ``ahead`` events or more that the merge cannot release yet waits before its next
    page, unless it is the one holding the others back. A failure in any stream is raised here; the other
    readers are cancelled.
    """
    limit = AHEAD_LIMIT if ahead is None else ahead
    queue: asyncio.Queue[tuple[int, list[LogEvent] | None | BaseException]] = asyncio.Queue()
    turn = asyncio.Condition()

    async def pump(i: int, stream: str) -> None:
        try:
            async for events in pages(stream):
                await queue.put((i, events))
                async with turn:  # the page is handed over; read the next one when it may be merged soon
                    await turn.wait_for(lambda: merger.may_read(i, limit))
            await queue.put((i, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            await queue.put((i, exc))

    tasks = [asyncio.create_task(pump(i, s)) for i, s in enumerate(names)]
    try:
        while not merger.done:
            i, item = await queue.get()
            if isinstance(item, BaseException):
                raise item
            out = merger.finish(i) if item is None else merger.add(i, item)
            async with turn:
                turn.notify_all()
            if out:
                yield out
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
