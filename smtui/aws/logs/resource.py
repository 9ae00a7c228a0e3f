"""The CloudWatch logs of one SageMaker resource: its group and streams, history, the newest lines, follow.

- :class:`ResourceLogs` resolves a resource to its documented log group and stream prefix (from its
  :class:`~smtui.aws.resources.ResourceKind`), lists its streams with DescribeLogStreams (by prefix, 50 a
  page, every page) and keeps only the streams the resource owns (``train`` never shows ``train-2``'s
  lines, even where the service ignores the prefix).
- :meth:`ResourceLogs.history` fetches a time range with GetLogEvents per stream, concurrently, following
  ``nextForwardToken`` until it repeats, and yields batches already interleaved in timestamp order
  (:mod:`smtui.aws.logs.merge`); with a filter pattern it pages FilterLogEvents instead.
- :meth:`ResourceLogs.tail` reads the newest events first (GetLogEvents backwards per stream, interleaved the
  same way), up to a number of lines, so a view opens at the end of a long log at once.
- :meth:`ResourceLogs.follow` gives a :class:`~smtui.aws.logs.sources.LogSource` of new events.

What differs between kinds (when a resource started, how many instances log, how their streams are
labelled) comes from the kind, so a new kind in the registry needs nothing here.

GetLogEvents and FilterLogEvents responses are JSON of plain strings and integers, so their bodies are
decoded with ``json.loads`` and handed over as they are, instead of walking botocore's shape parser for
every event (most of the client's time for a large history). Everything else about the call (signing,
retries, the shared rate limiter, errors) is botocore's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from smtui.aws.errors import AwsError
from smtui.aws.logs.events import LogEvent, StreamInfo, _ts, epoch_ms
from smtui.aws.logs.merge import Interleaver, ReverseInterleaver, fan_in
from smtui.aws.logs.sources import (
    POLL_INTERVAL,
    Deduper,
    LiveTailSource,
    LogSource,
    Notice,
    PollingSource,
    prefers_live_tail,
)
from smtui.aws.resources import ResourceKind
from smtui.text import clean

#: GetLogEvents returns at most this many events a page.
PAGE_LIMIT = 10_000

_FAST_OPS = ("GetLogEvents", "FilterLogEvents")


# ---------------------------------------------------------------------------------------- what the kind says
def resource_start_ms(kind: ResourceKind, describe: Mapping[str, Any] | None) -> int | None:
    """When the resource started (or was created), from its Describe response."""
    if not describe:
        return None
    for key in (kind.start_field, "CreationTime"):
        ms = epoch_ms(describe.get(key)) if key else None
        if ms:
            return ms
    return None


def resource_end_ms(kind: ResourceKind, describe: Mapping[str, Any] | None) -> int | None:
    """When it ended (jobs), from its Describe response."""
    if not describe or not kind.end_field:
        return None
    return epoch_ms(describe.get(kind.end_field))


def expected_instances(kind: ResourceKind, describe: Mapping[str, Any] | None) -> int | None:
    """How many instances it runs on, if the kind says and the Describe response has it."""
    if not describe or kind.instance_count is None:
        return None
    return kind.instance_count(describe)


def instances_not_logged(
    kind: ResourceKind, describe: Mapping[str, Any] | None, sources: Iterable[str]
) -> list[str]:
    """Hosts that should exist but have no stream yet (``algo-3``), or ``"2 instances"`` when hosts have no
    predictable names (transform jobs: instance ids)."""
    n = expected_instances(kind, describe)
    if not n:
        return []
    hosts = {"/".join(s.split("/")[: kind.host_parts]) for s in sources}
    if kind.host_label_fmt:
        return [h for h in (kind.host_label_fmt.format(n=i) for i in range(1, n + 1)) if h not in hosts]
    missing = n - len(hosts)
    return [f"{missing} instance{'s' if missing != 1 else ''}"] if missing > 0 else []


def default_since(
    kind: ResourceKind, describe: Mapping[str, Any] | None, now_ms: int | None = None
) -> int | None:
    """Where a log view starts when the user has not said: a job's whole log, an endpoint's last hour; for
    one no longer serving (Failed, OutOfService), the hour before it last changed, where its last words are."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if kind.bounded_logs or kind.log_window is None:  # it ends (a job), or is read whole: no start
        return None
    window = int(kind.log_window * 1000)
    if describe and not kind.keeps_logging(str(describe.get(kind.status_field) or "")):
        changed = describe.get("LastModifiedTime")
        if isinstance(changed, dt.datetime):
            aware = changed if changed.tzinfo else changed.replace(tzinfo=dt.UTC)
            return min(now_ms, int(aware.timestamp() * 1000)) - window
    return now_ms - window


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
        #: False while the group's name waits for the Describe answer (a HyperPod cluster's has its id)
        self._group_known = not kind.log_group_needs_describe
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
            # stream names may hold any character but : and * (control sequences too): labels are shown
            lab = self._labels[stream] = clean(self.kind.source_label(self.name, stream))
        return lab

    async def describe(self) -> dict[str, Any]:
        """The resource's Describe response (raises AwsError, ``is_not_found`` when it does not exist)."""
        answer: dict[str, Any] = await self.aws.call(
            "sagemaker", self.kind.describe_op, **self.kind.describe_params(self.name)
        )
        if self.kind.log_group_needs_describe:
            self.group = self.kind.log_group(self.name, answer)
            self._group_known = True
        return answer

    async def streams(self) -> list[StreamInfo]:
        """Every stream of the resource (DescribeLogStreams by prefix, 50 a page, all pages).

        A missing log group means nothing has logged yet: an empty list.
        """
        if not self._group_known:
            await self.describe()
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
        async for out in fan_in(
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
        async for out in fan_in(names, pages, merger):
            yield out, (merger.done and not truncated)

    async def filter_pages(
        self, *, start_ms: int | None = None, end_ms: int | None = None, sort: bool = True
    ) -> AsyncIterator[list[LogEvent]]:
        """Every page of FilterLogEvents for the resource (its prefix, its pattern), own streams only."""
        await install_fast_parse(self.aws)
        if not self._group_known:
            await self.describe()
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
