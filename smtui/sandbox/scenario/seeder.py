"""The seed's tools: API clients as each person of the team, the account's history written at the time it
happened (CloudTrail's eventTime through :meth:`Recorder.at`), log streams and metric series written as
SageMaker writes them (quietly: they are nobody's API calls), and the state the scenario leaves behind."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from smtui.sandbox import instances
from smtui.sandbox.account import ADMIN_KEY, ADMIN_SECRET, REGION


@dataclass
class ScenarioState:
    """What the seed made: when, the people's credentials, and each resource's log streams."""

    seeded_at: dt.datetime
    identities: dict[str, dict[str, str]]
    streams: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (kind, name) -> streams


def ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


def spread(start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    if n <= 1:
        return [start]
    step = (end - start) / (n - 1)
    return [start + step * i for i in range(n)]


def naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def bulk_client(sb: Any, service: str) -> Any:
    """A quiet boto3 client for the seed's bulk writes (logs, metrics): as ``sb.boto3_client`` but without
    botocore's client-side parameter validation, which costs more than the call itself on 1,000-datum
    PutMetricData batches. Same API, same wire format, same server; not in CloudTrail."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        service,
        region_name=getattr(sb, "region", REGION),
        endpoint_url=sb.url,
        aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET,
        config=Config(
            parameter_validation=False,
            disable_request_compression=True,
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
    )
    token = getattr(sb, "token", "")

    def add_headers(request: Any, **_: Any) -> None:
        request.headers["x-smtui-sandbox-token"] = token
        request.headers["x-smtui-sandbox-quiet"] = token

    client.meta.events.register("before-sign", add_headers)
    return client


def put_events(logs: Any, group: str, stream: str, events: Iterable[tuple[dt.datetime, str]]) -> None:
    """PutLogEvents in chronological batches under the 10,000-event / 1 MB limits."""
    batch: list[dict[str, Any]] = []
    size = 0
    ordered = sorted(((ms(t), m) for t, m in events), key=lambda e: e[0])
    for ts, msg in ordered:
        n = len(msg.encode("utf-8")) + 26
        if batch and (len(batch) >= 10_000 or size + n > 1_000_000):
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
            batch, size = [], 0
        batch.append({"timestamp": ts, "message": msg})
        size += n
    if batch:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)


