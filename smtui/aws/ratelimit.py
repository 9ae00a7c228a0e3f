"""Shared per-API rate windows, so that every pane together stays inside AWS's quotas.

One :class:`RateLimiter` belongs to an :class:`~smtui.aws.session.AwsSession`; every HTTP attempt
(retries included, because it hooks botocore's ``before-send``) waits for room in the window of its
operation. A throttling answer halves that window's rate (never below a floor); each success after
that recovers it a little (AIMD), back up to the documented quota.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from smtui.aws.resources import KINDS

#: Documented quotas, requests per second per account and region (aws-api-semantics.md).
DEFAULT_RATES: dict[str, float] = {
    "logs.FilterLogEvents": 5.0,
    "logs.GetLogEvents": 10.0,
    "logs.DescribeLogStreams": 25.0,
    "logs.DescribeLogGroups": 5.0,
    "logs.StartQuery": 5.0,
    "logs.GetQueryResults": 5.0,
    "cloudtrail.LookupEvents": 2.0,
    **{f"sagemaker.{kind.list_api}": kind.list_rate for kind in KINDS},  # each kind's List call (2/s)
    "sagemaker.ListDomains": 2.0,
    "cloudwatch.GetMetricData": 50.0,
}
#: Any other operation of a service.
SERVICE_DEFAULTS: dict[str, float] = {"sagemaker": 10.0, "logs": 10.0, "cloudtrail": 2.0}
FALLBACK_RATE = 10.0


@dataclass
class RateWindow:
    """At most ``rate`` requests in any window of ``window`` seconds (a sliding window).

    This is what "N requests per second" promises, and unlike a one-token bucket it lets a burst of
    up to N requests go at once after a quiet second (16 GetLogEvents pages need about 1 s, not
    1.5 s). ``window`` is a little over a second so that jitter on the way to the service never puts
    N+1 arrivals inside one second. Below one request per second (after throttling) requests are
    spaced ``1/rate`` apart. A throttling answer halves the rate (never below ``floor``) and pauses
    the window; each success afterwards recovers it a little (AIMD), back up to the quota.
    """

    rate: float
    floor: float = 0.2
    window: float = 1.05
    clock: Callable[[], float] = time.monotonic
    max_rate: float = field(init=False)

    def __post_init__(self) -> None:
        self.max_rate = self.rate
        self._sent: deque[float] = deque()
        self._not_before = 0.0
        self._lock = asyncio.Lock()

    @property
    def capacity(self) -> int:
        return max(1, int(self.rate))

    def delay(self) -> float:
        """Seconds until a request may be sent (0 when it may go now)."""
        now = self.clock()
        sent = self._sent
        while sent and sent[0] <= now - self.window:
            sent.popleft()
        wait = max(0.0, self._not_before - now)
        if len(sent) >= self.capacity:
            wait = max(wait, sent[-self.capacity] + self.window - now)
        if self.rate < 1.0 and sent:
            wait = max(wait, sent[-1] + 1.0 / self.rate - now)
        return wait

    async def acquire(self) -> float:
        """Wait until a request may be sent and count it. Returns the seconds waited. FIFO."""
        waited = 0.0
        async with self._lock:
            while (d := self.delay()) > 0:
                await asyncio.sleep(d)
                waited += d
            self._sent.append(self.clock())
        return waited

    def throttled(self) -> None:
        """The service said we are too fast: halve the rate and pause for one interval."""
        self.rate = max(self.floor, self.rate / 2)
        self._not_before = self.clock() + 1.0 / self.rate

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
        self._buckets: dict[str, RateWindow] = {}
        #: every operation sent, for the read-only test and per-second counts in benchmarks
        self.sent: Counter[str] = Counter()
        self.timeline: deque[tuple[float, str]] = deque(maxlen=100_000)
        self.throttle_count: Counter[str] = Counter()

    def bucket(self, key: str) -> RateWindow:
        b = self._buckets.get(key)
        if b is None:
            service = key.split(".", 1)[0]
            rate = self.rates.get(key) or SERVICE_DEFAULTS.get(service, FALLBACK_RATE)
            b = self._buckets[key] = RateWindow(rate=rate)
        return b

    def holding(self, key: str, more_than: float = 0.1) -> bool:
        """True while the next ``key`` request would wait more than ``more_than`` seconds for its window."""
        return self.enabled and self.bucket(key).delay() > more_than

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
