"""The default scenario's compilation jobs (SageMaker Neo): the churn model compiled for ml_c5 two days ago,
one for a Jetson board that failed on its input shape, each with its one log stream
(``/aws/sagemaker/CompilationJobs``, stream ``[compilation-job-name]``)."""

from __future__ import annotations

import datetime as dt

from smtui.sandbox.scenario.names import ROLE_ARN
from smtui.sandbox.scenario.seeder import Seeder

GROUP = "/aws/sagemaker/CompilationJobs"
COMPILED = "churn-xgb-neo-c5"
FAILED = "detector-neo-jetson"
FAILURE_REASON = (
    "ClientError: InputConfiguration: Unable to determine the input shape of the model: the data input "
    "config '{\"data\": [1, 3, 224]}' has 3 dimensions, the model's input 'data' has 4. Please provide "
    'the full shape, for example {"data": [1, 3, 224, 224]}.'
)


def seed(s: Seeder) -> None:
    for name, who, age, minutes, framework, device, status in (
        (COMPILED, "bob", dt.timedelta(days=2, hours=3), 6, "XGBOOST", "ml_c5", "COMPLETED"),
        (FAILED, "alice", dt.timedelta(hours=5), 2, "PYTORCH", "jetson_xavier", "FAILED"),
    ):
        created = s.now - age
        start, end = created + dt.timedelta(seconds=40), created + dt.timedelta(minutes=minutes)
        with s.at(created):
            s.sm(who).create_compilation_job(
                CompilationJobName=name,
                RoleArn=ROLE_ARN,
                InputConfig={
                    "S3Uri": f"s3://ml-team-artifacts/models/{name.rsplit('-neo', 1)[0]}/model.tar.gz",
                    "DataInputConfig": '{"data": [1, 3, 224]}' if status == "FAILED" else '{"data": [1, 42]}',
                    "Framework": framework,
                    **({"FrameworkVersion": "2.0"} if framework == "PYTORCH" else {}),
                },
                OutputConfig={
                    "S3OutputLocation": f"s3://ml-team-artifacts/neo/{name}/",
                    "TargetDevice": device,
                },
                StoppingCondition={"MaxRuntimeInSeconds": 900},
                Tags=[{"Key": "owner", "Value": who}],
            )
        fields = {"FailureReason": FAILURE_REASON} if status == "FAILED" else {}
        s.set_status(
            "compilation",
            name,
            status,
            CreationTime=created,
            CompilationStartTime=start,
            CompilationEndTime=end,
            LastModifiedTime=end,
            **fields,
        )
        lines = [
            (start, f"Starting compilation job {name} for target {device}"),
            (start + dt.timedelta(seconds=5), f"Downloading model artifacts for framework {framework}"),
            (start + dt.timedelta(seconds=20), "Loading the model and converting it to Relay IR"),
        ]
        if status == "FAILED":
            lines.append((end, FAILURE_REASON))
        else:
            lines += [
                (
                    start + dt.timedelta(minutes=2),
                    "Running graph optimizations (FuseOps, FoldConstant, AlterOpLayout)",
                ),
                (end - dt.timedelta(seconds=30), f"Compiled for {device}: 3 operators fused into 1 kernel"),
                (end, f"Uploading compiled model to s3://ml-team-artifacts/neo/{name}/"),
            ]
        s.stream(GROUP, name, lines)
        s.state.streams[("compilation", name)] = [name]
