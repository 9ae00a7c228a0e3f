"""The default scenario's endpoints: ``churn-prod`` (XGBoost, two variants, health checks, traffic and the
odd scoring error, data capture on), ``summarizer-async`` (text-generation-inference, asynchronous),
``fraud-detector-v2`` (TorchServe, failed its health checks) and ``recsys-staging`` (still Creating).
With the driver on they serve on the lifecycles, and recsys-staging comes InService."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from smtui.sandbox import containers as ct
from smtui.sandbox.scenario.names import (
    ASYNC_ENDPOINT,
    ASYNC_INSTANCE,
    ASYNC_VARIANT,
    CREATING_ENDPOINT,
    ENDPOINT,
    ENDPOINT_VARIANTS,
    FAILED_ENDPOINT,
    FAILURE_REASON_ENDPOINT,
    IMAGES,
    endpoint_group,
)
from smtui.sandbox.scenario.processing import create_model
from smtui.sandbox.scenario.seeder import Seeder, spread
from smtui.sandbox.timeline import Step

CREATING_INSTANCE = "i-0d2c3b4a5f6e70017"
FAILED_INSTANCE = "i-0f9e8d7c6b5a40016"


def _endpoint(
    s: Seeder,
    who: str,
    name: str,
    model: str,
    image: str,
    variants: list[dict[str, Any]],
    created: dt.datetime,
    **config: Any,
) -> None:
    create_model(s, who, model, image, created - dt.timedelta(minutes=3))
    with s.at(created - dt.timedelta(minutes=2)):
        s.sm(who).create_endpoint_config(
            EndpointConfigName=f"{name}-config",
            ProductionVariants=[{"ModelName": model, **v} for v in variants],
            **config,
        )
    with s.at(created):
        s.sm(who).create_endpoint(
            EndpointName=name, EndpointConfigName=f"{name}-config", Tags=[{"Key": "owner", "Value": who}]
        )
    s.set_fields("endpoint", name, CreationTime=created, LastModifiedTime=created)


def _deployed(image: str, when: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "SpecifiedImage": image,
            "ResolvedImage": image.split(":")[0] + "@sha256:" + "3f" * 32,
            "ResolutionTime": when,
        }
    ]


def _serve(
    s: Seeder,
    name: str,
    variants: list[tuple[str, str, float, tuple[str, ...]]],
    image: str,
    model: str,
    steps: list[Step],
    *,
    async_inference: bool = False,
) -> None:
    """Hand an endpoint to the lifecycles (``variants``: name, instance type, weight, instance ids)."""
    engine = s.engine
    if engine is None:
        return
    from smtui.sandbox.endpoint_life import EndpointLife, Variant

    live = [
        Variant(v, itype, len(insts), image, model, weight, list(insts))
        for v, itype, weight, insts in variants
    ]
    life = EndpointLife(name, f"{name}-config", live, steps, async_inference=async_inference)
    now = s.now.timestamp()
    life.applied = sum(1 for step in steps if step.at <= now)
    if life.applied and steps[life.applied - 1].status == "InService":
        life.streams = {inst: (f"{v.name}/{inst}", v) for v in live for inst in v.instances}
        life.pinged = now
        life.minute = int(now // 60)
    engine.add_endpoint(life)


def seed(s: Seeder) -> None:
    _churn_prod(s)
    _summarizer(s)
    _fraud_detector(s)
    _recsys_staging(s)


def _churn_prod(s: Seeder) -> None:
    now, st, rng = s.now, s.state, s.rng
    created = now - dt.timedelta(days=9)
    variants = [
        {
            "VariantName": "variant-a",
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 2,
            "InitialVariantWeight": 0.8,
        },
        {
            "VariantName": "variant-b",
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1,
            "InitialVariantWeight": 0.2,
        },
    ]
    _endpoint(
        s,
        "ci",
        ENDPOINT,
        "churn-xgb-model-v7",
        IMAGES["xgb"],
        variants,
        created,
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": "s3://ml-team-artifacts/datacapture/churn-prod",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    )
    s.set_status(
        "endpoint",
        ENDPOINT,
        "InService",
        LastModifiedTime=now - dt.timedelta(days=2),
        ProductionVariants=[
            {
                "VariantName": v["VariantName"],
                "DeployedImages": _deployed(IMAGES["xgb"], created),
                "CurrentWeight": v["InitialVariantWeight"],
                "DesiredWeight": v["InitialVariantWeight"],
                "CurrentInstanceCount": v["InitialInstanceCount"],
                "DesiredInstanceCount": v["InitialInstanceCount"],
            }
            for v in variants
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "CaptureStatus": "Started",
            "CurrentSamplingPercentage": 20,
            "DestinationS3Uri": "s3://ml-team-artifacts/datacapture/churn-prod",
            "KmsKeyId": "",
        },
    )
    group = endpoint_group(ENDPOINT)
    window = now - dt.timedelta(hours=2)
    streams = []
    for variant, instances in ENDPOINT_VARIANTS.items():
        for inst in instances:
            stream = f"{variant}/{inst}"
            ev = ct.gunicorn_banner(window, "xgboost-model")
            t = window
            while t < now:
                ev.append((t, ct.access_line(t, "/ping", 200, rng)))
                for _ in range(rng.randint(0, 2)):
                    ti = t + dt.timedelta(milliseconds=rng.randint(1, 9000))
                    if ti < now:
                        status = 200 if rng.random() > 0.02 else rng.choice((400, 500))
                        ev.append((ti, ct.access_line(ti, "/invocations", status, rng)))
                        if status != 200:
                            ev += ct.xgb_serving_error(ti)
                t += dt.timedelta(seconds=10)
            s.stream(group, stream, ev)
            streams.append(stream)
    st.streams[("endpoint", ENDPOINT)] = streams
    s.endpoint_metrics(
        ENDPOINT,
        {v: (len(i), "ml.m5.large") for v, i in ENDPOINT_VARIANTS.items()},
        now - dt.timedelta(hours=3),
        rate=40,
        latency_us=5200,
    )
    _serve(
        s,
        ENDPOINT,
        [
            (v, "ml.m5.large", 0.8 if v == "variant-a" else 0.2, insts)
            for v, insts in ENDPOINT_VARIANTS.items()
        ],
        IMAGES["xgb"],
        "churn-xgb-model-v7",
        [Step("InService", created.timestamp())],
    )


def _summarizer(s: Seeder) -> None:
    now, st, rng = s.now, s.state, s.rng
    created = now - dt.timedelta(days=3)
    async_config = {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
        "OutputConfig": {
            "S3OutputPath": "s3://ml-team-artifacts/async-out/summarizer/",
            "S3FailurePath": "s3://ml-team-artifacts/async-failures/summarizer/",
        },
    }
    _endpoint(
        s,
        "alice",
        ASYNC_ENDPOINT,
        "summarizer-model",
        IMAGES["tgi"],
        [{"VariantName": ASYNC_VARIANT, "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}],
        created,
        AsyncInferenceConfig=async_config,
    )
    s.set_status(
        "endpoint",
        ASYNC_ENDPOINT,
        "InService",
        LastModifiedTime=created + dt.timedelta(minutes=9),
        AsyncInferenceConfig=async_config,
        ProductionVariants=[
            {
                "VariantName": ASYNC_VARIANT,
                "DeployedImages": _deployed(IMAGES["tgi"], created),
                "CurrentWeight": 1.0,
                "DesiredWeight": 1.0,
                "CurrentInstanceCount": 1,
                "DesiredInstanceCount": 1,
            }
        ],
    )
    group = endpoint_group(ASYNC_ENDPOINT)
    stream = f"{ASYNC_VARIANT}/{ASYNC_INSTANCE}"
    data_log = f"{stream}/data-log"
    window = now - dt.timedelta(hours=2)
    ev, dl = ct.tgi_banner(window), []
    for t in spread(window, now - dt.timedelta(seconds=5), 120):
        ev.append((t, ct.tgi_request(t, rng)))
        ok = rng.random() > 0.05
        dl.append(
            (
                t,
                json.dumps(
                    {
                        "level": "INFO" if ok else "ERROR",
                        "inferenceId": f"{rng.getrandbits(64):016x}",
                        "message": "Inference request succeeded."
                        if ok
                        else "Inference request failed: model timed out after 60 s",
                        "latency": rng.randint(1200, 6000) if ok else 60000,
                    }
                ),
            )
        )
    s.stream(group, stream, ev)
    s.stream(group, data_log, dl)
    st.streams[("endpoint", ASYNC_ENDPOINT)] = [stream, data_log]
    s.endpoint_metrics(
        ASYNC_ENDPOINT,
        {ASYNC_VARIANT: (1, "ml.g5.2xlarge")},
        now - dt.timedelta(hours=3),
        rate=2,
        latency_us=3_400_000,
    )
    _serve(
        s,
        ASYNC_ENDPOINT,
        [(ASYNC_VARIANT, "ml.g5.2xlarge", 1.0, (ASYNC_INSTANCE,))],
        IMAGES["tgi"],
        "summarizer-model",
        [Step("InService", created.timestamp())],
        async_inference=True,
    )


def _fraud_detector(s: Seeder) -> None:
    now, st, rng = s.now, s.state, s.rng
    created = now - dt.timedelta(hours=5)
    _endpoint(
        s,
        "bob",
        FAILED_ENDPOINT,
        "fraud-model-v2",
        IMAGES["inference"],
        [{"VariantName": "AllTraffic", "InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1}],
        created,
    )
    s.set_status(
        "endpoint",
        FAILED_ENDPOINT,
        "Failed",
        LastModifiedTime=created + dt.timedelta(minutes=14),
        FailureReason=FAILURE_REASON_ENDPOINT,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "CurrentInstanceCount": 0,
                "DesiredInstanceCount": 1,
                "CurrentWeight": 1.0,
                "DesiredWeight": 1.0,
            }
        ],
    )
    t0 = created + dt.timedelta(minutes=6)
    stamp = f"{t0 + dt.timedelta(seconds=20):%Y-%m-%dT%H:%M:%S},412"
    lines = ct.torchserve_banner(t0, "model") + [
        (
            t0 + dt.timedelta(seconds=20),
            f"{stamp} [ERROR] W-9000-model_1.0-stdout MODEL_LOG - Traceback (most recent call last):\n"
            '  File "/opt/ml/model/code/inference.py", line 3, in <module>\n    import lightgbm as lgb\n'
            "ModuleNotFoundError: No module named 'lightgbm'",
        ),
        (
            t0 + dt.timedelta(seconds=21),
            f"{stamp} [INFO ] W-9000-model_1.0 org.pytorch.serve.wlm.WorkerThread - Backend worker process died.",
        ),
    ]
    for k in range(20):
        t = t0 + dt.timedelta(seconds=30 + 5 * k)
        lines.append((t, ct.torchserve_access(t, "/ping", 503, rng)))
    s.stream(endpoint_group(FAILED_ENDPOINT), f"AllTraffic/{FAILED_INSTANCE}", lines)
    st.streams[("endpoint", FAILED_ENDPOINT)] = [f"AllTraffic/{FAILED_INSTANCE}"]


def _recsys_staging(s: Seeder) -> None:
    now, st = s.now, s.state
    created = now - dt.timedelta(minutes=4)
    _endpoint(
        s,
        "bob",
        CREATING_ENDPOINT,
        "recsys-two-tower",
        IMAGES["inference"],
        [{"VariantName": "AllTraffic", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}],
        created,
    )
    s.set_status(
        "endpoint",
        CREATING_ENDPOINT,
        "Creating",
        LastModifiedTime=created,
        ProductionVariants=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 1, "DesiredWeight": 1.0}],
    )
    st.streams[("endpoint", CREATING_ENDPOINT)] = []
    _serve(
        s,
        CREATING_ENDPOINT,
        [("AllTraffic", "ml.g5.xlarge", 1.0, (CREATING_INSTANCE,))],
        IMAGES["inference"],
        "recsys-two-tower",
        [
            Step("Creating", created.timestamp()),
            Step("InService", (now + dt.timedelta(seconds=20)).timestamp()),
        ],
    )
