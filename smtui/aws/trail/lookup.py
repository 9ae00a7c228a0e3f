"""Scanning CloudTrail's event history with LookupEvents, for a time window and at most one exact lookup
attribute, newest first, 50 events a page, 2 requests/s for the whole account; and a resource's history.

LookupEvents cannot filter on sourceIdentity, so :func:`scan` yields each page's parsed events and the
filtering happens on the client (:mod:`smtui.aws.trail.filters`). Cancel the task to stop a scan.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from smtui.aws.errors import AwsError
from smtui.aws.timegrammar import fmt_span
from smtui.aws.trail.events import DEFAULT_WINDOW, RETENTION, SAGEMAKER_SOURCE, TrailEvent
from smtui.aws.trail.parse import parse_event

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

#: LookupEvents returns at most 50 events a page.
PAGE_SIZE = 50
#: Seconds from one LookupEvents answer to the scan's next request: never more than 2 arrivals a second.
MIN_INTERVAL = 0.5
#: The eight lookup attributes; LookupEvents takes exactly one.
LOOKUP_ATTRIBUTES = (
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
)


@dataclass(frozen=True)
class TrailQuery:
    """A LookupEvents scan: a time window and at most one exact server-side attribute.

    When several of ``event_name``, ``resource_name``, ``username``, ``event_source`` are set, the most
    selective one goes to the server (event id, event name, resource name, user name, event source)
    and the others are checked on the client, exactly.
    """

    start: datetime
    end: datetime
    event_source: str | None = SAGEMAKER_SOURCE
    event_name: str | None = None
    resource_name: str | None = None
    username: str | None = None
    event_id: str | None = None

    @classmethod
    def last(
        cls, window: timedelta = DEFAULT_WINDOW, *, now: datetime | None = None, **kw: Any
    ) -> TrailQuery:
        now = now or datetime.now(UTC)
        window = min(window, RETENTION)
        return cls(start=now - window, end=now, **kw)

    def lookup_attribute(self) -> tuple[str, str] | None:
        for key, value in (
            ("EventId", self.event_id),
            ("EventName", self.event_name),
            ("ResourceName", self.resource_name),
            ("Username", self.username),
            ("EventSource", self.event_source),
        ):
            if value:
                return key, value
        return None

    def params(self, page_size: int = PAGE_SIZE) -> dict[str, Any]:
        p: dict[str, Any] = {
            "StartTime": self.start,
            "EndTime": self.end,
            "MaxResults": max(1, min(PAGE_SIZE, page_size)),
        }
        attr = self.lookup_attribute()
        if attr:
            p["LookupAttributes"] = [{"AttributeKey": attr[0], "AttributeValue": attr[1]}]
        return p

    def accepts(self, ev: TrailEvent) -> bool:
        """The client-side check of every constraint (the server applied only one of them)."""
        if self.event_source and ev.source and ev.source != self.event_source:
            return False
        if self.event_name and ev.name != self.event_name:
            return False
        if self.resource_name and not names_resource(ev, self.resource_name):
            return False
        if self.username and ev.username and ev.username != self.username:
            return False
        return not (self.event_id and ev.event_id != self.event_id)

    def describe(self) -> str:
        attr = self.lookup_attribute()
        what = f"{attr[0]}={attr[1]}" if attr else "all events"
        return f"{what}, {fmt_span(self.end - self.start)} to {self.end:%Y-%m-%d %H:%M} UTC"


def names_resource(ev: TrailEvent, name: str) -> bool:
    """True when ``ev`` touched the resource called ``name``: in its lookup resources, its record's
    resources, a ``*Name`` request parameter, or an ARN ending in ``/name`` (SageMaker lowercases ARNs)."""
    if not name:
        return True
    low = name.lower()
    for _, n in ev.resources:
        if n == name or n.lower().endswith("/" + low):
            return True
    if ev.resource == name:
        return True
    raw = ev.raw or {}
    for part in ("requestParameters", "responseElements"):
        obj = raw.get(part)
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                if not isinstance(value, str) or not isinstance(key, str):
                    continue
                if key.endswith("Name") and value == name:
                    return True
                if key.endswith("Arn") and value.lower().endswith("/" + low):
                    return True
    return False


@dataclass
class ScanProgress:
    """How far a scan has got: shown as the pane's progress line."""

    start: datetime
    end: datetime
    pages: int = 0
    scanned: int = 0
    matched: int = 0
    oldest: datetime | None = None
    done: bool = False
    cancelled: bool = False
    error: AwsError | None = None
    status: str = ""  # server-side queries: QUEUED, RUNNING, Complete, ...
    via: str = "LookupEvents"
    #: server-side queries: what the service says of the query (Athena: data scanned, time)
    detail: str = ""
    #: something the user should know about the source (a table without sourceIdentity)
    note: str = ""

    @property
    def covered(self) -> timedelta:
        if self.done and not self.cancelled and self.error is None:
            return self.end - self.start
        if self.oldest is None:
            return timedelta(0)
        return max(timedelta(0), min(self.end, self.end) - max(self.oldest, self.start))

    @property
    def fraction(self) -> float:
        span = (self.end - self.start).total_seconds()
        return 1.0 if span <= 0 else min(1.0, self.covered.total_seconds() / span)

    def line(self) -> str:
        span = self.end - self.start
        if self.via != "LookupEvents":
            head = f"{self.via}: {self.status or 'starting'}"
            parts = [head, self.detail or f"{self.scanned:,} events", f"{self.matched:,} shown"]
            parts.append(f"window {fmt_span(span)}")
        else:
            parts = [
                f"{self.pages} page{'s' if self.pages != 1 else ''}",
                f"{self.scanned:,} events scanned",
                f"{self.matched:,} kept",
                f"{fmt_span(self.covered)} of {fmt_span(span)} covered ({self.fraction:.0%})",
            ]
        if self.error is not None:
            parts.append(f"stopped: {self.error.code}")
        elif self.cancelled:
            parts.append("cancelled")
        elif self.done:
            parts.append("done")
        else:
            parts.append("loading…" if self.via == "LookupEvents" else "running…")
        return " · ".join(parts)


