"""Helpers for Pilot-driven tests: wait on conditions, never fixed sleeps."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


async def until(pilot: Any, condition: Callable[[], Any], limit: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await pilot.pause(0.05)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_training_job(sandbox: Any, name: str, instance_type: str = "ml.m5.xlarge", count: int = 1) -> None:
    sandbox.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": instance_type, "InstanceCount": count, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"max_depth": "6", "eta": "0.2"},
    )


def screen_text(app: Any) -> str:
    return app.export_screenshot().replace("&#160;", " ")


def toasts(app: Any) -> list[str]:
    """The messages of the notifications on screen (the app must run with ``notifications=True``)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]
