"""The default scenario's processing and transform jobs (one of each still at work, on the lifecycles when
the driver is on) and the models they and the endpoints use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smtui.sandbox import containers as ct
from smtui.sandbox.scenario.names import (
    FAILURE_REASON_PROCESSING,
    IMAGES,
    PROCESSING_FAILED,
    PROCESSING_GROUP,
    PROCESSING_IN_PROGRESS,
    PROCESSING_JOB,
    ROLE_ARN,
    TRANSFORM_FAILED,
    TRANSFORM_GROUP,
    TRANSFORM_IN_PROGRESS,
    TRANSFORM_INSTANCES,
    TRANSFORM_JOB,
)
from smtui.sandbox.scenario.seeder import Seeder, spread
from smtui.sandbox.timeline import Step


def plan(kind: str, created: dt.datetime, start: dt.datetime, end: dt.datetime, engine: Any) -> list[Step]:
    """A processing or transform job's steps: started at ``start``, working until ``end``, then done."""
    from smtui.sandbox.lifecycle import PHASES, WORK

    t0, t1 = created.timestamp(), start.timestamp()
    t2 = end.timestamp()
    phases = [p for p, _, _ in PHASES[kind]]
    messages = {p: m for p, _, m in PHASES[kind]}
    steps = [
        Step(p, t0 + (t1 - t0) * i / (phases.index(WORK[kind]) or 1), messages[p])
        for i, p in enumerate(phases[: phases.index(WORK[kind])])
    ]
    steps.append(Step(WORK[kind], t1, messages[WORK[kind]]))
    upload = dict((p, s) for p, s, _ in PHASES[kind])["Uploading"]
    return steps + [
        Step("Uploading", t2, messages["Uploading"]),
        Step("Completed", t2 + engine.clock.compress(upload) if engine else t2),
    ]


def seed(s: Seeder) -> None:
    seed_processing(s)
    seed_transform(s)


def seed_processing(s: Seeder) -> None:
    now, st = s.now, s.state

    def job(
        name: str, who: str, created: dt.datetime, count: int, instance: str, image: str, entry: str
    ) -> None:
        with s.at(created):
            s.sm(who).create_processing_job(
                ProcessingJobName=name,
                ProcessingResources={
                    "ClusterConfig": {"InstanceCount": count, "InstanceType": instance, "VolumeSizeInGB": 50}
                },
                AppSpecification={
                    "ImageUri": image,
                    "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{entry}"],
                },
                RoleArn=ROLE_ARN,
                ProcessingInputs=[
                    {
                        "InputName": "raw",
                        "S3Input": {
                            "S3Uri": "s3://ml-team-data/churn/raw/",
                            "LocalPath": "/opt/ml/processing/input/raw",
                            "S3DataType": "S3Prefix",
                            "S3InputMode": "File",
                        },
                    }
                ],
                ProcessingOutputConfig={
                    "Outputs": [
                        {
                            "OutputName": "features",
                            "S3Output": {
                                "S3Uri": f"s3://ml-team-data/churn/{name}/",
                                "LocalPath": "/opt/ml/processing/output",
                                "S3UploadMode": "EndOfJob",
                            },
                        }
                    ]
                },
                StoppingCondition={"MaxRuntimeInSeconds": 7200},
                Tags=[{"Key": "owner", "Value": who}],
            )
        s.set_fields(
            "processing",
            name,
            CreationTime=created,
            LastModifiedTime=created,
            ProcessingStartTime=created + dt.timedelta(minutes=3),
        )

    created = now - dt.timedelta(days=2, hours=6)
    job(PROCESSING_JOB, "bob", created, 2, "ml.m5.4xlarge", IMAGES["sklearn"], "preprocess.py")
    start, end = created + dt.timedelta(minutes=3), created + dt.timedelta(minutes=17)
    s.set_status(
        "processing",
        PROCESSING_JOB,
        "Completed",
        ProcessingEndTime=end,
        LastModifiedTime=end,
        ExitMessage="Completed: wrote 1,204,551 rows",
    )
    streams = []
    for h in (1, 2):
        stream = f"{PROCESSING_JOB}/algo-{h}-{int(start.timestamp())}"
        ev = [(start, f"Reading s3://ml-team-data/churn/raw/part-{p:05d}.parquet") for p in range(h, 40, 2)]
        ev += [
            (start + dt.timedelta(minutes=5), "Imputing 12 columns; one-hot encoding 7 categoricals"),
            (start + dt.timedelta(minutes=6), "Shard " + ct.tqdm_line(120)),
            (
                end - dt.timedelta(minutes=1),
                f"algo-{h}: wrote {602_275 + h} rows to /opt/ml/processing/output",
            ),
        ]
        s.stream(PROCESSING_GROUP, stream, ev)
        streams.append(stream)
    st.streams[("processing", PROCESSING_JOB)] = streams
    s.job_metrics(
        "/aws/sagemaker/ProcessingJobs",
        [f"{PROCESSING_JOB}/algo-1", f"{PROCESSING_JOB}/algo-2"],
        start,
        end,
        "ml.m5.4xlarge",
    )

    created = now - dt.timedelta(minutes=40)
    job(PROCESSING_IN_PROGRESS, "alice", created, 1, "ml.g5.12xlarge", IMAGES["hf"], "evaluate.py")
    start = created + dt.timedelta(minutes=3)
    s.set_status("processing", PROCESSING_IN_PROGRESS, "InProgress", LastModifiedTime=start)
    stream = f"{PROCESSING_IN_PROGRESS}/algo-1-{int(start.timestamp())}"
    n = int((now - start).total_seconds() // 20)
    ev = [(start, "Loading model from s3://ml-team-artifacts/models/llama3-ft-multinode/checkpoint-1800/")]
    ev += [
        (t, f"eval batch {i}/600 - exact_match: {0.41 + 0.0004 * i:.4f} - rougeL: {0.37 + 0.0003 * i:.4f}")
        for i, t in enumerate(spread(start + dt.timedelta(minutes=1), now - dt.timedelta(seconds=3), n), 1)
    ]
    s.stream(PROCESSING_GROUP, stream, ev)
    st.streams[("processing", PROCESSING_IN_PROGRESS)] = [stream]
    s.keep_running(
        "processing",
        PROCESSING_IN_PROGRESS,
        "ml.g5.12xlarge",
        IMAGES["hf"],
        [stream],
        plan("processing", created, start, now + dt.timedelta(seconds=600 - n), s.engine),
        done=n,
        total=600,
        entry="evaluate.py",
    )
    s.job_metrics(
        "/aws/sagemaker/ProcessingJobs", [f"{PROCESSING_IN_PROGRESS}/algo-1"], start, now, "ml.g5.12xlarge"
    )

    created = now - dt.timedelta(days=1, hours=2)
    job(PROCESSING_FAILED, "ci", created, 1, "ml.m5.xlarge", IMAGES["sklearn"], "check_quality.py")
    start, end = created + dt.timedelta(minutes=3), created + dt.timedelta(minutes=8)
    s.set_status(
        "processing",
        PROCESSING_FAILED,
        "Failed",
        ProcessingEndTime=end,
        LastModifiedTime=end,
        FailureReason=FAILURE_REASON_PROCESSING,
        ExitMessage="ConstraintViolationError: 3 violations",
    )
    stream = f"{PROCESSING_FAILED}/algo-1-{int(start.timestamp())}"
    s.stream(
        PROCESSING_GROUP,
        stream,
        [
            (start, "Running deequ-style checks on s3://ml-team-data/churn/raw/"),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(tenure_months) = 0.91 < 0.99",
            ),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(monthly_charges) = 0.95 < 0.99",
            ),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(contract_type) = 0.97 < 0.99",
            ),
            (
                end,
                'Traceback (most recent call last):\n  File "/opt/ml/processing/input/code/check_quality.py", '
                "line 77, in <module>\n    raise ConstraintViolationError(violations)\n"
                "ConstraintViolationError: 3 violations",
            ),
        ],
    )
    st.streams[("processing", PROCESSING_FAILED)] = [stream]


