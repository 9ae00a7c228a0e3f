"""Following a resource's logs: sources of new events, de-duplication, retries.

- A :class:`LogSource` follows new events. :class:`PollingSource` polls FilterLogEvents with a start time
  that overlaps the newest event seen, de-duplicating on eventId (memory bounded by that time window, not
  by a count), so late-arriving events are delivered once and in order. :class:`LiveTailSource` uses
  StartLiveTail (push) and reconnects when a session ends.
- Throttled, failed or expired requests pause and retry with backoff; each pause is reported through the
  ``notice`` callback so the view can say so, and nothing already delivered is lost.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from smtui.aws.errors import AwsError
from smtui.aws.logs.events import LogEvent, StreamInfo, _ts

Notice = Callable[[str], None]


class ResourceLogs(Protocol):
    """What a source needs of a resource's logs (:class:`smtui.aws.logs.resource.ResourceLogs` is one)."""

    aws: Any
    group: str
    prefix: str
    pattern: str | None
    notice: Notice

    def owns(self, stream: str) -> bool: ...

    def label(self, stream: str) -> str: ...

    def filter_pages(
        self, *, start_ms: int | None = None, end_ms: int | None = None, sort: bool = True
    ) -> AsyncIterator[list[LogEvent]]: ...

    async def streams(self) -> list[StreamInfo]: ...


#: How often PollingSource asks for new events when nothing is pending (seconds).
POLL_INTERVAL = 1.0
#: The least overlap between one poll's start time and the newest event already seen (ms).
MIN_OVERLAP_MS = 5_000
#: The most overlap, however late events arrive (ms).
MAX_OVERLAP_MS = 120_000
#: How often the streams are listed again while following (seconds).
DISCOVER_INTERVAL = 15.0