async def scan(
    aws: AwsSession,
    query: TrailQuery,
    *,
    page_size: int = PAGE_SIZE,
    limit: int | None = None,
    min_interval: float = MIN_INTERVAL,
) -> AsyncIterator[tuple[list[TrailEvent], ScanProgress]]:
    """Page through LookupEvents for ``query``, newest first, yielding (kept events, progress) per page.

    Pacing is the session's (LookupEvents is limited to 2 requests/s for the whole app), plus
    ``min_interval`` from each answer to the next request: AWS counts requests as they arrive, and
    sending exactly every 0.5 s lets network jitter put three arrivals inside one second (measured
    against the sandbox), while waiting from the answer keeps arrivals more than 0.5 s apart.
    Throttling is retried by the session. Cancel the task to stop; an :class:`AwsError` is raised after the
    pages already yielded, and ``progress.error`` is set.
    """
    progress = ScanProgress(start=query.start, end=query.end)
    params = query.params(page_size)
    seen_tokens: set[str] = set()
    loop = asyncio.get_running_loop()
    last = -1e9
    try:
        while True:
            wait = last + min_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            page = await aws.call("cloudtrail", "lookup_events", **params)
            last = loop.time()  # from the answer: the next request arrives > 0.5 s after this one did
            items = page.get("Events") or []
            progress.pages += 1
            progress.scanned += len(items)
            kept: list[TrailEvent] = []
            for item in items:
                ev = parse_event(item)
                if ev.time is not None and (progress.oldest is None or ev.time < progress.oldest):
                    progress.oldest = ev.time
                if query.accepts(ev):
                    kept.append(ev)
            progress.matched += len(kept)
            token = str(page.get("NextToken") or "")
            if not token or token in seen_tokens or (limit is not None and progress.scanned >= limit):
                progress.done = True
                if limit is not None and progress.scanned >= limit and token:
                    progress.cancelled = True
                    progress.status = f"stopped at the limit of {limit:,} events"
            yield kept, progress
            if progress.done:
                return
            seen_tokens.add(token)
            params["NextToken"] = token
    except asyncio.CancelledError:
        progress.cancelled = True
        raise
    except AwsError as err:
        progress.error = err
        raise


async def resource_history(
    aws: AwsSession,
    name: str,
    *,
    start: datetime,
    end: datetime,
    event_source: str | None = SAGEMAKER_SOURCE,
    fallback: bool = True,
    limit: int | None = None,
) -> AsyncIterator[tuple[list[TrailEvent], ScanProgress, str]]:
    """A resource's CloudTrail history: LookupEvents ResourceName=<name> first (exact, fast), then the
    EventSource window scanned on the client for events that name it (CloudTrail fills ``Resources``
    for only some SageMaker calls). Yields (new events, progress, phase); events are de-duplicated."""
    seen: set[str] = set()
    q1 = TrailQuery(start=start, end=end, event_source=None, resource_name=name)
    async for kept, progress in scan(aws, q1, limit=limit):
        new = [
            e
            for e in kept
            if _first(e, seen) and (not event_source or not e.source or e.source == event_source)
        ]
        yield new, progress, "ResourceName"
    if not fallback:
        return
    q2 = TrailQuery(start=start, end=end, event_source=event_source or SAGEMAKER_SOURCE)
    named = 0
    async for kept, progress in scan(aws, q2, limit=limit):
        new = [e for e in kept if names_resource(e, name) and _first(e, seen)]
        named += len(new)
        progress.matched = named  # "kept" in the progress line: events that name the resource
        yield new, progress, "EventSource"


def _first(ev: TrailEvent, seen: set[str]) -> bool:
    key = ev.event_id or f"{ev.time}|{ev.name}|{ev.principal}"
    if key in seen:
        return False
    seen.add(key)
    return True
