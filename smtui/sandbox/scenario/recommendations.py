"""The default scenario's Inference Recommender jobs: a completed default job sizing churn-prod's model (its
benchmark endpoints' streams ``[job]/Endpoint/[name]``), an advanced load test of the summarizer still at
work (with its ``[job]/CompilationJob/[name]``) and one whose benchmark endpoint failed its health check;
each logs ``[job]/execution`` in ``/aws/sagemaker/InferenceRecommendationsJobs``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smtui.sandbox.scenario.names import ROLE_ARN
from smtui.sandbox.scenario.seeder import Seeder, spread

RECOMMENDATIONS_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"
RECOMMENDATION_JOB = "churn-xgb-rightsizing"  # COMPLETED (Default), three benchmark endpoints
RECOMMENDATION_IN_PROGRESS = "summarizer-load-test"  # IN_PROGRESS (Advanced), compiled first
RECOMMENDATION_FAILED = "fraud-model-sizing"  # FAILED: the benchmark endpoint's health check
RECOMMENDATION_JOBS = (RECOMMENDATION_JOB, RECOMMENDATION_IN_PROGRESS, RECOMMENDATION_FAILED)
FAILURE_REASON_RECOMMENDATION = (
    "Benchmark endpoint sm-ir-fraud-model-sizing-c5x failed: The primary container for production variant "
    "AllTraffic did not pass the ping health check. Please check CloudWatch logs for this endpoint."
)


def _rec(instance: str, latency: int, cost: float, rpm: int) -> dict[str, Any]:
    return {
        "RecommendationId": f"{instance.replace('.', '-')}-{latency}",
        "Metrics": {"CostPerHour": round(cost * rpm * 60, 3), "CostPerInference": cost, "MaxInvocations": rpm,
                    "ModelLatency": latency, "CpuUtilization": 61.0, "MemoryUtilization": 38.5},
        "EndpointConfiguration": {"EndpointName": f"sm-ir-{instance.replace('.', '-')}", "VariantName": "AllTraffic",
                                  "InstanceType": instance, "InitialInstanceCount": 1},
        "ModelConfiguration": {"EnvironmentParameters": [{"Key": "OMP_NUM_THREADS", "ValueType": "String", "Value": "2"}]},
    }  # fmt: skip


def _create(
    s: Seeder, who: str, name: str, job_type: str, model: str, created: dt.datetime, **more: Any
) -> None:
    with s.at(created):
        s.sm(who).create_inference_recommendations_job(
            JobName=name, JobType=job_type, RoleArn=ROLE_ARN,
            InputConfig={"ModelName": model, "JobDurationInSeconds": 7200, **more},
            JobDescription=f"Right-size the serving instances of {model}",
            Tags=[{"Key": "owner", "Value": who}],
        )  # fmt: skip


def _execution(name: str, start: dt.datetime, end: dt.datetime, endpoints: list[str], last: str) -> list[Any]:
    ev = [(start, f"[{name}] Inference Recommender job started"),
          (start + dt.timedelta(seconds=5), f"[{name}] Validating model and sample payload")]  # fmt: skip
    for ep, t in zip(
        endpoints,
        spread(start + dt.timedelta(minutes=2), end - dt.timedelta(minutes=2), len(endpoints)),
        strict=True,
    ):
        ev.append((t, f"[{name}] Deploying benchmark endpoint {ep}"))
        ev.append(
            (
                t + dt.timedelta(minutes=1),
                f"[{name}] Load test on {ep}: ramping to 40 users, step 5 users/120s",
            )
        )
    ev.append((end, f"[{name}] {last}"))
    return ev


def _endpoint_log(ep: str, start: dt.datetime, minutes: int, ok: bool = True) -> list[Any]:
    ev = [
        (start, f"Starting gunicorn 21.2.0 for endpoint {ep}"),
        (start + dt.timedelta(seconds=3), "Model loaded"),
    ]
    if not ok:
        return [
            (start, f"Starting TorchServe for endpoint {ep}"),
            (start + dt.timedelta(seconds=20), "[ERROR] ModuleNotFoundError: No module named 'lightgbm'"),
            (start + dt.timedelta(seconds=21), "[INFO ] Backend worker process died."),
            *[(start + dt.timedelta(seconds=30 + 5 * k), '169.254.178.2 - - "GET /ping HTTP/1.1" 503 0 "-" "AHC/2.0"') for k in range(8)],
        ]  # fmt: skip
    for t in spread(start + dt.timedelta(seconds=10), start + dt.timedelta(minutes=minutes), 30):
        ev.append((t, '10.32.0.2 - - "POST /invocations HTTP/1.1" 200 12 "-" "Inference-Recommender/1.0"'))
    return ev


def seed(s: Seeder) -> None:
    now, st = s.now, s.state
    group = RECOMMENDATIONS_GROUP

    name = RECOMMENDATION_JOB
    created = now - dt.timedelta(days=2, hours=6)
    start, end = created + dt.timedelta(minutes=1), created + dt.timedelta(minutes=48)
    _create(s, "ci", name, "Default", "churn-xgb-model-v7", created)
    recs = [_rec("ml.c5.xlarge", 41, 0.0000021, 9400), _rec("ml.m5.large", 58, 0.0000026, 6100),
            _rec("ml.c6i.large", 47, 0.0000019, 7300)]  # fmt: skip
    s.set_status("recommendation", name, "COMPLETED", CreationTime=created, LastModifiedTime=end,
                 CompletionTime=end, InferenceRecommendations=recs)  # fmt: skip
    endpoints = [r["EndpointConfiguration"]["EndpointName"] for r in recs]
    streams = [f"{name}/execution"]
    s.stream(group, streams[0], _execution(name, start, end, endpoints, "Job completed: 3 recommendations"))
    for i, ep in enumerate(endpoints):
        streams.append(f"{name}/Endpoint/{ep}")
        s.stream(group, streams[-1], _endpoint_log(ep, start + dt.timedelta(minutes=3 + 14 * i), 12))
    st.streams[("recommendation", name)] = streams

    name = RECOMMENDATION_IN_PROGRESS
    created = now - dt.timedelta(minutes=50)
    start = created + dt.timedelta(minutes=1)
    _create(s, "alice", name, "Advanced", "summarizer-model", created,
            EndpointConfigurations=[{"InstanceType": "ml.g5.2xlarge"}, {"InstanceType": "ml.inf2.xlarge"}])  # fmt: skip
    s.set_status("recommendation", name, "IN_PROGRESS", CreationTime=created, LastModifiedTime=start)
    compile_job = f"{name}-inf2-neuron"
    ep = "sm-ir-ml-g5-2xlarge"
    streams = [f"{name}/execution", f"{name}/CompilationJob/{compile_job}", f"{name}/Endpoint/{ep}"]
    ev = _execution(
        name, start, now - dt.timedelta(minutes=2), [ep], "Load test on sm-ir-ml-g5-2xlarge: 18 of 40 users"
    )
    ev.append(
        (start + dt.timedelta(minutes=1), f"[{name}] Compiling the model for ml.inf2.xlarge: {compile_job}")
    )
    s.stream(group, streams[0], ev)
    s.stream(group, streams[1], [
        (start + dt.timedelta(minutes=1, seconds=20), f"Neuron compiler: compiling {compile_job} for inf2"),
        (start + dt.timedelta(minutes=9), "INFO: Compilation successfully completed (neuronx-cc 2.13)"),
    ])  # fmt: skip
    s.stream(group, streams[2], _endpoint_log(ep, start + dt.timedelta(minutes=12), 30))
    st.streams[("recommendation", name)] = streams

    name = RECOMMENDATION_FAILED
    created = now - dt.timedelta(hours=9)
    start, end = created + dt.timedelta(minutes=1), created + dt.timedelta(minutes=16)
    _create(s, "bob", name, "Default", "fraud-model-v2", created)
    s.set_status("recommendation", name, "FAILED", CreationTime=created, LastModifiedTime=end, CompletionTime=end,
                 FailureReason=FAILURE_REASON_RECOMMENDATION)  # fmt: skip
    ep = "sm-ir-fraud-model-sizing-c5x"
    streams = [f"{name}/execution", f"{name}/Endpoint/{ep}"]
    s.stream(
        group, streams[0], _execution(name, start, end, [ep], f"Job failed: {FAILURE_REASON_RECOMMENDATION}")
    )
    s.stream(group, streams[1], _endpoint_log(ep, start + dt.timedelta(minutes=3), 10, ok=False))
    st.streams[("recommendation", name)] = streams
