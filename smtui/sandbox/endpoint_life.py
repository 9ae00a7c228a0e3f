"""An endpoint's life: Creating, then InService (or Failed), Updating back to InService with its new
config, Deleting then gone; while it serves, each instance's stream ``[variant]/[instance-id]`` gets the
serving container's banner, SageMaker's health checks every few seconds and a line per invocation, and each
variant one datapoint per minute of its invocations, latencies and instance metrics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from smtui.sandbox import containers as ct
from smtui.sandbox import instances, kinds
from smtui.sandbox.output import Output
from smtui.sandbox.timeline import Step

#: AWS's usual durations, seconds
CREATING_SECONDS = 360
UPDATING_SECONDS = 420
DELETING_SECONDS = 60
#: how often (sandbox seconds) SageMaker pings each instance
PING_EVERY = 10.0
CATCH_UP = 900.0


def instance_id(endpoint: str, variant: str, k: int) -> str:
    return "i-0" + hashlib.sha1(f"{endpoint}/{variant}/{k}".encode()).hexdigest()[:16]


@dataclass
class Variant:
    name: str
    instance_type: str
    count: int
    image: str
    model: str
    weight: float = 1.0
    instances: list[str] = field(default_factory=list)


def variants_of(backend: Any, endpoint: str, config_name: str) -> list[Variant]:
    """The variants of an endpoint config, with the image of each variant's model (moto's objects)."""
    config = backend.endpoint_configs[config_name]
    out = []
    for pv in config.production_variants or []:
        model = backend._models.get(pv.get("ModelName") or "")
        container = getattr(model, "primary_container", None) or {}
        if not container and getattr(model, "containers", None):
            container = model.containers[0]
        v = Variant(
            name=pv["VariantName"],
            instance_type=pv.get("InstanceType") or "ml.m5.large",
            count=int(pv.get("InitialInstanceCount") or 1),
            image=container.get("Image", ""),
            model=pv.get("ModelName") or "",
            weight=float(pv.get("InitialVariantWeight") or 1.0),
        )
        v.instances = [instance_id(endpoint, v.name, k) for k in range(v.count)]
        out.append(v)
    return out


@dataclass
class EndpointLife:
    name: str
    config: str
    variants: list[Variant]
    steps: list[Step]
    async_inference: bool = False
    failure: str = ""
    applied: int = 0
    streams: dict[str, tuple[str, Variant]] = field(default_factory=dict)  # instance -> (stream, variant)
    pinged: float = 0.0
    minute: int = 0
    next_config: tuple[str, list[Variant]] | None = None
    #: (minute, variant) -> [invocations, 4xx, 5xx, latency sum in microseconds]
    traffic: dict[tuple[int, str], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    _turn: int = 0

    @property
    def group(self) -> str:
        return kinds.log_group("endpoint", self.name)

    @property
    def status(self) -> str:
        return self.steps[self.applied - 1].status if self.applied else ""

    # ------------------------------------------------------------------ the pump

    def pump(self, out: Output, now: float) -> bool:
        from smtui.sandbox import sagemaker_state as fsm

        while self.applied < len(self.steps) and self.steps[self.applied].at <= now:
            step = self.steps[self.applied]
            self._pings(out, step.at)
            self.applied += 1
            if step.status == "Deleted":
                fsm.delete("endpoint", self.name, out.account_id, out.region)
                return True
            fsm.apply_fields("endpoint", self.name, out.account_id, out.region, **self._fields(out, step))
        if self.status in ("InService", "Updating"):
            self._pings(out, now)
            self._metrics(out, now)
        return self.status == "Failed"

    def _fields(self, out: Output, step: Step) -> dict[str, Any]:
        at = dt.datetime.fromtimestamp(step.at, dt.UTC)
        fields: dict[str, Any] = {"EndpointStatus": step.status, "LastModifiedTime": at}
        if step.status == "InService":
            if self.next_config is not None:
                self.config, self.variants = self.next_config
                self.next_config = None
                fields["EndpointConfigName"] = self.config
            self._start_containers(out, at)
            fields["ProductionVariants"] = [
                {
                    "VariantName": v.name,
                    "DeployedImages": [
                        {
                            "SpecifiedImage": v.image,
                            "ResolvedImage": v.image.split(":")[0]
                            + "@sha256:"
                            + hashlib.sha256(v.image.encode()).hexdigest(),
                            "ResolutionTime": at,
                        }
                    ],
                    "CurrentWeight": v.weight,
                    "DesiredWeight": v.weight,
                    "CurrentInstanceCount": v.count,
                    "DesiredInstanceCount": v.count,
                }
                for v in self.variants
            ]
        elif step.status == "Failed":
            fields["FailureReason"] = self.failure
            fields["ProductionVariants"] = [
                {
                    "VariantName": v.name,
                    "CurrentWeight": v.weight,
                    "DesiredWeight": v.weight,
                    "CurrentInstanceCount": 0,
                    "DesiredInstanceCount": v.count,
                }
                for v in self.variants
            ]
            for v in self.variants:  # the container started, then failed its health checks
                for inst in v.instances:
                    stream = f"{v.name}/{inst}"
                    lines = ct.serving_banner(v.image, at, v.model)
                    lines += [(at, ct.serving_access(v.image, at, "/ping", 503, random.Random(inst)))]
                    out.put(self.group, stream, lines)
        return fields

    def _start_containers(self, out: Output, at: dt.datetime) -> None:
        for v in self.variants:
            for inst in v.instances:
                if inst in self.streams:
                    continue
                stream = f"{v.name}/{inst}"
                self.streams[inst] = (stream, v)
                out.put(self.group, stream, ct.serving_banner(v.image, at, v.model))
                if self.async_inference:
                    out.stream(self.group, f"{stream}/data-log")
        live = {inst for v in self.variants for inst in v.instances}
        for inst in [i for i in self.streams if i not in live]:
            del self.streams[inst]  # replaced by the update
        self.pinged = max(self.pinged, at.timestamp())

    def _pings(self, out: Output, until: float) -> None:
        if self.status not in ("InService", "Updating") or not self.streams:
            return
        start = max(self.pinged, until - CATCH_UP)
        n = int((until - start) // PING_EVERY)
        if n <= 0:
            return
        for inst, (stream, v) in self.streams.items():
            rng = random.Random(f"{inst}/{int(start)}")
            events = []
            for k in range(1, n + 1):
                t = dt.datetime.fromtimestamp(start + k * PING_EVERY, dt.UTC)
                events.append((t, ct.serving_access(v.image, t, "/ping", 200, rng)))
            out.put(self.group, stream, events)
        self.pinged = start + n * PING_EVERY

    # ------------------------------------------------------------------ traffic

    def pick(self, variant: str | None, rng: random.Random) -> Variant:
        """The variant an invocation goes to: the one asked for, else by weight."""
        if variant:
            for v in self.variants:
                if v.name == variant:
                    return v
        total = sum(v.weight for v in self.variants) or 1.0
        x = rng.uniform(0, total)
        for v in self.variants:
            x -= v.weight
            if x <= 0:
                return v
        return self.variants[-1]

    def invoked(
        self, out: Output, variant: Variant, status: int, latency_us: float, when: float, error: str = ""
    ) -> None:
        """An invocation answered ``status``: a line in one instance's stream, counted for the metrics."""
        if not variant.instances:
            return
        self._turn += 1
        inst = variant.instances[self._turn % len(variant.instances)]
        stream = f"{variant.name}/{inst}"
        t = dt.datetime.fromtimestamp(when, dt.UTC)
        rng = random.Random(f"{inst}/{self._turn}")
        lines = [(t, ct.serving_access(variant.image, t, "/invocations", status, rng))]
        if status >= 400 and ct.family(variant.image) == "xgboost":
            lines += ct.xgb_serving_error(t, error) if error else ct.xgb_serving_error(t)
        out.put(self.group, stream, lines)
        if self.async_inference:
            out.put(
                self.group,
                f"{stream}/data-log",
                [
                    (
                        t,
                        json.dumps(
                            {
                                "level": "INFO",
                                "message": "Inference request succeeded.",
                                "latency": int(latency_us / 1000),
                            }
                        ),
                    )
                ],
            )
        counts = self.traffic[(int(when // 60), variant.name)]
        counts[0] += 1
        counts[1] += 400 <= status < 500
        counts[2] += status >= 500
        counts[3] += latency_us

    def _metrics(self, out: Output, now: float) -> None:
        minute = int(now // 60)
        if minute == self.minute:
            return
        previous, self.minute = self.minute, minute
        data = []
        for m in range(max(previous + 1, minute - 15), minute + 1):
            when = dt.datetime.fromtimestamp(m * 60.0, dt.UTC)
            for v in self.variants:
                dims = {"EndpointName": self.name, "VariantName": v.name}
                calls = self.traffic.pop((m - 1, v.name), None)
                if calls and calls[0]:
                    prev = dt.datetime.fromtimestamp((m - 1) * 60.0, dt.UTC)
                    data += [
                        ("AWS/SageMaker", "Invocations", dims, prev, float(calls[0]), "None"),
                        ("AWS/SageMaker", "Invocation4XXErrors", dims, prev, float(calls[1]), "None"),
                        ("AWS/SageMaker", "Invocation5XXErrors", dims, prev, float(calls[2]), "None"),
                        ("AWS/SageMaker", "ModelLatency", dims, prev, calls[3] / calls[0], "Microseconds"),
                        ("AWS/SageMaker", "OverheadLatency", dims, prev, 2100.0, "Microseconds"),
                    ]
                rng = random.Random(f"{self.name}/{v.name}/{m}")
                for name, value in instances.utilization(v.instance_type, rng, load=0.3).items():
                    data.append(("/aws/sagemaker/Endpoints", name, dims, when, value, "Percent"))
        out.metrics(data)
