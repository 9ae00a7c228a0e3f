"""CloudWatch Logs of one SageMaker resource: stream discovery, history, follow, interleaving, de-duplication.

No Textual here (the TUI's log view and the headless ``smtui logs`` both use this module), and no
aiobotocore at module level.

- :class:`ResourceLogs` resolves a resource to its documented log group and stream prefix, lists its
  streams with DescribeLogStreams (by prefix, 50 a page, every page) and keeps only the streams the
  resource owns (``train`` never shows ``train-2``'s lines, even where the service ignores the prefix).
- :meth:`ResourceLogs.history` fetches a time range with GetLogEvents per stream, concurrently, following
  ``nextForwardToken`` until it repeats, and yields batches that are already interleaved in timestamp
  order (a k-way merge that only releases events older than every unfinished stream's position); with a
  filter pattern it pages FilterLogEvents instead.
- :meth:`ResourceLogs.tail` reads the newest events first (GetLogEvents backwards per stream, interleaved the
  same way), up to a number of lines, so a view opens at the end of a long log at once.
- A :class:`LogSource` follows new events. :class:`PollingSource` polls FilterLogEvents with a start time
  that overlaps the newest event seen, de-duplicating on eventId (memory bounded by that time window, not
  by a count), so late-arriving events are delivered once and in order. :class:`LiveTailSource` uses
  StartLiveTail (push) and reconnects when a session ends.
- Throttled, failed or expired requests pause and retry with backoff; each pause is reported through the
  ``notice`` callback so the view can say so, and nothing already delivered is lost.

GetLogEvents and FilterLogEvents responses are JSON of plain strings and integers, so their bodies are
decoded with ``json.loads`` and handed over as they are, instead of walking botocore's shape parser for
every event (most of the client's time for a large history). Everything else about the call (signing,
retries, the shared rate limiter, errors) is botocore's.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import json
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from smtui.aws.errors import AwsError
from smtui.aws.resources import ResourceKind

Notice = Callable[[str], None]

#: GetLogEvents returns at most this many events a page.
PAGE_LIMIT = 10_000
#: How often PollingSource asks for new events when nothing is pending (seconds).
POLL_INTERVAL = 1.0
#: The least overlap between one poll's start time and the newest event already seen (ms).
MIN_OVERLAP_MS = 5_000
#: The most overlap, however late events arrive (ms).
MAX_OVERLAP_MS = 120_000
#: How often the streams are listed again while following (seconds).
DISCOVER_INTERVAL = 15.0

_FAST_OPS = ("GetLogEvents", "FilterLogEvents")


class LogEvent:
    """One CloudWatch log event (``message`` as the service sent it: clean it before display)."""

    __slots__ = ("event_id", "ingestion", "message", "source", "stream", "timestamp")

    def __init__(
        self,
        timestamp: int,
        message: str,
        stream: str,
        source: str,
        ingestion: int = 0,
        event_id: str | None = None,
    ) -> None:
        self.timestamp = timestamp
        self.message = message
        self.stream = stream
        self.source = source
        self.ingestion = ingestion
        self.event_id = event_id

    def key(self) -> tuple[str, int, str]:
        """What identifies an event that has no eventId (GetLogEvents, Live Tail)."""
        return (self.stream, self.timestamp, self.message)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "timestamp": self.timestamp,
            "source": self.source,
            "stream": self.stream,
            "message": self.message,
        }
        if self.ingestion:
            out["ingestionTime"] = self.ingestion
        if self.event_id:
            out["eventId"] = self.event_id
        return out

    def __repr__(self) -> str:
        return f"LogEvent({self.timestamp}, {self.source!r}, {self.message[:40]!r})"


def _ts(e: LogEvent) -> int:
    return e.timestamp


@dataclass
class StreamInfo:
    """A log stream of the resource."""

    name: str
    source: str
    created: int | None = None
    first_event: int | None = None
    last_event: int | None = None


# ---------------------------------------------------------------------------------------- time ranges
def parse_time(text: str, *, now_ms: int | None = None, local: bool = False) -> int:
    """``5m``, ``1h``, ``2d`` (ago), an epoch in ms or s, or an ISO date/time (UTC unless it says otherwise,
    or local time with ``local=True``), as epoch ms: the one time grammar, :mod:`smtui.aws.timegrammar`.
    Raises ``ValueError`` with a sentence a person can act on."""
    from smtui.aws.timegrammar import parse_when

    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    when = parse_when(text, now=datetime.fromtimestamp(now_ms / 1000, UTC), local=local)
    return round(when.timestamp() * 1000)


def epoch_ms(value: Any) -> int | None:
    """A datetime (as botocore returns them) or epoch number, as epoch milliseconds."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp() * 1000)
    if isinstance(value, (int, float)):
        return int(value if value > 10**11 else value * 1000)
    return None


