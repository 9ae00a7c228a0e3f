"""Helpers for the reliability tests (issue 6): sandboxes of their own, in regions no other test uses.

moto's state is process-global and regional: every test here that changes state (creates jobs, writes
log lines, deletes things, turns on IAM, expires keys) does it in a region of its own, so the seeded
us-east-1 account the other tests look at stays as seeded.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from smtui.sandbox import Sandbox
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.server import ACCOUNT_ID

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def now_ms() -> int:
    return int(time.time() * 1000)


def make_job(
    sb: Sandbox, name: str, *, status: str = "InProgress", instances: int = 1, **fields: Any
) -> None:
    """A training job in ``sb``'s region (created over HTTP, so CloudTrail records it), then its status."""
    sb.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": instances, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    fsm.set_status("training", name, status, region=sb.region, **fields)


def stream_of(name: str, host: int = 1) -> str:
    return f"{name}/algo-{host}-1700000000"


def put_lines(sb: Sandbox, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents over HTTP (creating the group and stream when needed)."""
    logs = sb.boto3_client("logs")
    for create, kw in (
        (logs.create_log_group, {"logGroupName": group}),
        (logs.create_log_stream, {"logGroupName": group, "logStreamName": stream}),
    ):
        try:
            create(**kw)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    ordered = sorted(events)
    for i in range(0, len(ordered), 5000):
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": t, "message": m} for t, m in ordered[i : i + 5000]],
        )


def put_lines_backend(sb: Sandbox, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents straight into moto's backend: what the job logs while smtui cannot reach the endpoint."""
    from moto.logs.models import logs_backends

    logs_backends[ACCOUNT_ID][sb.region].put_log_events(
        group, stream, [{"timestamp": t, "message": m} for t, m in sorted(events)]
    )


async def until(pilot: Any, condition: Callable[[], Any], limit: float = 20.0, what: str = "") -> None:
    """Wait for ``condition`` (polling the app), or fail saying what did not happen."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await pilot.pause(0.05)


async def wait_for(condition: Callable[[], Any], limit: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await asyncio.sleep(0.05)


def screen_text(app: Any) -> str:
    return app.export_screenshot().replace("&#160;", " ")


@pytest.fixture
def own_sandbox():
    """A factory for sandboxes of one's own (empty seed, no driver), stopped after the test."""
    made: list[Sandbox] = []

    def make(region: str, **kw: Any) -> Sandbox:
        kw.setdefault("seed", "empty")
        kw.setdefault("driver", False)
        sb = Sandbox(region=region, **kw).start()
        made.append(sb)
        return sb

    yield make
    for sb in made:
        sb.stop()


# ---------------------------------------------------------------------------------------------- a small account
class Account:
    """What :func:`mini_account` made: one resource of every kind, with logs, in the sandbox's region."""

    def __init__(self, sb: Sandbox, tag: str) -> None:
        self.sb = sb
        self.training = f"{tag}-train"
        self.failed = f"{tag}-failed"
        self.processing = f"{tag}-prep"
        self.transform = f"{tag}-batch"
        self.endpoint = f"{tag}-ep"
        self.domain = f"{tag}-domain"


def mini_account(sb: Sandbox, tag: str = "acct") -> Account:
    """One of every kind, made over HTTP with the admin key (so CloudTrail has their Create* calls):
    an in-progress 2-instance training job and a failed one, a processing job, a transform job, an
    endpoint, a domain with sourceIdentity on; each with log lines where AWS would write them."""
    acct = Account(sb, tag)
    sm = sb.boto3_client("sagemaker")
    region = sb.region
    make_job(sb, acct.training, instances=2)
    make_job(sb, acct.failed, status="Failed", FailureReason="AlgorithmError: out of memory")
    t = now_ms() - 60_000
    for h in (1, 2):
        put_lines(
            sb,
            TRAINING_GROUP,
            stream_of(acct.training, h),
            [(t + i * 1000 + h, f"epoch {i} host {h}") for i in range(20)],
        )
    put_lines(sb, TRAINING_GROUP, stream_of(acct.failed), [(t, "Traceback: MemoryError")])
    sm.create_processing_job(
        ProcessingJobName=acct.processing,
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        AppSpecification={"ImageUri": IMAGE},
        RoleArn=ROLE,
        StoppingCondition={"MaxRuntimeInSeconds": 600},
    )
    fsm.set_status("processing", acct.processing, "Completed", region=region)
    put_lines(
        sb, "/aws/sagemaker/ProcessingJobs", f"{acct.processing}/algo-1-1700000000", [(t, "processing row 1")]
    )
    for model in (f"{tag}-model", f"{tag}-ep-model"):
        sm.create_model(ModelName=model, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_transform_job(
        TransformJobName=acct.transform,
        ModelName=f"{tag}-model",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
        TransformOutput={"S3OutputPath": "s3://b/out/"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )
    fsm.set_status("transform", acct.transform, "Completed", region=region)
    put_lines(
        sb, "/aws/sagemaker/TransformJobs", f"{acct.transform}/i-0abc-1700000000", [(t, "transform ok")]
    )
    sm.create_endpoint_config(
        EndpointConfigName=f"{acct.endpoint}-config",
        ProductionVariants=[
            {
                "VariantName": "variant-a",
                "ModelName": f"{tag}-ep-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=acct.endpoint, EndpointConfigName=f"{acct.endpoint}-config")
    fsm.set_status("endpoint", acct.endpoint, "InService", region=region)
    put_lines(
        sb,
        f"/aws/sagemaker/Endpoints/{acct.endpoint}",
        "variant-a/i-0abc",
        [(now_ms() - 1000, "POST /invocations 200")],
    )
    sm.create_domain(
        DomainName=acct.domain,
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-0a1b2c3d"],
        VpcId="vpc-0123abcd",
        DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
    )
    return acct
