"""The default scenario's Ground Truth labeling jobs: a completed bounding-box job with automated labeling,
one still being labeled by the private workforce, and one that failed on its input manifest; each with its
stream ``[job]`` in ``/aws/sagemaker/LabelingJobs`` (Ground Truth's JSON event lines)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from smtui.sandbox.account import ACCOUNT_ID, REGION
from smtui.sandbox.scenario.names import ROLE_ARN
from smtui.sandbox.scenario.seeder import Seeder, spread

LABELING_GROUP = "/aws/sagemaker/LabelingJobs"
LABELING_JOB = "product-images-bbox"  # Completed, 2,000 objects, automated labeling on
LABELING_IN_PROGRESS = "support-tickets-intent"  # InProgress, the private team at work
LABELING_FAILED = "medical-scans-seg"  # Failed: the input manifest
LABELING_JOBS = (LABELING_JOB, LABELING_IN_PROGRESS, LABELING_FAILED)
FAILURE_REASON_LABELING = (
    "ClientError: Failed to read the input manifest s3://ml-team-data/scans/manifest.jsonl: line 17 is "
    "not valid JSON (Expecting ',' delimiter: line 1 column 84)"
)
WORKTEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:workteam/private-crowd/ml-team-labelers"
_LAMBDA = "arn:aws:lambda:us-east-1:432418664414:function:{}-{}"


def _line(event: str, message: str, **more: Any) -> str:
    return json.dumps({"event-name": event, "event-log-message": message, **more})


def _create(s: Seeder, who: str, name: str, task: str, created: dt.datetime, *, auto: bool = False) -> None:
    config: dict[str, Any] = {
        "LabelingJobName": name,
        "LabelAttributeName": name.split("-")[-1],
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://ml-team-data/{name}/manifest.jsonl"}},
            "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]},
        },
        "OutputConfig": {"S3OutputPath": f"s3://ml-team-artifacts/labels/{name}/"},
        "RoleArn": ROLE_ARN,
        "LabelCategoryConfigS3Uri": f"s3://ml-team-data/{name}/categories.json",
        "StoppingConditions": {"MaxPercentageOfInputDatasetLabeled": 100},
        "HumanTaskConfig": {
            "WorkteamArn": WORKTEAM_ARN,
            "UiConfig": {"UiTemplateS3Uri": f"s3://ml-team-data/{name}/template.liquid"},
            "PreHumanTaskLambdaArn": _LAMBDA.format("PRE", task),
            "TaskTitle": name.replace("-", " "),
            "TaskDescription": f"Label each item ({task})",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 600,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": _LAMBDA.format("ACS", task)
            },
        },
        "Tags": [{"Key": "owner", "Value": who}],
    }
    if auto:
        config["LabelingJobAlgorithmsConfig"] = {
            "LabelingJobAlgorithmSpecificationArn": f"arn:aws:sagemaker:{REGION}:027400017018:"
            "labeling-job-algorithm-specification/object-detection"
        }
    with s.at(created):
        s.sm(who).create_labeling_job(**config)


def seed(s: Seeder) -> None:
    now, st = s.now, s.state

    name = LABELING_JOB
    created = now - dt.timedelta(days=3, hours=4)
    end = created + dt.timedelta(hours=7, minutes=12)
    _create(s, "bob", name, "BoundingBox", created, auto=True)
    s.set_status(
        "labeling", name, "Completed", CreationTime=created, LastModifiedTime=end,
        LabelCounters={"TotalLabeled": 2000, "HumanLabeled": 1240, "MachineLabeled": 760,
                       "FailedNonRetryableError": 0, "Unlabeled": 0},
        LabelingJobOutput={
            "OutputDatasetS3Uri": f"s3://ml-team-artifacts/labels/{name}/manifests/output/output.manifest",
            "FinalActiveLearningModelArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:model/{name}-al-model",
        },
    )  # fmt: skip
    ev = [
        (
            created + dt.timedelta(minutes=2),
            _line("LABELING_JOB_STARTED", "Labeling job started", **{"labeling-job-name": name}),
        )
    ]
    for i, t in enumerate(spread(created + dt.timedelta(minutes=10), end - dt.timedelta(minutes=5), 40)):
        if i % 10 == 9:
            ev.append(
                (
                    t,
                    _line(
                        "ACTIVE_LEARNING_MODEL_TRAINED",
                        f"Auto-labeling model iteration {i // 10 + 1} trained: validation mAP 0.{71 + i // 10}",
                        **{"labeling-job-name": name},
                    ),
                )
            )
        ev.append(
            (
                t,
                _line(
                    "BATCH_LABELED",
                    f"Batch {i + 1}: 50 objects labeled",
                    **{"labeling-job-name": name, "human-labeled": 31, "machine-labeled": 19},
                ),
            )
        )
    ev.append(
        (
            end,
            _line(
                "LABELING_JOB_COMPLETED",
                "Labeling job completed: 2000 of 2000 objects labeled",
                **{"labeling-job-name": name},
            ),
        )
    )
    s.stream(LABELING_GROUP, name, ev)
    st.streams[("labeling", name)] = [name]

    name = LABELING_IN_PROGRESS
    created = now - dt.timedelta(hours=5)
    _create(s, "alice", name, "TextMultiClass", created)
    s.set_status(
        "labeling", name, "InProgress", CreationTime=created, LastModifiedTime=now - dt.timedelta(minutes=4),
        LabelCounters={"TotalLabeled": 1830, "HumanLabeled": 1830, "MachineLabeled": 0,
                       "FailedNonRetryableError": 2, "Unlabeled": 3168},
    )  # fmt: skip
    ev = [
        (
            created + dt.timedelta(minutes=1),
            _line("LABELING_JOB_STARTED", "Labeling job started", **{"labeling-job-name": name}),
        )
    ]
    for i, t in enumerate(spread(created + dt.timedelta(minutes=6), now - dt.timedelta(minutes=4), 60)):
        ev.append(
            (
                t,
                _line(
                    "BATCH_LABELED",
                    f"Batch {i + 1}: 30 objects labeled by 3 workers",
                    **{"labeling-job-name": name, "human-labeled": 30},
                ),
            )
        )
        if i in (17, 41):
            ev.append(
                (
                    t,
                    _line(
                        "DATA_OBJECT_FAILED",
                        "Annotation consolidation failed: workers disagree on every label (no majority)",
                        **{"labeling-job-name": name, "dataset-object-id": 600 + i},
                    ),
                )
            )
    s.stream(LABELING_GROUP, name, ev)
    st.streams[("labeling", name)] = [name]

    name = LABELING_FAILED
    created = now - dt.timedelta(hours=26)
    end = created + dt.timedelta(minutes=3)
    _create(s, "alice", name, "SemanticSegmentation", created)
    s.set_status(
        "labeling", name, "Failed", CreationTime=created, LastModifiedTime=end, FailureReason=FAILURE_REASON_LABELING,
        LabelCounters={"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0, "FailedNonRetryableError": 0,
                       "Unlabeled": 16},
    )  # fmt: skip
    ev = [
        (created + dt.timedelta(minutes=1), _line("LABELING_JOB_STARTED", "Labeling job started", **{"labeling-job-name": name})),
        (end - dt.timedelta(seconds=20), _line("MANIFEST_READ_FAILED", "ERROR: line 17 of s3://ml-team-data/scans/manifest.jsonl is not valid JSON", **{"labeling-job-name": name})),
        (end, _line("LABELING_JOB_FAILED", FAILURE_REASON_LABELING, **{"labeling-job-name": name})),
    ]  # fmt: skip
    s.stream(LABELING_GROUP, name, ev)
    st.streams[("labeling", name)] = [name]