def create_model(s: Seeder, who: str, name: str, image: str, created: dt.datetime) -> None:
    with s.at(created):
        s.sm(who).create_model(
            ModelName=name,
            ExecutionRoleArn=ROLE_ARN,
            PrimaryContainer={
                "Image": image,
                "ModelDataUrl": f"s3://ml-team-artifacts/models/{name}/model.tar.gz",
                "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
            },
        )


def seed_transform(s: Seeder) -> None:
    now, st = s.now, s.state
    create_model(s, "ci", "churn-xgb-model", IMAGES["xgb"], now - dt.timedelta(days=9, hours=1))
    create_model(s, "alice", "embed-docs-model", IMAGES["inference"], now - dt.timedelta(hours=1))

    def job(name: str, who: str, model: str, created: dt.datetime, count: int, instance: str) -> None:
        with s.at(created):
            s.sm(who).create_transform_job(
                TransformJobName=name,
                ModelName=model,
                MaxConcurrentTransforms=4,
                MaxPayloadInMB=6,
                BatchStrategy="MultiRecord",
                TransformInput={
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": f"s3://ml-team-data/{name}/input/",
                        }
                    },
                    "ContentType": "text/csv",
                    "SplitType": "Line",
                },
                TransformOutput={"S3OutputPath": f"s3://ml-team-data/{name}/output/", "AssembleWith": "Line"},
                TransformResources={"InstanceType": instance, "InstanceCount": count},
                Tags=[{"Key": "owner", "Value": who}],
            )
        s.set_fields(
            "transform",
            name,
            CreationTime=created,
            LastModifiedTime=created,
            TransformStartTime=created + dt.timedelta(minutes=4),
            FailureReason=None,
        )

    created = now - dt.timedelta(days=1, hours=1)
    job(TRANSFORM_JOB, "bob", "churn-xgb-model", created, 2, "ml.m5.xlarge")
    start, end = created + dt.timedelta(minutes=4), created + dt.timedelta(minutes=16)
    s.set_status("transform", TRANSFORM_JOB, "Completed", TransformEndTime=end, LastModifiedTime=end)
    streams = []
    for i, inst in enumerate(TRANSFORM_INSTANCES, start=1):
        base = f"{TRANSFORM_JOB}/{inst}-{int(start.timestamp())}"
        s.stream(
            TRANSFORM_GROUP,
            base,
            [
                (start, "Starting the inference server with 4 workers."),
                (start, "[2026-11-26 23:11:02 +0000] [21] [INFO] Listening at: unix:/tmp/gunicorn.sock (21)"),
                *[
                    (t, ct.access_line(t, "/invocations", 200, s.rng))
                    for t in spread(start + dt.timedelta(minutes=1), end - dt.timedelta(minutes=1), 40)
                ],
            ],
        )
        s.stream(
            TRANSFORM_GROUP,
            f"{base}/data-log",
            [
                (
                    start,
                    "[sagemaker logs]: MaxConcurrentTransforms=4, MaxPayloadInMB=6, BatchStrategy=MULTI_RECORD",
                ),
                *[
                    (
                        t,
                        f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_JOB}/input/part-{2 * p + i:05d}.csv: "
                        "Finished processing",
                    )
                    for p, t in enumerate(spread(start + dt.timedelta(minutes=2), end, 12))
                ],
            ],
        )
        streams += [base, f"{base}/data-log"]
    st.streams[("transform", TRANSFORM_JOB)] = streams
    s.job_metrics(
        "/aws/sagemaker/TransformJobs",
        [f"{TRANSFORM_JOB}/{i}" for i in TRANSFORM_INSTANCES],
        start,
        end,
        "ml.m5.xlarge",
    )

    created = now - dt.timedelta(minutes=25)
    job(TRANSFORM_IN_PROGRESS, "alice", "embed-docs-model", created, 1, "ml.g5.xlarge")
    start = created + dt.timedelta(minutes=4)
    s.set_status("transform", TRANSFORM_IN_PROGRESS, "InProgress", LastModifiedTime=start)
    inst = "i-0e1f2a3b4c5d60003"
    base = f"{TRANSFORM_IN_PROGRESS}/{inst}-{int(start.timestamp())}"
    n = int((now - start).total_seconds() // 15)
    s.stream(
        TRANSFORM_GROUP,
        base,
        [(start, "Starting the inference server with 1 worker.")]
        + [
            (t, ct.access_line(t, "/invocations", 200, s.rng))
            for t in spread(start + dt.timedelta(minutes=1), now - dt.timedelta(seconds=2), n)
        ],
    )
    s.stream(
        TRANSFORM_GROUP,
        f"{base}/data-log",
        [
            (
                t,
                f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_IN_PROGRESS}/input/docs-{p:05d}.jsonl: "
                "Finished processing",
            )
            for p, t in enumerate(spread(start + dt.timedelta(minutes=2), now, 6))
        ],
    )
    st.streams[("transform", TRANSFORM_IN_PROGRESS)] = [base, f"{base}/data-log"]
    s.keep_running(
        "transform",
        TRANSFORM_IN_PROGRESS,
        "ml.g5.xlarge",
        IMAGES["inference"],
        [base],
        plan("transform", created, start, now + dt.timedelta(seconds=194), s.engine),
        done=6,
        total=200,
        hosts=[inst],
    )
    s.job_metrics(
        "/aws/sagemaker/TransformJobs",
        [f"{TRANSFORM_IN_PROGRESS}/{inst}"],
        start,
        now,
        "ml.g5.xlarge",
    )

    # a batch that failed: the model container answered 415 to the CSV it was sent
    created = now - dt.timedelta(hours=7)
    job(TRANSFORM_FAILED, "bob", "churn-xgb-model", created, 1, "ml.m5.xlarge")
    start, end = created + dt.timedelta(minutes=4), created + dt.timedelta(minutes=6)
    s.set_status(
        "transform",
        TRANSFORM_FAILED,
        "Failed",
        TransformEndTime=end,
        LastModifiedTime=end,
        FailureReason="ClientError: See job logs for more information",
    )
    inst = "i-0f9e8d7c6b5a40004"
    base = f"{TRANSFORM_FAILED}/{inst}-{int(start.timestamp())}"
    s.stream(
        TRANSFORM_GROUP,
        base,
        [
            (start, "Starting the inference server with 4 workers."),
            (start + dt.timedelta(minutes=1), ct.access_line(start, "/invocations", 415, s.rng)),
        ],
    )
    s.stream(
        TRANSFORM_GROUP,
        f"{base}/data-log",
        [
            (
                start + dt.timedelta(minutes=1),
                f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_FAILED}/input/part-00000.csv: ClientError: 415",
            ),
            (
                start + dt.timedelta(minutes=1),
                f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_FAILED}/input/part-00000.csv: Bad HTTP status "
                "received from algorithm: 415",
            ),
        ],
    )
    st.streams[("transform", TRANSFORM_FAILED)] = [base, f"{base}/data-log"]