class Deduper:
    """Remembers the events already delivered whose timestamps are still inside the overlap window.

    Events with an eventId are remembered by it; events without (GetLogEvents history, Live Tail) by
    (stream, timestamp, message) with a count, so two identical lines logged in the same millisecond are
    both kept. :meth:`forget_before` drops everything older than the window: memory follows the event rate
    times the window, not a fixed count.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.keys: Counter[tuple[str, int, str]] = Counter()
        #: True: a remembered key hides one later copy (a history line seen again by a poll). False: it hides
        #: every later copy (Live Tail, whose sessions and catch-ups can deliver an event more than twice).
        self.consume = True

    def __len__(self) -> int:
        return len(self.ids) + len(self.keys)

    def remember(self, event: LogEvent) -> None:
        if event.event_id:
            self.ids[event.event_id] = event.timestamp
        else:
            self.keys[event.key()] += 1

    def admit(self, event: LogEvent) -> bool:
        """True the first time an event is seen (and remembers it)."""
        eid = event.event_id
        if eid is not None:
            if eid in self.ids:
                return False
            self.ids[eid] = event.timestamp
        if self.keys:
            k = event.key()
            n = self.keys.get(k)
            if n:
                if not self.consume:
                    return False
                if n == 1:
                    del self.keys[k]
                else:
                    self.keys[k] = n - 1
                return False
        if eid is None:
            self.keys[event.key()] += 1
        return True

    def forget_before(self, cutoff_ms: int) -> None:
        if self.ids:
            self.ids = {k: ts for k, ts in self.ids.items() if ts >= cutoff_ms}
        if self.keys:
            self.keys = Counter({k: n for k, n in self.keys.items() if k[1] >= cutoff_ms})


class LogSource(Protocol):
    """Something that delivers new events of a resource, in batches sorted by timestamp, until cancelled."""

    def batches(self) -> AsyncIterator[list[LogEvent]]: ...


def _backoff(attempt: int, cap: float = 30.0) -> float:
    return float(min(cap, 2.0 ** min(attempt, 6))) * (0.75 + random.random() / 2)


def _retryable(err: AwsError) -> bool:
    """Failures worth waiting out: throttling, expired credentials, network trouble, server errors."""
    if err.is_throttling or err.is_expired:
        return True
    if err.code in (
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "TimeoutError",
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "InternalFailure",
        "SessionTimeoutException",
        "SessionStreamingException",
        "ClientConnectorError",
    ):
        return True
    return bool(err.http_status and err.http_status >= 500)


class PollingSource:
    """Follows a resource by polling FilterLogEvents (5 requests/s per account: the session's shared rate
    limiter paces every pane together).

    Each poll starts ``overlap`` before the newest event seen, so events that arrive late (ingested after
    newer ones were already visible) are still found; eventIds already delivered are dropped. The overlap
    grows with the lateness actually observed (ingestionTime - timestamp), within bounds.
    """

    def __init__(
        self,
        logs: ResourceLogs,
        start_ms: int,
        *,
        deduper: Deduper | None = None,
        interval: float = POLL_INTERVAL,
        min_overlap_ms: int = MIN_OVERLAP_MS,
        notice: Notice | None = None,
        floor_ms: int | None = None,
    ) -> None:
        self.logs = logs
        self.newest = start_ms
        #: polls never start before this (events before it were shown, or are not wanted)
        self.floor = start_ms - min_overlap_ms if floor_ms is None else floor_ms
        self.dedupe = deduper or Deduper()
        self.interval = interval
        self.min_overlap = min_overlap_ms
        self.lag = 0
        self.notice = notice or logs.notice
        self.polls = 0

    @property
    def overlap_ms(self) -> int:
        return max(self.min_overlap, min(MAX_OVERLAP_MS, self.lag + 2_000))

    async def poll_once(self) -> list[LogEvent]:
        """One poll: every page of FilterLogEvents from the overlapping start time, new events only."""
        logs = self.logs
        start = max(self.floor, min(self.newest, int(time.time() * 1000)) - self.overlap_ms)
        # never start before an earlier poll did: the ids from before that were forgotten
        start = self.floor = max(start, self.floor)
        new: list[LogEvent] = []
        async for page in logs.filter_pages(start_ms=start):
            for e in page:
                lag = e.ingestion - e.timestamp
                if lag > self.lag:
                    self.lag = lag
                if self.dedupe.admit(e):
                    new.append(e)
        self.polls += 1
        if new:
            new.sort(key=_ts)
            if new[-1].timestamp > self.newest:
                self.newest = new[-1].timestamp
        self.dedupe.forget_before(start)
        return new

    async def batches(self) -> AsyncIterator[list[LogEvent]]:
        failures = 0
        while True:
            began = time.monotonic()
            refreshes = self.logs.aws.refreshes
            try:
                batch = await self.poll_once()
            except AwsError as err:
                if refreshes != self.logs.aws.refreshes:
                    continue  # the old session's failure: its clients were closed under it; try the new one
                if not _retryable(err) and not err.is_not_found:
                    raise
                failures += 1
                delay = _backoff(failures)
                if err.is_not_found:
                    self.notice(f"No log group {self.logs.group} yet: checking again in {delay:.0f}s")
                else:
                    self.notice(f"{err.one_line()}: retrying in {delay:.0f}s")
                await self.logs.aws.pause(delay, since=refreshes)  # ends early when credentials are refreshed
                continue
            if failures:
                failures = 0
                self.notice("")
            if batch:
                yield batch
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - began)))


class LiveTailSource:
    """Follows a resource with StartLiveTail (events pushed about every second).

    A session ends after 3 hours (SessionTimeoutException) or when the service closes it; the source then
    starts a new one. Each session begins with a FilterLogEvents catch-up from the newest event delivered, so
    the moments between sessions (and between the history and the first session) leave no gap. Live Tail
    events carry no eventId, so events are remembered by (stream, timestamp, message) within a time window.
    """

    def __init__(
        self,
        logs: ResourceLogs,
        start_ms: int,
        *,
        deduper: Deduper | None = None,
        notice: Notice | None = None,
        min_session_s: float = 5.0,
        floor_ms: int | None = None,
    ) -> None:
        self.logs = logs
        self.start_ms = start_ms
        self.floor = start_ms - MIN_OVERLAP_MS if floor_ms is None else floor_ms
        self.newest = start_ms
        self.dedupe = deduper or Deduper()
        self.dedupe.consume = False
        self.notice = notice or logs.notice
        self.min_session_s = min_session_s
        self.sessions = 0
        self._session_ms = 0
        self.sampled = False

    async def _group_arn(self) -> str:
        page = await self.logs.aws.call("logs", "describe_log_groups", logGroupNamePrefix=self.logs.group)
        for g in page.get("logGroups", []):
            if g.get("logGroupName") == self.logs.group:
                arn = g.get("logGroupArn") or g.get("arn") or ""
                return arn[:-2] if arn.endswith(":*") else arn
        raise AwsError(
            "ResourceNotFoundException",
            f"The log group {self.logs.group} does not exist.",
            operation="DescribeLogGroups",
            service="logs",
        )

    def _events(self, results: list[dict[str, Any]]) -> list[LogEvent]:
        logs = self.logs
        out = []
        for r in results:
            stream = r.get("logStreamName") or ""
            if not logs.owns(stream):
                continue
            e = LogEvent(
                int(r.get("timestamp") or 0),
                r.get("message") or "",
                stream,
                logs.label(stream),
                int(r.get("ingestionTime") or 0),
            )
            # a session pushes what is ingested after it starts; anything ingested well before (a replay)
            # was covered by the catch-up or the history
            if e.ingestion and e.ingestion < self._session_ms - 60_000:
                continue
            if e.timestamp >= self.floor and self.dedupe.admit(e):
                out.append(e)
        out.sort(key=_ts)
        return out

    async def _catch_up(self) -> list[LogEvent]:
        out: list[LogEvent] = []
        async for page in self.logs.filter_pages(start_ms=max(self.floor, self.newest - MIN_OVERLAP_MS)):
            for e in page:
                e.event_id = None  # Live Tail events have no id: remember these the same way
                if self.dedupe.admit(e):
                    out.append(e)
        out.sort(key=_ts)
        return out

    async def session(self) -> AsyncIterator[list[LogEvent]]:
        """One Live Tail session, until the service ends it."""
        from smtui.aws.errors import from_exception

        arn = await self._group_arn()
        params: dict[str, Any] = {"logGroupIdentifiers": [arn]}
        if self.logs.prefix:
            params["logStreamNamePrefixes"] = [self.logs.prefix]
        if self.logs.pattern:
            params["logEventFilterPattern"] = self.logs.pattern
        resp = await self.logs.aws.call("logs", "start_live_tail", **params)
        self.sessions += 1
        self._session_ms = int(time.time() * 1000)
        # A session only pushes what arrives after it started: fill the gap since the newest event delivered
        # (the end of the history, or the previous session) with FilterLogEvents, once per session.
        caught = await self._catch_up()
        if caught:
            self.newest = max(self.newest, caught[-1].timestamp)
            yield caught
        try:
            async for item in resp["responseStream"]:
                update = item.get("sessionUpdate")
                if not update:
                    continue
                self.sampled = bool((update.get("sessionMetadata") or {}).get("sampled"))
                batch = self._events(update.get("sessionResults") or [])
                if batch:
                    self.newest = max(self.newest, batch[-1].timestamp)
                    self.dedupe.forget_before(self.newest - MAX_OVERLAP_MS)
                    yield batch
        except AwsError:
            raise
        except Exception as exc:  # EventStreamError: SessionTimeoutException, SessionStreamingException
            raise from_exception(exc, service="logs", operation="StartLiveTail") from exc

    async def batches(self) -> AsyncIterator[list[LogEvent]]:
        failures = 0
        while True:
            began = time.monotonic()
            refreshes = self.logs.aws.refreshes
            try:
                async for batch in self.session():
                    failures = 0
                    yield batch
                self.notice("Live Tail session ended: reconnecting")
            except AwsError as err:
                if refreshes != self.logs.aws.refreshes:
                    continue  # the old session's failure (its clients were closed under it): start a new one
                if not _retryable(err) and not err.is_not_found:
                    raise
                failures += 1
                self.notice(f"{err.one_line()}: reconnecting")
            self.dedupe.forget_before(self.newest - MAX_OVERLAP_MS)
            lasted = time.monotonic() - began
            delay = _backoff(failures) if failures else max(0.0, self.min_session_s - lasted)
            await self.logs.aws.pause(delay, since=refreshes)  # ends early when credentials are refreshed


def prefers_live_tail(aws: Any) -> bool:
    """Live Tail only where the real service runs it (no custom endpoint_url)."""
    target = getattr(aws, "target", None)
    return not getattr(target, "endpoint_url", None)


async def discover_forever(
    logs: ResourceLogs, on_streams: Callable[[list[StreamInfo]], None], *, interval: float = DISCOVER_INTERVAL
) -> None:
    """List the streams every ``interval`` seconds (restarted or new instances start new streams)."""
    failures = 0
    while True:
        refreshes = logs.aws.refreshes
        try:
            on_streams(await logs.streams())
            failures = 0
            await asyncio.sleep(interval)
        except AwsError as err:
            if refreshes != logs.aws.refreshes:
                continue  # the old session's failure (its clients were closed under it): list again now
            if not _retryable(err):
                raise
            failures += 1
            await logs.aws.pause(_backoff(failures), since=refreshes)
