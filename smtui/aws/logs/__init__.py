"""CloudWatch Logs of one SageMaker resource: stream discovery, history, follow, interleaving, de-duplication.

No Textual here (the TUI's log view and the headless ``smtui logs`` both use this package), and no
aiobotocore at import time.

- :mod:`~smtui.aws.logs.events`: the event smtui carries, a stream, time ranges typed by people;
- :mod:`~smtui.aws.logs.resource`: a resource's group and streams, its history and newest lines, what its
  kind says about it (start, instances, labels);
- :mod:`~smtui.aws.logs.merge`: many streams merged into one timeline, each read only a page ahead;
- :mod:`~smtui.aws.logs.sources`: following (FilterLogEvents polling, Live Tail), de-duplication, retries.
"""

from __future__ import annotations

from smtui.aws.logs.events import LogEvent, StreamInfo, epoch_ms, is_health_check, parse_time
from smtui.aws.logs.merge import Interleaver, ReverseInterleaver, fan_in
from smtui.aws.logs.resource import (
    PAGE_LIMIT,
    ResourceLogs,
    default_since,
    expected_instances,
    install_fast_parse,
    instances_not_logged,
    resource_end_ms,
    resource_start_ms,
)
from smtui.aws.logs.sources import (
    DISCOVER_INTERVAL,
    MAX_OVERLAP_MS,
    MIN_OVERLAP_MS,
    POLL_INTERVAL,
    Deduper,
    LiveTailSource,
    LogSource,
    Notice,
    PollingSource,
    discover_forever,
    prefers_live_tail,
)

__all__ = [
    "DISCOVER_INTERVAL",
    "MAX_OVERLAP_MS",
    "MIN_OVERLAP_MS",
    "PAGE_LIMIT",
    "POLL_INTERVAL",
    "Deduper",
    "Interleaver",
    "LiveTailSource",
    "LogEvent",
    "LogSource",
    "Notice",
    "PollingSource",
    "ResourceLogs",
    "ReverseInterleaver",
    "StreamInfo",
    "default_since",
    "discover_forever",
    "epoch_ms",
    "expected_instances",
    "fan_in",
    "install_fast_parse",
    "instances_not_logged",
    "is_health_check",
    "parse_time",
    "prefers_live_tail",
    "resource_end_ms",
    "resource_start_ms",
]
