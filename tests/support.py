"""What the tests share: waiting on conditions (never fixed sleeps), unique names, reading the screen, and
making jobs, streams and log lines in the sandbox over HTTP (as a user's AWS would have them).

Every test module can ``from support import ...`` (tests/ is on ``sys.path``: its conftest.py is there).
The fixtures (the shared seeded ``sandbox``, ``aws``, and ``own_sandbox`` for sandboxes in regions of a
module's own) are in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import html
import time
import uuid
from collections.abc import Callable
from typing import Any

from smtui.sandbox.server import ACCOUNT_ID

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"

#: PutLogEvents takes at most 10,000 events and 1,048,576 bytes a batch, counting 26 bytes per event
_BATCH_EVENTS = 10_000
_BATCH_BYTES = 1_048_576
_EVENT_OVERHEAD = 26


# ---------------------------------------------------------------------------------------------- waiting


async def until(pilot: Any, condition: Callable[[], Any], limit: float = 20.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds, or fail saying what did not happen."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await pilot.pause(0.05)


async def wait_for(condition: Callable[[], Any], limit: float = 20.0, what: str = "") -> None:
    """Like :func:`until` without an app: poll ``condition()`` on the event loop."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit}s waiting for {what or condition}")
        await asyncio.sleep(0.05)


# ---------------------------------------------------------------------------------------------- names and times


def uid(prefix: str = "t") -> str:
    """A name no other test uses (resources live as long as the test process)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_ms() -> int:
    return int(time.time() * 1000)


def stream_of(job: str, host: int = 1) -> str:
    """A training job's stream as SageMaker names it: ``<job>/algo-<n>-<epoch>``."""
    return f"{job}/algo-{host}-1700000000"


# ---------------------------------------------------------------------------------------------- the screen


def screen_text(app: Any) -> str:
    """What the terminal shows: the SVG screenshot with its entities read (``&#x27;`` is ``'``) and
    non-breaking spaces as spaces."""
    return html.unescape(str(app.export_screenshot())).replace("\xa0", " ")


def _plain_screen(app: Any) -> str:
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True))  # the top screen only
    return console.export_text(styles=False)


async def screen_lines(pilot: Any) -> str:
    """The top screen as plain text, line by line as a user reads it, once it has been drawn."""
    for _ in range(100):
        await pilot.pause()
        try:
            return _plain_screen(pilot.app)
        except TypeError:  # lines not rendered yet (a screen just pushed)
            continue
    raise AssertionError("the screen was never drawn")


def toasts(app: Any) -> list[str]:
    """The messages of the notifications on screen (the app must run with ``notifications=True``)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


# ---------------------------------------------------------------------------------------------- the sandbox


def create_training_job(sb: Any, name: str, instance_type: str = "ml.m5.xlarge", instances: int = 1) -> None:
    """CreateTrainingJob over HTTP with the sandbox's admin key (so CloudTrail has it)."""
    sb.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": instance_type, "InstanceCount": instances, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"max_depth": "6", "eta": "0.2"},
    )


def make_job(sb: Any, name: str, *, status: str = "InProgress", instances: int = 1, **fields: Any) -> None:
    """A training job in ``sb``'s region (created over HTTP), then given ``status`` and ``fields``."""
    from smtui.sandbox import fidelity_sagemaker as fsm

    create_training_job(sb, name, instances=instances)
    fsm.set_status("training", name, status, region=sb.region, **fields)


def _batches(events: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    out: list[list[tuple[int, str]]] = [[]]
    size = 0
    for event in events:
        cost = len(event[1].encode("utf-8")) + _EVENT_OVERHEAD
        if out[-1] and (len(out[-1]) >= _BATCH_EVENTS or size + cost > _BATCH_BYTES):
            out.append([])
            size = 0
        out[-1].append(event)
        size += cost
    return out


def put_lines(sb: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents of ``(timestamp_ms, message)`` over HTTP, creating the group and stream when needed.

    Sorted (a batch must be in timestamp order) and in batches within PutLogEvents' limits."""
    logs = sb.boto3_client("logs")
    for create, kw in (
        (logs.create_log_group, {"logGroupName": group}),
        (logs.create_log_stream, {"logGroupName": group, "logStreamName": stream}),
    ):
        try:
            create(**kw)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    for batch in _batches(sorted(events)):
        if batch:
            logs.put_log_events(
                logGroupName=group,
                logStreamName=stream,
                logEvents=[{"timestamp": t, "message": m} for t, m in batch],
            )


def put_lines_backend(sb: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents straight into moto's backend: what a job logs while smtui cannot reach the endpoint."""
    from moto.logs.models import logs_backends

    logs_backends[ACCOUNT_ID][sb.region].put_log_events(
        group, stream, [{"timestamp": t, "message": m} for t, m in sorted(events)]
    )


# ---------------------------------------------------------------------------------------------- more kinds
# The parameters of a labeling, an inference recommendations and a tuning job (the fidelity layer serves them).


def labeling_params(name: str) -> dict[str, Any]:
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://b/in.manifest"}}},
        "OutputConfig": {"S3OutputPath": "s3://b/out/"},
        "RoleArn": ROLE,
        "HumanTaskConfig": {
            "WorkteamArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT_ID}:workteam/private-crowd/ml-team-labelers",
            "UiConfig": {"UiTemplateS3Uri": "s3://b/t.liquid"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-TextMultiClass",
            "TaskTitle": "intent",
            "TaskDescription": "pick the intent",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-TextMultiClass"
            },
        },
    }


def recommendation_params(name: str) -> dict[str, Any]:
    return {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "m"}}


def tuning_params(name: str) -> dict[str, Any]:
    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {
                "ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}]
            },
        },
        "TrainingJobDefinition": {
            "StaticHyperParameters": {"num_round": "10"},
            "AlgorithmSpecification": {"TrainingImage": "img:1", "TrainingInputMode": "File"},
            "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        },
    }


def org_trail_records(sb: Any, *, projected: bool = False) -> list[dict[str, Any]]:
    """Every record in the demo organisation's trail bucket (read from the sandbox's S3); ``projected``: only
    those under the accounts and regions its Athena table projects, which is all Athena can see. Other test
    modules' sandboxes work in regions of their own in the same account, and the live delivery puts their
    records into the bucket too, outside those partitions."""
    import gzip
    import json

    from smtui.sandbox import org_trail, trail_delivery

    bucket = trail_delivery.s3_backend(sb.account_id).buckets[org_trail.TRAIL_BUCKET]
    seen = tuple(trail_delivery.log_prefix(a, g) for a in org_trail.ACCOUNTS for g in org_trail.REGIONS)
    out: list[dict[str, Any]] = []
    for name, key in list(bucket.keys.items()):
        if projected and not name.startswith(seen):
            continue
        out.extend(json.loads(gzip.decompress(key.value))["Records"])
    return out
