"""Writing what resources produce (log events, metric datapoints) straight into moto's backends, as the
SageMaker service does on AWS: nobody's API call, so nothing in the request log or CloudTrail.

The same validation as the API applies (events in time order, within 14 days back and 2 hours ahead).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

_lock = threading.Lock()
#: PutLogEvents' limits: 10,000 events and 1 MB (26 bytes of overhead per event) per batch
_BATCH_EVENTS = 10_000
_BATCH_BYTES = 1_000_000


def ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


class Output:
    """Log streams and metrics of one account and region."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self._streams: set[tuple[str, str]] = set()

    def _logs(self) -> Any:
        from moto.logs.models import logs_backends

        return logs_backends[self.account_id][self.region]

    def _cloudwatch(self) -> Any:
        from moto.cloudwatch.models import cloudwatch_backends

        return cloudwatch_backends[self.account_id][self.region]

    def stream(self, group: str, stream: str) -> None:
        """Create the group and the stream unless they exist."""
        if (group, stream) in self._streams:
            return
        backend = self._logs()
        with _lock:
            if group not in backend.groups:
                backend.create_log_group(group, {})
            if stream not in backend.groups[group].streams:
                backend.create_log_stream(group, stream)
        self._streams.add((group, stream))

    def put(self, group: str, stream: str, events: Iterable[tuple[dt.datetime, str]]) -> None:
        """Append ``events`` (time, message) to the stream, creating it when needed."""
        ordered = sorted(((ms(t), m) for t, m in events), key=lambda e: e[0])
        if not ordered:
            return
        self.stream(group, stream)
        backend = self._logs()
        batch: list[dict[str, Any]] = []
        size = 0
        for ts, message in ordered:
            n = len(message.encode("utf-8")) + 26
            if batch and (len(batch) >= _BATCH_EVENTS or size + n > _BATCH_BYTES):
                backend.put_log_events(group, stream, batch)
                batch, size = [], 0
            batch.append({"timestamp": ts, "message": message})
            size += n
        backend.put_log_events(group, stream, batch)

    def forget(self, group: str, stream: str) -> None:
        self._streams.discard((group, stream))

    def metrics(self, data: Iterable[tuple[str, str, dict[str, str], dt.datetime, float, str]]) -> None:
        """PutMetricData of (namespace, name, dimensions, time, value, unit) datapoints."""
        by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for namespace, name, dims, when, value, unit in data:
            by_namespace[namespace].append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    "Timestamp": when.astimezone(dt.UTC).replace(tzinfo=None),
                    "Value": value,
                    "Unit": unit,
                }
            )
        backend = self._cloudwatch()
        for namespace, items in by_namespace.items():
            backend.put_metric_data(namespace, items)
