"""Helpers for the log tests: create jobs, streams and events in the sandbox with unique names."""

from __future__ import annotations

import time
import uuid
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"


def uid(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms() -> int:
    return int(time.time() * 1000)


def create_training_job(sandbox: Any, name: str, instances: int = 1) -> None:
    sandbox.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": instances, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


def put(sandbox: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """Put ``(timestamp_ms, message)`` events into ``group``/``stream``, creating both when needed.

    PutLogEvents wants each batch in timestamp order; the events are sorted here, in batches of 10,000.
    """
    logs = sandbox.boto3_client("logs")
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    ordered = sorted(events, key=lambda e: e[0])
    for i in range(0, len(ordered), 10_000):
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": t, "message": m} for t, m in ordered[i : i + 10_000]],
        )


async def wait_for(predicate: Any, limit: float = 10.0, interval: float = 0.05) -> None:
    """Wait until ``predicate()`` is true (polling), or fail after ``limit`` seconds."""
    import asyncio

    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
