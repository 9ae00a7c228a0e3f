"""A CloudWatch log event as smtui carries it, a stream of a resource, and time ranges typed by people."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


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


_PING = re.compile(r"\b(?:GET|POST|HEAD) /ping\b")


def is_health_check(message: str) -> bool:
    """True for an endpoint's ``/ping`` health-check access-log line (hidden by default)."""
    return "/ping" in message and _PING.search(message) is not None