class Seeder:
    def __init__(self, sb: Any, now: dt.datetime) -> None:
        self.sb = sb
        self.now = now
        self.rng = random.Random(20261127)
        self.logs = bulk_client(sb, "logs")
        self.cw = bulk_client(sb, "cloudwatch")
        self.groups: set[str] = set()
        self.metrics: dict[str, list[dict[str, Any]]] = {}
        self.clients: dict[str, Any] = {}
        self.state: ScenarioState = ScenarioState(seeded_at=now, identities={})

    @property
    def engine(self) -> Any:
        """The sandbox's lifecycles (None when its driver is off: then the scenario stands still)."""
        return getattr(self.sb, "engine", None)

    @contextlib.contextmanager
    def at(self, when: dt.datetime) -> Iterator[None]:
        with self.sb.recorder.at(when):
            yield

    def sm(self, who: str) -> Any:
        return self.clients[who]

    # --- logs

    def stream(self, group: str, stream: str, events: Iterable[tuple[dt.datetime, str]]) -> None:
        if group not in self.groups:
            with contextlib.suppress(self.logs.exceptions.ResourceAlreadyExistsException):
                self.logs.create_log_group(logGroupName=group)
            self.groups.add(group)
        self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        put_events(self.logs, group, stream, events)

    # --- metrics

    def series(
        self,
        namespace: str,
        metric: str,
        dims: dict[str, str],
        start: dt.datetime,
        end: dt.datetime,
        base: float,
        jitter: float,
        unit: str,
        lo: float = 0.0,
        hi: float | None = None,
    ) -> None:
        # 1-minute data lives 15 days in CloudWatch: jobs get their whole run, endpoints the last 3 hours
        start = max(start, self.now - dt.timedelta(days=14))
        t = start.replace(second=0, microsecond=0)
        dimensions = [{"Name": k, "Value": v} for k, v in dims.items()]
        out = self.metrics.setdefault(namespace, [])
        while t <= end:
            v = base + self.rng.uniform(-jitter, jitter)
            v = max(lo, v if hi is None else min(hi, v))
            out.append(
                {
                    "MetricName": metric,
                    "Dimensions": dimensions,
                    "Timestamp": t,
                    "Value": round(v, 3),
                    "Unit": unit,
                }
            )
            t += dt.timedelta(minutes=1)

    def job_metrics(
        self, namespace: str, hosts: list[str], start: dt.datetime, end: dt.datetime, instance_type: str
    ) -> None:
        """Each host's instance metrics, within what ``instance_type`` can report (per vCPU, per GPU)."""
        it = instances.lookup(instance_type)
        transform = namespace.endswith("TransformJobs")
        for i, host in enumerate(hosts):
            dims = {"Host": host}
            cpu = 100 * it.vcpus
            self.series(
                namespace,
                "CPUUtilization",
                dims,
                start,
                end,
                cpu * (0.45 + 0.03 * i),
                cpu * 0.06,
                "Percent",
                hi=cpu,
            )
            self.series(namespace, "MemoryUtilization", dims, start, end, 62 + i, 6, "Percent", hi=100)
            if not transform:
                self.series(namespace, "DiskUtilization", dims, start, end, 31 + i, 1, "Percent", hi=100)
            if it.gpus:
                gpu = 100 * it.gpus
                self.series(
                    namespace, "GPUUtilization", dims, start, end, gpu * 0.88, gpu * 0.09, "Percent", hi=gpu
                )
                self.series(
                    namespace,
                    "GPUMemoryUtilization",
                    dims,
                    start,
                    end,
                    gpu * 0.71,
                    gpu * 0.04,
                    "Percent",
                    hi=gpu,
                )

    def endpoint_metrics(
        self,
        endpoint: str,
        variants: dict[str, tuple[int, str]],
        start: dt.datetime,
        rate: float,
        latency_us: float,
    ) -> None:
        """Each variant's invocations and latencies, and its instances' metrics (``variants``: name ->
        (instance count, instance type))."""
        for variant, (count, instance_type) in variants.items():
            it = instances.lookup(instance_type)
            dims = {"EndpointName": endpoint, "VariantName": variant}
            share = rate * count
            now = self.now
            self.series("AWS/SageMaker", "Invocations", dims, start, now, share, share * 0.3, "None")
            self.series(
                "AWS/SageMaker",
                "ModelLatency",
                dims,
                start,
                now,
                latency_us,
                latency_us * 0.25,
                "Microseconds",
            )
            self.series("AWS/SageMaker", "OverheadLatency", dims, start, now, 2100, 600, "Microseconds")
            self.series("AWS/SageMaker", "Invocation4XXErrors", dims, start, now, 0.4, 0.6, "None")
            self.series("AWS/SageMaker", "Invocation5XXErrors", dims, start, now, 0.1, 0.3, "None")
            cpu = 100 * it.vcpus
            ns = "/aws/sagemaker/Endpoints"
            self.series(ns, "CPUUtilization", dims, start, now, cpu * 0.3, cpu * 0.08, "Percent", hi=cpu)
            self.series(ns, "MemoryUtilization", dims, start, now, 48, 4, "Percent", hi=100)
            self.series(ns, "DiskUtilization", dims, start, now, 22, 0.5, "Percent", hi=100)
            if it.gpus:
                gpu = 100 * it.gpus
                self.series(ns, "GPUUtilization", dims, start, now, gpu * 0.35, gpu * 0.1, "Percent", hi=gpu)
                self.series(
                    ns, "GPUMemoryUtilization", dims, start, now, gpu * 0.6, gpu * 0.03, "Percent", hi=gpu
                )

    def flush_metrics(self) -> None:
        for namespace, data in self.metrics.items():
            for i in range(0, len(data), 1000):
                self.cw.put_metric_data(Namespace=namespace, MetricData=data[i : i + 1000])
        self.metrics.clear()

    # --- resources

    def set_fields(self, kind: str, name: str, **fields: Any) -> None:
        from smtui.sandbox import sagemaker_state

        sagemaker_state.set_fields(kind, name, region=self.sb.region, **fields)

    def set_status(self, kind: str, name: str, status: str, **fields: Any) -> None:
        from smtui.sandbox import sagemaker_state

        sagemaker_state.set_status(kind, name, status, region=self.sb.region, **fields)

    def keep_running(
        self,
        kind: str,
        name: str,
        instance: str,
        image: str,
        streams: list[str],
        steps: list[Any],
        *,
        done: int,
        total: int,
        entry: str = "train.py",
        hosts: list[str] | None = None,
    ) -> None:
        """Hand a job still at work to the lifecycles (``steps``: its past and its plan, the work phase the
        last one begun): it goes on a step a second where it is, then ends as planned. Nothing moves when
        the sandbox's driver is off."""
        engine = self.engine
        if engine is None:
            return
        from smtui.sandbox.joblogs import JobScript
        from smtui.sandbox.lifecycle import JobLife

        now = self.now.timestamp()
        applied = sum(1 for step in steps if step.at <= now)
        hosts = hosts or [f"algo-{i}" for i in range(1, len(streams) + 1)]
        script = JobScript(kind, name, image, len(hosts), entry=entry, total_steps=total)
        life = JobLife(kind, name, instance, hosts, steps, script, applied=applied, step_no=done, written=now)
        life.streams = dict(enumerate(streams, start=1))
        engine.add_job(life)
