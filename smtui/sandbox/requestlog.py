"""The sandbox's request log and AWS's request quotas: what was answered, how many of an operation
within any one second, and the sliding-window buckets that throttle above the real quotas."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

#: SigV4 signing names that differ from the client name
SIGNING_TO_CLIENT = {"monitoring": "cloudwatch"}

#: Real quotas, requests per second per account and region (aws-api-semantics.md).
THROTTLE_RATES: dict[tuple[str, str], float] = {
    ("logs", "FilterLogEvents"): 5.0,
    ("logs", "GetLogEvents"): 10.0,
    ("logs", "DescribeLogStreams"): 25.0,
    ("cloudtrail", "LookupEvents"): 2.0,
}
#: Every SageMaker List* operation (ListTrainingJobs is documented at 2/s, not adjustable).
SAGEMAKER_LIST_RATE = 2.0


def throttle_rate(service: str, operation: str) -> float | None:
    """The sandbox's quota for an operation, or ``None`` when it is not throttled."""
    rate = THROTTLE_RATES.get((service, operation))
    if rate is None and service == "sagemaker" and operation.startswith("List"):
        rate = SAGEMAKER_LIST_RATE
    return rate


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the sandbox answered. ``time`` is wall-clock epoch seconds, ``mono`` monotonic."""

    time: float
    service: str
    operation: str
    access_key: str
    status: int
    error: str | None = None  # the error code when the sandbox knows it (throttled, denied, recorded)
    source_ip: str = ""
    mono: float = 0.0

    @property
    def throttled(self) -> bool:
        return self.error == "ThrottlingException"


class Bucket:
    """At most ``rate`` accepted calls in any one second (a sliding window), as AWS's "N requests per
    second" quotas promise; a burst of N after a quiet second is accepted, the N+1st is throttled."""

    __slots__ = ("capacity", "accepted", "rate")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1, int(rate))
        self.accepted: deque[float] = deque()

    def take(self, now: float) -> bool:
        accepted = self.accepted
        while accepted and accepted[0] <= now - 1.0:
            accepted.popleft()
        if len(accepted) < self.capacity:
            accepted.append(now)
            return True
        return False


def count(
    requests: Iterable[RequestRecord],
    service: str,
    operation: str | None = None,
    *,
    throttled: bool | None = None,
) -> int:
    """Requests of ``service`` (and ``operation``); ``throttled`` True/False selects only those
    the sandbox throttled / let through."""
    service = SIGNING_TO_CLIENT.get(service, service)
    return sum(
        1
        for r in list(requests)
        if r.service == service
        and (operation is None or r.operation == operation)
        and (throttled is None or r.throttled == throttled)
    )


def max_per_second(
    requests: Iterable[RequestRecord], service: str, operation: str, *, include_throttled: bool = False
) -> int:
    """The most requests of one operation the sandbox accepted within any one second (sliding window;
    a microsecond of slack absorbs clock rounding at the window's edge)."""
    service = SIGNING_TO_CLIENT.get(service, service)
    times = sorted(
        r.mono
        for r in list(requests)
        if r.service == service and r.operation == operation and (include_throttled or not r.throttled)
    )
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0 + 1e-6:
            j += 1
        best = max(best, i - j + 1)
    return best