def resource_start_ms(describe: Mapping[str, Any] | None) -> int | None:
    """When the resource started (or was created), from its Describe response."""
    if not describe:
        return None
    for key in ("TrainingStartTime", "ProcessingStartTime", "TransformStartTime", "CreationTime"):
        ms = epoch_ms(describe.get(key))
        if ms:
            return ms
    return None


def resource_end_ms(describe: Mapping[str, Any] | None) -> int | None:
    if not describe:
        return None
    for key in ("TrainingEndTime", "ProcessingEndTime", "TransformEndTime"):
        ms = epoch_ms(describe.get(key))
        if ms:
            return ms
    return None


def expected_instances(describe: Mapping[str, Any] | None) -> int | None:
    """How many instances a job runs on (ResourceConfig, instance groups, cluster config), if known."""
    if not describe:
        return None
    rc = describe.get("ResourceConfig") or {}
    if rc.get("InstanceGroups"):
        return sum(int(g.get("InstanceCount") or 0) for g in rc["InstanceGroups"]) or None
    if rc.get("InstanceCount"):
        return int(rc["InstanceCount"])
    cluster = (describe.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    if cluster.get("InstanceCount"):
        return int(cluster["InstanceCount"])
    tr = describe.get("TransformResources") or {}
    if tr.get("InstanceCount"):
        return int(tr["InstanceCount"])
    return None


_ALGO = re.compile(r"^algo-(\d+)$")


def instances_not_logged(describe: Mapping[str, Any] | None, sources: Iterable[str]) -> list[str]:
    """Hosts that should exist but have no stream yet (``algo-3``), or ``"2 instances"`` when hosts have no
    predictable names (transform jobs)."""
    n = expected_instances(describe)
    if not n:
        return []
    hosts = {s.split("/", 1)[0] for s in sources}
    algo = {h for h in hosts if _ALGO.match(h)}
    if algo or not hosts:
        if describe and ("TransformResources" in describe):
            return [f"{n} instance{'s' if n != 1 else ''}"] if not hosts else []
        return [f"algo-{i}" for i in range(1, n + 1) if f"algo-{i}" not in algo]
    missing = n - len(hosts)
    return [f"{missing} instance{'s' if missing != 1 else ''}"] if missing > 0 else []


# ---------------------------------------------------------------------------------------- fast parsing
def _fast_parse(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    """botocore ``before-parse`` hook: decode a successful GetLogEvents/FilterLogEvents body with json.loads.

    The shapes of both answers are plain strings, integers and booleans, so the result equals botocore's;
    only the per-event walk through the shape model is skipped. Errors go through botocore as usual.
    """
    if response_dict.get("status_code") != 200:
        return
    body = response_dict.get("body")
    if not isinstance(body, (bytes, bytearray)) or not body:
        return
    try:
        data = json.loads(body)
    except ValueError:
        return
    if isinstance(data, dict):
        customized_response_dict.update(data)
        response_dict["body"] = b"{}"


async def install_fast_parse(aws: Any) -> None:
    """Register :func:`_fast_parse` on the session's logs client (once)."""
    client = await aws.client("logs")
    if getattr(client, "_smtui_fast_parse", False):
        return
    for op in _FAST_OPS:
        client.meta.events.register(f"before-parse.cloudwatch-logs.{op}", _fast_parse)
    client._smtui_fast_parse = True


# ---------------------------------------------------------------------------------------- de-duplication
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


# ---------------------------------------------------------------------------------------- sources
class LogSource(Protocol):
    """Something that delivers new events of a resource, in batches sorted by timestamp, until cancelled."""

    def batches(self) -> AsyncIterator[list[LogEvent]]: ...


def _backoff(attempt: int, cap: float = 30.0) -> float:
    return min(cap, 1.0 * 2 ** min(attempt, 6)) * (0.75 + random.random() / 2)


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
            try:
                batch = await self.poll_once()
            except AwsError as err:
                if not _retryable(err) and not err.is_not_found:
                    raise
                failures += 1
                delay = _backoff(failures)
                if err.is_not_found:
                    self.notice(f"No log group {self.logs.group} yet: checking again in {delay:.0f}s")
                else:
                    self.notice(f"{err.one_line()}: retrying in {delay:.0f}s")
                await self.logs.aws.pause(delay)  # ends early when credentials are refreshed
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
            try:
                async for batch in self.session():
                    failures = 0
                    yield batch
                self.notice("Live Tail session ended: reconnecting")
            except AwsError as err:
                if not _retryable(err) and not err.is_not_found:
                    raise
                failures += 1
                self.notice(f"{err.one_line()}: reconnecting")
            self.dedupe.forget_before(self.newest - MAX_OVERLAP_MS)
            lasted = time.monotonic() - began
            delay = _backoff(failures) if failures else max(0.0, self.min_session_s - lasted)
            await self.logs.aws.pause(delay)  # ends early when credentials are refreshed


# ---------------------------------------------------------------------------------------- the resource
class ResourceLogs:
    """The CloudWatch logs of one resource: its group, its streams, their history and new events."""

    def __init__(
        self,
        aws: Any,
        kind: ResourceKind,
        name: str,
        *,
        pattern: str | None = None,
        notice: Notice | None = None,
        concurrency: int = 8,
    ) -> None:
        self.aws = aws
        self.kind = kind
        self.name = name
        self.group = kind.log_group(name)
        self.prefix = kind.stream_prefix(name)
        self.pattern = pattern or None
        self.notice: Notice = notice or (lambda _msg: None)
        self.concurrency = concurrency
        self._labels: dict[str, str] = {}

    def owns(self, stream: str) -> bool:
        return self.kind.owns_stream(self.name, stream)

    def label(self, stream: str) -> str:
        lab = self._labels.get(stream)
        if lab is None:
            lab = self._labels[stream] = self.kind.source_label(self.name, stream)
        return lab

    async def describe(self) -> dict[str, Any]:
        """The resource's Describe response (raises AwsError, ``is_not_found`` when it does not exist)."""
        return await self.aws.call(
            "sagemaker", self.kind.describe_op, **{self.kind.describe_param: self.name}
        )

    async def streams(self) -> list[StreamInfo]:
        """Every stream of the resource (DescribeLogStreams by prefix, 50 a page, all pages).

        A missing log group means nothing has logged yet: an empty list.
        """
        params: dict[str, Any] = {"logGroupName": self.group, "limit": 50}
        if self.prefix:
            params["logStreamNamePrefix"] = self.prefix
        out: list[StreamInfo] = []
        try:
            async for page in self.aws.pages(
                "logs", "describe_log_streams", token_in="nextToken", token_out="nextToken", **params
            ):
                for s in page.get("logStreams") or []:
                    name = s.get("logStreamName") or ""
                    if self.owns(name):
                        out.append(
                            StreamInfo(
                                name,
                                self.label(name),
                                s.get("creationTime"),
                                s.get("firstEventTimestamp"),
                                s.get("lastEventTimestamp"),
                            )
                        )
        except AwsError as err:
            if err.is_not_found:
                return []
            raise
        return out

    # ------------------------------------------------------------------ history
    async def _stream_pages(
        self,
        stream: str,
        start_ms: int | None,
        end_ms: int | None,
        sem: asyncio.Semaphore,
        *,
        backwards: bool = False,
        budget: int | None = None,
    ) -> AsyncIterator[list[LogEvent]]:
        """A stream's events page by page (each page ascending): oldest first, following
        nextForwardToken until it repeats; or with ``backwards`` newest first, following
        nextBackwardToken until ``budget`` events or the beginning of the stream."""
        params: dict[str, Any] = {
            "logGroupName": self.group,
            "logStreamName": stream,
            "startFromHead": not backwards,
            "limit": PAGE_LIMIT,
        }
        if start_ms is not None:
            params["startTime"] = max(0, start_ms)
        if end_ms is not None:
            params["endTime"] = end_ms
        token_key = "nextBackwardToken" if backwards else "nextForwardToken"
        label = self.label(stream)
        seen: set[str] = set()
        got = 0
        while budget is None or got < budget:
            async with sem:
                page = await self.aws.call("logs", "get_log_events", **params)
            raw = page.get("events") or ()
            # endTime is exclusive in CloudWatch; drop an event at endTime if a server includes it
            events = [
                LogEvent(e["timestamp"], e.get("message") or "", stream, label, e.get("ingestionTime") or 0)
                for e in raw
                if end_ms is None or e["timestamp"] < end_ms
            ]
            if events:
                got += len(events)
                yield events
            token = page.get(token_key)
            if not token or token == params.get("nextToken") or token in seen:
                return
            seen.add(token)
            params["nextToken"] = token

    async def _merged(self, names: list[str], pages: Any, merger: Any) -> AsyncIterator[list[LogEvent]]:
        """Read every stream concurrently with ``pages(stream)`` and yield what ``merger`` (an
        :class:`Interleaver` or :class:`ReverseInterleaver`) releases, in order. A failure in any
        stream is raised here; the other readers are cancelled."""
        queue: asyncio.Queue[tuple[int, list[LogEvent] | None | BaseException]] = asyncio.Queue()

        async def pump(i: int, stream: str) -> None:
            try:
                async for events in pages(stream):
                    await queue.put((i, events))
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
                if out:
                    yield out
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def history(
        self, start_ms: int | None = None, end_ms: int | None = None, *, streams: Iterable[str] | None = None
    ) -> AsyncIterator[list[LogEvent]]:
        """Every event between ``start_ms`` (inclusive) and ``end_ms`` (exclusive), interleaved.

        Yields batches in timestamp order as soon as every stream still being read has got past them.
        With a filter pattern, pages FilterLogEvents (which interleaves on the service's side).
        """
        await install_fast_parse(self.aws)
        if self.pattern:
            async for batch in self.filter_pages(start_ms=start_ms, end_ms=end_ms, sort=True):
                wanted = None if streams is None else set(streams)
                if wanted is not None:
                    batch = [e for e in batch if e.stream in wanted]
                if batch:
                    yield batch
            return
        names = [s.name for s in await self.streams()] if streams is None else list(streams)
        if not names:
            return
        sem = asyncio.Semaphore(self.concurrency)
        async for out in self._merged(
            names, lambda s: self._stream_pages(s, start_ms, end_ms, sem), Interleaver(len(names))
        ):
            yield out

    async def tail(
        self,
        start_ms: int | None = None,
        end_ms: int | None = None,
        *,
        limit: int = 200_000,
        streams: Iterable[str] | None = None,
    ) -> AsyncIterator[tuple[list[LogEvent], bool]]:
        """The newest events between ``start_ms`` and ``end_ms`` (about ``limit`` of them), newest batches first.

        Yields ``(batch, complete)``: each batch is in timestamp order and older than every batch before it;
        ``complete`` is False on the last batch when some stream still has older events (there is more to
        load with :meth:`history`). For a view that shows the end of a long log at once.
        """
        await install_fast_parse(self.aws)
        names = [s.name for s in await self.streams()] if streams is None else list(streams)
        if not names:
            return
        budget = max(PAGE_LIMIT, limit // len(names))
        sem = asyncio.Semaphore(self.concurrency)
        truncated = False

        async def pages(stream: str) -> AsyncIterator[list[LogEvent]]:
            nonlocal truncated
            got = 0
            async for events in self._stream_pages(
                stream, start_ms, end_ms, sem, backwards=True, budget=budget
            ):
                got += len(events)
                yield events
            if got >= budget:
                truncated = True

        merger = ReverseInterleaver(len(names))
        async for out in self._merged(names, pages, merger):
            yield out, (merger.done and not truncated)

    async def filter_pages(
        self, *, start_ms: int | None = None, end_ms: int | None = None, sort: bool = True
    ) -> AsyncIterator[list[LogEvent]]:
        """Every page of FilterLogEvents for the resource (its prefix, its pattern), own streams only."""
        await install_fast_parse(self.aws)
        params: dict[str, Any] = {"logGroupName": self.group}
        if self.prefix:
            params["logStreamNamePrefix"] = self.prefix
        if start_ms is not None:
            params["startTime"] = max(0, start_ms)
        if end_ms is not None:
            params["endTime"] = end_ms
        if self.pattern:
            params["filterPattern"] = self.pattern
        owns, label = self.owns, self.label
        async for page in self.aws.pages(
            "logs", "filter_log_events", token_in="nextToken", token_out="nextToken", **params
        ):
            events = [
                LogEvent(
                    e["timestamp"],
                    e.get("message") or "",
                    s,
                    label(s),
                    e.get("ingestionTime") or 0,
                    e.get("eventId"),
                )
                for e in page.get("events") or ()
                if owns(s := e.get("logStreamName") or "") and (end_ms is None or e["timestamp"] < end_ms)
            ]
            if sort:
                events.sort(key=_ts)
            yield events

    # ------------------------------------------------------------------ follow
    def follow(
        self,
        start_ms: int,
        *,
        live_tail: bool | None = None,
        deduper: Deduper | None = None,
        interval: float = POLL_INTERVAL,
        floor_ms: int | None = None,
    ) -> LogSource:
        """A source of new events from ``start_ms``: Live Tail on real AWS, polling against a custom endpoint
        (the sandbox), unless ``live_tail`` says which. Events before ``floor_ms`` (default: ``start_ms``
        less the overlap) are never delivered."""
        if live_tail is None:
            live_tail = prefers_live_tail(self.aws)
        if live_tail:
            return LiveTailSource(self, start_ms, deduper=deduper, floor_ms=floor_ms)
        return PollingSource(self, start_ms, deduper=deduper, interval=interval, floor_ms=floor_ms)


def prefers_live_tail(aws: Any) -> bool:
    """Live Tail only where the real service runs it (no custom endpoint_url)."""
    target = getattr(aws, "target", None)
    return not getattr(target, "endpoint_url", None)


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


async def discover_forever(
    logs: ResourceLogs, on_streams: Callable[[list[StreamInfo]], None], *, interval: float = DISCOVER_INTERVAL
) -> None:
    """List the streams every ``interval`` seconds (restarted or new instances start new streams)."""
    failures = 0
    while True:
        try:
            on_streams(await logs.streams())
            failures = 0
            await asyncio.sleep(interval)
        except AwsError as err:
            if not _retryable(err):
                raise
            failures += 1
            await logs.aws.pause(_backoff(failures))


_PING = re.compile(r"\b(?:GET|POST|HEAD) /ping\b")


def is_health_check(message: str) -> bool:
    """True for an endpoint's ``/ping`` health-check access-log line (hidden by default)."""
    return "/ping" in message and _PING.search(message) is not None


def default_since(
    kind: ResourceKind, describe: Mapping[str, Any] | None, now_ms: int | None = None
) -> int | None:
    """Where a log view starts when the user has not said: a job's whole log, an endpoint's last hour."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if kind.stream_prefix_fmt:  # jobs: their logs are bounded by the job
        return None
    return now_ms - 3_600_000
