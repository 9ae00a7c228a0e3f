"""CloudWatch metrics of one resource, fetched with ONE GetMetricData call per refresh. No Textual.

Namespaces, dimensions and units follow the SageMaker developer guide ("SageMaker AI Metrics and
Dimensions"):

- jobs: ``/aws/sagemaker/TrainingJobs`` (ProcessingJobs, TransformJobs), dimension ``Host`` =
  ``<job>/algo-<n>`` (training, processing) or ``<job>/<instance-id>`` (transform, discovered with
  ListMetrics once), metrics CPU/Memory/GPU/GPUMemory/Disk utilisation in Percent (no
  DiskUtilization for transform jobs);
- endpoints: ``AWS/SageMaker`` Invocations and Invocation4XX/5XXErrors (Sum, unit None),
  ModelLatency and OverheadLatency (Average, Microseconds), and instance metrics from
  ``/aws/sagemaker/Endpoints`` (Percent), all with dimensions ``EndpointName`` + ``VariantName``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smtui.aws import listing
from smtui.aws.listing import as_aware
from smtui.aws.resources import ResourceKind

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

ENDPOINT_INVOCATION_METRICS = (
    ("Invocations", "Sum", "None"),
    ("ModelLatency", "Average", "Microseconds"),
    ("OverheadLatency", "Average", "Microseconds"),
    ("Invocation4XXErrors", "Sum", "None"),
    ("Invocation5XXErrors", "Sum", "None"),
)
ENDPOINT_INSTANCE_METRICS = (
    "CPUUtilization",
    "MemoryUtilization",
    "DiskUtilization",
    "GPUUtilization",
    "GPUMemoryUtilization",
)
ENDPOINT_INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
#: percentages summed over an instance's cores or GPUs (0-400% on four GPUs), per the developer guide
PER_UNIT_PERCENT = frozenset({"CPUUtilization", "GPUUtilization", "GPUMemoryUtilization"})
#: the window shown: the last hours of the resource's life
WINDOW = dt.timedelta(hours=3)
#: GetMetricData accepts 500 queries per call
MAX_QUERIES = 500


@dataclass(frozen=True)
class MetricQuery:
    id: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str = "Average"
    unit: str | None = "Percent"
    #: what the row is about: the host (``algo-1``) or the variant (``AllTraffic``)
    label: str = ""

    def to_api(self, period: int) -> dict[str, Any]:
        stat: dict[str, Any] = {
            "Metric": {
                "Namespace": self.namespace,
                "MetricName": self.metric,
                "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
            },
            "Period": period,
            "Stat": self.stat,
        }
        if self.unit:
            stat["Unit"] = self.unit
        return {
            "Id": self.id,
            "MetricStat": stat,
            "Label": f"{self.metric} {self.label}".strip(),
            "ReturnData": True,
        }


@dataclass
class Series:
    query: MetricQuery
    timestamps: list[dt.datetime] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def peak(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def scale(self) -> tuple[float, float]:
        """The range a chart of this series spans, so that a chart reads the same from one refresh to the next.

        Percentages have a fixed one: 0-100% for memory and disk, and for CPU and GPU utilisation (100% a
        core or a GPU, summed over them) 0 to the next multiple of 100% above the peak; counts and latencies
        run from 0 to their peak."""
        peak = self.peak or 0.0
        if self.query.unit == "Percent":
            if self.query.metric in PER_UNIT_PERCENT:
                return 0.0, max(100.0, math.ceil(peak / 100.0) * 100.0)
            return 0.0, 100.0
        return 0.0, peak


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    period: int

    def describe(self) -> str:
        """``last 3h, a point per 3m`` (or ``… to 14:05 UTC`` when it ended earlier)."""
        span = listing.span((self.end - self.start).total_seconds())
        ended = (
            "" if listing.utcnow() - self.end < dt.timedelta(minutes=10) else f" to {listing.iso(self.end)}"
        )
        return f"{span}{ended}, a point per {listing.span(self.period)}"


def window_for(
    kind: ResourceKind, describe: Mapping[str, Any], now: dt.datetime | None = None, points: int = 60
) -> Window:
    """The last ``WINDOW`` of the resource's life (ending now while it runs), at a period that gives
    about ``points`` points, a multiple of 60 s."""
    now = now or listing.utcnow()
    status = describe.get(kind.status_field) or ""
    end = now
    if kind.end_field and not kind.is_in_progress(status):
        end = as_aware(describe.get(kind.end_field)) or as_aware(describe.get("LastModifiedTime")) or now
    end = min(end, now)
    created = (
        as_aware(
            (describe.get(kind.start_field) if kind.start_field else None) or describe.get("CreationTime")
        )
        or end - WINDOW
    )
    start = max(created, end - WINDOW) if kind.end_field else end - WINDOW
    if end - start < dt.timedelta(minutes=10):
        start = end - dt.timedelta(minutes=10)
    seconds = (end - start).total_seconds()
    period = max(60, int(math.ceil(seconds / points / 60.0)) * 60)
    # align to the period so consecutive refreshes ask for the same buckets
    start = dt.datetime.fromtimestamp(int(start.timestamp()) // period * period, dt.UTC)
    end = dt.datetime.fromtimestamp(int(math.ceil(end.timestamp() / period)) * period, dt.UTC)
    return Window(start, end, period)


def job_hosts(kind: ResourceKind, name: str, describe: Mapping[str, Any]) -> list[str]:
    """Host dimension values of a training or processing job: ``<job>/algo-1`` .. ``algo-N``."""
    return [f"{name}/{kind.host_label_fmt.format(n=i)}" for i in range(1, kind.instances(describe) + 1)]


async def discover_hosts(aws: AwsSession, kind: ResourceKind, name: str) -> list[str]:
    """Host values of a transform job (``<job>/<instance-id>``), from ListMetrics (one listing)."""
    hosts: list[str] = []
    prefix = f"{name}/"
    async for page in aws.pages(
        "cloudwatch",
        "list_metrics",
        Namespace=kind.metrics_namespace,
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "Host"}],
    ):
        for metric in page.get("Metrics") or []:
            for d in metric.get("Dimensions") or []:
                value = d.get("Value") or ""
                if d.get("Name") == "Host" and value.startswith(prefix) and value not in hosts:
                    hosts.append(value)
    return sorted(hosts)


def job_queries(kind: ResourceKind, hosts: Sequence[str]) -> list[MetricQuery]:
    out = []
    for m_i, metric in enumerate(kind.metric_names):
        for h_i, host in enumerate(hosts):
            short = host.split("/", 1)[1] if "/" in host else host
            out.append(
                MetricQuery(
                    f"m{m_i}h{h_i}",
                    kind.metrics_namespace,
                    metric,
                    (("Host", host),),
                    "Average",
                    "Percent",
                    short,
                )
            )
    return out[:MAX_QUERIES]


def endpoint_queries(name: str, variants: Sequence[str]) -> list[MetricQuery]:
    out = []
    for v_i, variant in enumerate(variants):
        dims = (("EndpointName", name), ("VariantName", variant))
        for m_i, (metric, stat, unit) in enumerate(ENDPOINT_INVOCATION_METRICS):
            out.append(MetricQuery(f"i{m_i}v{v_i}", "AWS/SageMaker", metric, dims, stat, unit, variant))
        for m_i, metric in enumerate(ENDPOINT_INSTANCE_METRICS):
            out.append(
                MetricQuery(
                    f"e{m_i}v{v_i}", ENDPOINT_INSTANCE_NAMESPACE, metric, dims, "Average", "Percent", variant
                )
            )
    return out[:MAX_QUERIES]


def request(queries: Sequence[MetricQuery], window: Window) -> dict[str, Any]:
    """The GetMetricData parameters for all ``queries`` in one call."""
    return {
        "MetricDataQueries": [q.to_api(window.period) for q in queries],
        "StartTime": window.start,
        "EndTime": window.end,
        "ScanBy": "TimestampAscending",
    }


async def fetch(aws: AwsSession, queries: Sequence[MetricQuery], window: Window) -> list[Series]:
    """One GetMetricData call for every query (its NextToken is followed only when a reply is cut)."""
    by_id = {q.id: Series(q) for q in queries}
    if not queries:
        return []
    params = request(queries, window)
    async for page in aws.pages("cloudwatch", "get_metric_data", **params):
        for result in page.get("MetricDataResults") or []:
            series = by_id.get(result.get("Id") or "")
            if series is None:
                continue
            pairs = sorted(
                zip(result.get("Timestamps") or [], result.get("Values") or [], strict=False),
                key=lambda p: p[0],
            )
            for t, v in pairs:
                series.timestamps.append(t)
                series.values.append(float(v))
    return list(by_id.values())


def format_value(value: float | None, unit: str | None, stat: str = "Average") -> str:
    """A metric value as a person reads it: ``31%``, ``12.5 ms``, and counts (``Sum``) as whole numbers."""
    if value is None:
        return "–"
    if stat == "Sum":
        return f"{value:,.0f}"
    if unit == "Percent":
        return f"{value:.0f}%"
    if unit == "Microseconds":
        return f"{value / 1000:.1f} ms" if value >= 1000 else f"{value:.0f} µs"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


async def queries_for(
    aws: AwsSession,
    kind: ResourceKind,
    name: str,
    describe: Mapping[str, Any],
    related: Mapping[str, Mapping[str, Any]] | None = None,
    hosts: list[str] | None = None,
) -> tuple[list[MetricQuery], list[str] | None]:
    """The queries of ``kind``'s metrics plan for one resource, and the hosts discovered (kept by the caller:
    ListMetrics is asked once). No plan: no queries."""
    if kind.metrics_plan == "variants":
        variants = [v.get("VariantName") for v in describe.get("ProductionVariants") or []]
        if not variants:  # still Creating: the configured ones
            for answer in (related or {}).values():
                variants = [v.get("VariantName") for v in answer.get("ProductionVariants") or []]
        return endpoint_queries(name, [v for v in variants if v]), hosts
    if kind.metrics_plan == "discovered-hosts":
        hosts = hosts or await discover_hosts(aws, kind, name)
        return job_queries(kind, hosts), hosts
    if kind.metrics_plan == "hosts":
        return job_queries(kind, job_hosts(kind, name, describe)), hosts
    return [], hosts
