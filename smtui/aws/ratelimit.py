"""Shared per-API token buckets, so that every pane together stays inside AWS's quotas.

One :class:`RateLimiter` belongs to an :class:`~smtui.aws.session.AwsSession`; every HTTP attempt
(retries included, because it hooks botocore's ``before-send``) takes a token from the bucket of its
operation. A throttling answer halves that bucket's rate (never below a floor); each success after
that recovers it a little (AIMD), back up to the documented quota.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: Documented quotas, requests per second per account and region (aws-api-semantics.md).
DEFAULT_RATES: dict[str, float] = {
    "logs.FilterLogEvents": 5.0,
    "logs.GetLogEvents": 10.0,
    "logs.DescribeLogStreams": 25.0,
    "logs.DescribeLogGroups": 5.0,
    "logs.StartQuery": 5.0,
    "logs.GetQueryResults": 5.0,
    "cloudtrail.LookupEvents": 2.0,
    "sagemaker.ListTrainingJobs": 2.0,
    "sagemaker.ListProcessingJobs": 2.0,
    "sagemaker.ListTransformJobs": 2.0,
    "sagemaker.ListEndpoints": 2.0,
    "sagemaker.ListDomains": 2.0,
    "cloudwatch.GetMetricData": 50.0,
}
#: Any other operation of a service.
SERVICE_DEFAULTS: dict[str, float] = {"sagemaker": 10.0, "logs": 10.0, "cloudtrail": 2.0}
FALLBACK_RATE = 10.0


@dataclass
class TokenBucket:
    """A token bucket whose rate can be lowered on throttling and recovers on success."""

    rate: float
    burst: float = 1.0
    floor: float = 0.2
    clock: Callable[[], float] = time.monotonic
    max_rate: float = field(init=False)
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.max_rate = self.rate
        self.tokens = self.burst
        self.updated = self.clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def delay(self) -> float:
        """Seconds until a token is available (0 when one is)."""
        self._refill()
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    async def acquire(self) -> float:
        """Wait for a token and take it. Returns the seconds waited. Callers are served in order."""
        waited = 0.0
        async with self._lock:
            while (d := self.delay()) > 0:
                await asyncio.sleep(d)
                waited += d
            self.tokens -= 1.0
        return waited

    def throttled(self) -> None:
        """The service said we are too fast: halve the rate and drain the bucket."""
        self.rate = max(self.floor, self.rate / 2)
        self.tokens = min(self.tokens, 0.0)

    def succeeded(self) -> None:
        if self.rate < self.max_rate:
            self.rate = min(self.max_rate, self.rate + self.max_rate / 20)


class RateLimiter:
    """Buckets keyed by ``service.Operation``: the client name (``logs``, ``sagemaker``, ``cloudwatch``) and API name."""

    def __init__(self, rates: dict[str, float] | None = None, *, enabled: bool = True) -> None:
        self.rates = dict(DEFAULT_RATES)
        if rates:
            self.rates.update(rates)
        self.enabled = enabled
        self._buckets: dict[str, TokenBucket] = {}
        #: every operation sent, for the read-only test and per-second counts in benchmarks
        self.sent: Counter[str] = Counter()
        self.timeline: deque[tuple[float, str]] = deque(maxlen=100_000)
        self.throttle_count: Counter[str] = Counter()

    def bucket(self, key: str) -> TokenBucket:
        b = self._buckets.get(key)
        if b is None:
            service = key.split(".", 1)[0]
            rate = self.rates.get(key) or SERVICE_DEFAULTS.get(service, FALLBACK_RATE)
            b = self._buckets[key] = TokenBucket(rate=rate)
        return b

    async def acquire(self, key: str) -> float:
        waited = await self.bucket(key).acquire() if self.enabled else 0.0
        self.sent[key] += 1
        self.timeline.append((time.monotonic(), key))
        return waited

    def throttled(self, key: str) -> None:
        self.throttle_count[key] += 1
        self.bucket(key).throttled()

    def succeeded(self, key: str) -> None:
        b = self._buckets.get(key)
        if b is not None:
            b.succeeded()

    def max_per_second(self, key: str) -> int:
        """The most requests of ``key`` sent in any one-second window (from the timeline)."""
        times = [t for t, k in self.timeline if k == key]
        best = 0
        j = 0
        for i, t in enumerate(times):
            while times[j] <= t - 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best
