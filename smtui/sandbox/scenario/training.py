"""The default scenario's training jobs: the multi-node fine-tune still training (on the lifecycles when the
driver is on), a completed BERT run with a 256 KB log line, a CUDA out-of-memory failure, XGBoost runs
(spot, stopped, the prefix-collision pair), the hostile-escapes job and a week of nightly retraining."""

from __future__ import annotations

import datetime as dt

from smtui.sandbox import containers as ct
from smtui.sandbox.scenario.names import (
    COMPLETED_JOB,
    CSI_CLEAR,
    FAILED_JOB,
    FAILURE_REASON_OOM,
    HOSTILE_JOB,
    HOSTILE_LINES,
    IMAGES,
    LONG_LINE_BYTES,
    MULTI_NODE_COUNT,
    MULTI_NODE_JOB,
    NIGHTLY_DAYS,
    NIGHTLY_PREFIX,
    OSC_TITLE,
    PREFIX_JOB,
    PREFIX_JOB_2,
    ROLE_ARN,
    SPOT_JOB,
    STOPPED_JOB,
    TRAINING_GROUP,
)
from smtui.sandbox.scenario.seeder import Seeder, spread
from smtui.sandbox.timeline import Step, job_fields


def create_job(
    s: Seeder,
    who: str,
    name: str,
    *,
    created: dt.datetime,
    image: str,
    instance: str,
    count: int,
    hyper: dict[str, str],
    spot: bool = False,
    tags: list[dict[str, str]] | None = None,
    inputs: tuple[str, ...] = ("train", "validation"),
    entry: str = "train.py",
) -> None:
    data = [
        {
            "ChannelName": ch,
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": f"s3://ml-team-data/{name.split('-')[0]}/{ch}/",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
            "ContentType": "application/x-parquet",
            "CompressionType": "None",
            "RecordWrapperType": "None",
            "InputMode": "File",
        }
        for ch in inputs
    ]
    with s.at(created):
        s.sm(who).create_training_job(
            TrainingJobName=name,
            HyperParameters={**hyper, "sagemaker_program": entry},
            AlgorithmSpecification={
                "TrainingImage": image,
                "TrainingInputMode": "File",
                "EnableSageMakerMetricsTimeSeries": True,
            },
            RoleArn=ROLE_ARN,
            InputDataConfig=data,
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": instance, "InstanceCount": count, "VolumeSizeInGB": 100},
            StoppingCondition={
                "MaxRuntimeInSeconds": 86400,
                **({"MaxWaitTimeInSeconds": 172800} if spot else {}),
            },
            EnableManagedSpotTraining=spot,
            Tags=tags or [{"Key": "owner", "Value": who}],
        )
    metric_defs = [
        {"Name": "train:loss", "Regex": "'loss': ([0-9.]+)"},
        {"Name": "validation:accuracy", "Regex": "val_accuracy: ([0-9.]+)"},
    ]
    s.set_fields(
        "training",
        name,
        CreationTime=created,
        LastModifiedTime=created,
        AlgorithmSpecification={
            "TrainingImage": image,
            "TrainingInputMode": "File",
            "MetricDefinitions": metric_defs,
            "EnableSageMakerMetricsTimeSeries": True,
        },
        FinalMetricDataList=None,
        EnableManagedSpotTraining=spot,
    )


def history(
    created: dt.datetime, start: dt.datetime, end: dt.datetime | None, final: str, failure: str | None = None
) -> list[Step]:
    """The steps of a job created at ``created`` that trained from ``start`` to ``end`` (None: still does),
    then ended ``final``."""
    t0, t1 = created.timestamp(), start.timestamp()
    steps = [
        Step("Starting", t0, "Preparing the instances for training"),
        Step("Downloading", (t0 + t1) / 2, "Downloading input data"),
        Step("Training", t1, "Training image download completed. Training in progress."),
    ]
    if end is None:
        return steps
    t2 = end.timestamp()
    if final == "Completed":
        steps += [
            Step("Uploading", t2, "Uploading generated training model"),
            Step("Completed", t2 + 40, "Training job completed"),
        ]
    elif final == "Failed":
        steps.append(Step("Failed", t2, f"Training job failed. {failure or ''}".strip()))
    elif final == "Stopped":
        steps += [
            Step("Stopping", t2, "Stopping the training job"),
            Step("Stopped", t2 + 20, "Training job stopped"),
        ]
    return steps


def finish(
    s: Seeder,
    name: str,
    status: str,
    created: dt.datetime,
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    failure: str | None = None,
    billable: int | None = None,
    metrics: list[tuple[str, float]] | tuple[()] = (),
    spot: bool = False,
) -> None:
    steps = history(created, start, end, status, failure)
    fields = job_fields(
        "training", steps, metrics=metrics, failure=failure or "", spot=spot, billable=billable
    )
    if end is None:
        fields["LastModifiedTime"] = start
    if spot:
        fields["EnableManagedSpotTraining"] = True
    fields.setdefault("TrainingEndTime", None)
    s.set_status("training", name, fields.pop("TrainingJobStatus"), **fields)


def keep_training(
    s: Seeder,
    name: str,
    instance: str,
    created: dt.datetime,
    start: dt.datetime,
    streams: list[str],
    done: int,
    total: int,
    entry: str,
) -> None:
    """The still-training job goes on a step a second, then uploads and completes."""
    if s.engine is None:
        return
    from smtui.sandbox.lifecycle import PHASES

    end = s.now.timestamp() + (total - done) * 1.0
    upload = {p: secs for p, secs, _ in PHASES["training"]}["Uploading"]
    steps = history(created, start, None, "InProgress") + [
        Step("Uploading", end, "Uploading generated training model"),
        Step("Completed", end + s.engine.clock.compress(upload), "Training job completed"),
    ]
    s.keep_running(
        "training", name, instance, IMAGES["hf"], streams, steps, done=done, total=total, entry=entry
    )


def seed(s: Seeder) -> None:
    now, rng = s.now, s.rng
    st = s.state

    # --- the multi-node LLM fine-tune, still training
    name = MULTI_NODE_JOB
    created = now - dt.timedelta(hours=2, minutes=15)
    start = created + dt.timedelta(minutes=8)
    create_job(
        s,
        "alice",
        name,
        created=created,
        image=IMAGES["hf"],
        instance="ml.p4d.24xlarge",
        count=MULTI_NODE_COUNT,
        hyper={
            "model_id": "meta-llama/Meta-Llama-3-8B",
            "epochs": "3",
            "per_device_train_batch_size": "4",
            "lr": "2e-5",
        },
    )
    finish(s, name, "InProgress", created, start, None)
    epoch = int(start.timestamp())
    streams, hosts = [], []
    n_steps = int((now - start).total_seconds() // 30)
    for h in range(1, MULTI_NODE_COUNT + 1):
        host = f"algo-{h}"
        stream = f"{name}/{host}-{epoch}"
        ev = ct.training_banner(
            start, host, MULTI_NODE_COUNT, "sagemaker_pytorch_container.training:main", "run_clm.py"
        )
        t = start + dt.timedelta(seconds=20)
        ev += [
            *ct.nccl_lines(t, host, h),
            (
                t + dt.timedelta(seconds=2),
                f"\x1b[32mINFO\x1b[0m rank {8 * (h - 1)}: world size 32, local rank 0, node rank {h - 1}",
            ),
            (t + dt.timedelta(seconds=30), "Loading checkpoint shards: " + ct.tqdm_line(4, steps=4)),
            (t + dt.timedelta(seconds=60), "Map (num_proc=32): " + ct.tqdm_line(500)),
        ]
        for i, when in enumerate(
            spread(start + dt.timedelta(minutes=2), now - dt.timedelta(seconds=5), n_steps), start=1
        ):
            ev.append(
                (when, ct.hf_step_line(i, n_steps + 2000, rng) if h == 1 else ct.worker_line(host, i, rng))
            )
            if h == 1 and i % 50 == 0:
                ev.append(
                    (
                        when,
                        f"\x1b[33mWARNING\x1b[0m step {i}: gradient overflow, skipping step, "
                        "reducing loss scale to 32768.0",
                    )
                )
        s.stream(TRAINING_GROUP, stream, ev)
        streams.append(stream)
        hosts.append(f"{name}/{host}")
    st.streams[("training", name)] = list(streams)
    keep_training(s, name, "ml.p4d.24xlarge", created, start, streams, n_steps, n_steps + 2000, "run_clm.py")
    s.job_metrics("/aws/sagemaker/TrainingJobs", hosts, start, now, "ml.p4d.24xlarge")

    # --- completed BERT fine-tune with the 256 KB line
    name = COMPLETED_JOB
    created = now - dt.timedelta(days=1, hours=3)
    start, end = created + dt.timedelta(minutes=5), created + dt.timedelta(minutes=52)
    create_job(
        s,
        "bob",
        name,
        created=created,
        image=IMAGES["hf"],
        instance="ml.g5.2xlarge",
        count=1,
        hyper={
            "model_name": "bert-base-uncased",
            "epochs": "10",
            "train_batch_size": "32",
            "learning_rate": "3e-5",
            "warmup_steps": "500",
        },
    )
    finish(
        s,
        name,
        "Completed",
        created,
        start,
        end,
        metrics=[("train:loss", 0.1214), ("validation:accuracy", 0.9132), ("validation:f1", 0.9087)],
    )
    ev = ct.training_banner(
        start, "algo-1", 1, "sagemaker_huggingface_pytorch_container.training:main", "train.py"
    )
    times = spread(start + dt.timedelta(minutes=1), end - dt.timedelta(minutes=1), 10)
    for e, when in enumerate(times, start=1):
        ev.append((when - dt.timedelta(seconds=30), f"Epoch {e}/10: " + ct.tqdm_line(500)))
        loss = 0.69 * (0.78**e)
        acc = 0.80 + 0.012 * e - rng.uniform(0, 0.004)
        ev.append(
            (when, f"epoch {e}/10 - loss: {loss:.4f} - val_loss: {loss * 1.1:.4f} - val_accuracy: {acc:.4f}")
        )
        if e == 4:
            payload = "tokenizer vocab dump: " + "abcdefghij" * (LONG_LINE_BYTES // 10)
            ev.append((when + dt.timedelta(seconds=1), payload[:LONG_LINE_BYTES]))
    ev.append((end, "Saving model checkpoint to /opt/ml/model"))
    ev += ct.training_success(end)
    s.stream(TRAINING_GROUP, f"{name}/algo-1-{int(start.timestamp())}", ev)
    st.streams[("training", name)] = [f"{name}/algo-1-{int(start.timestamp())}"]
    s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, "ml.g5.2xlarge")

    # --- failed ResNet: CUDA OOM
    name = FAILED_JOB
    created = now - dt.timedelta(hours=20)
    start, end = created + dt.timedelta(minutes=6), created + dt.timedelta(minutes=17)
    create_job(
        s,
        "alice",
        name,
        created=created,
        image=IMAGES["pytorch"],
        instance="ml.p3.2xlarge",
        count=1,
        hyper={"arch": "resnet50", "batch-size": "512", "epochs": "90", "lr": "0.1"},
    )
    finish(s, name, "Failed", created, start, end, failure=FAILURE_REASON_OOM)
    ev = ct.training_banner(start, "algo-1", 1, "sagemaker_pytorch_container.training:main", "train.py")
    ev.append((start + dt.timedelta(minutes=1), "=> creating model 'resnet50'"))
    ev.append((start + dt.timedelta(minutes=2), "Epoch: [0][  0/2503]\tTime  4.211\tLoss 6.9312"))
    ev.append((start + dt.timedelta(minutes=3), "Epoch: [0][ 10/2503]\tTime  0.612\tLoss 6.9011"))
    ev.append((end - dt.timedelta(seconds=5), ct.PYTHON_TRACEBACK))
    ev += ct.training_failure(
        end, ct.OOM_ERROR, "/opt/conda/bin/python3.10 train.py --batch-size 512 --epochs 90"
    )
    stream = f"{name}/algo-1-{int(start.timestamp())}"
    s.stream(TRAINING_GROUP, stream, ev)
    st.streams[("training", name)] = [stream]
    s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, "ml.p3.2xlarge")

    # --- xgboost jobs
    def xgb(
        name: str,
        who: str,
        created: dt.datetime,
        minutes: int,
        status: str,
        *,
        spot: bool = False,
        rounds: int = 100,
        billable: int | None = None,
        lines: list[str] | None = None,
    ) -> None:
        start = created + dt.timedelta(minutes=3)
        end = start + dt.timedelta(minutes=minutes)
        create_job(
            s,
            who,
            name,
            created=created,
            image=IMAGES["xgb"],
            instance="ml.m5.xlarge",
            count=1,
            hyper={
                "objective": "binary:logistic",
                "num_round": str(rounds),
                "max_depth": "6",
                "eta": "0.2",
                "eval_metric": "auc",
            },
            spot=spot,
        )
        finish(
            s,
            name,
            status,
            created,
            start,
            end,
            billable=billable,
            spot=spot,
            metrics=[("train:auc", 0.9731), ("validation:auc", 0.9412)] if status == "Completed" else [],
        )
        ev = ct.xgb_banner(start)
        for line in lines or []:
            ev.append((start + dt.timedelta(seconds=5), line))
        shown = rounds if status == "Completed" else rounds // 3
        for i, when in enumerate(spread(start + dt.timedelta(seconds=10), end, shown)):
            ev.append((when, ct.xgb_round_line(i, rng)))
        if status == "Stopped":
            ev.append((end, "Received SIGTERM: stopping training (StopTrainingJob)"))
        stream = f"{name}/algo-1-{int(start.timestamp())}"
        s.stream(TRAINING_GROUP, stream, ev)
        st.streams[("training", name)] = [stream]
        s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, "ml.m5.xlarge")

    xgb(SPOT_JOB, "bob", now - dt.timedelta(days=2, hours=5), 18, "Completed", spot=True, billable=378)
    xgb(STOPPED_JOB, "alice", now - dt.timedelta(days=1, hours=20), 15, "Stopped", rounds=300)
    xgb(
        PREFIX_JOB,
        "bob",
        now - dt.timedelta(days=3, hours=2),
        6,
        "Completed",
        rounds=20,
        lines=["PREFIX-PAIR marker: this line belongs to job 'train' only"],
    )
    xgb(
        PREFIX_JOB_2,
        "bob",
        now - dt.timedelta(days=3, hours=1),
        7,
        "Completed",
        rounds=24,
        lines=["PREFIX-PAIR marker: this line belongs to job 'train-2' only"],
    )

    # --- the hostile job: escape sequences in logs, hyperparameters and tags
    name = HOSTILE_JOB
    created = now - dt.timedelta(hours=6)
    start, end = created + dt.timedelta(minutes=2), created + dt.timedelta(minutes=9)
    create_job(
        s,
        "bob",
        name,
        created=created,
        image=IMAGES["pytorch"],
        instance="ml.m5.large",
        count=1,
        hyper={"note": f"{OSC_TITLE}innocent hyperparameter", "epochs": "1"},
        tags=[
            {"Key": "owner", "Value": "bob"},
            {"Key": "failure-note", "Value": f"AlgorithmError: {CSI_CLEAR}tag with an escape"},
        ],
    )
    finish(s, name, "Completed", created, start, end)
    ev = [(start + dt.timedelta(seconds=i), line) for i, line in enumerate(HOSTILE_LINES)]
    stream = f"{name}/algo-1-{int(start.timestamp())}"
    s.stream(TRAINING_GROUP, stream, ev)
    st.streams[("training", name)] = [stream]

    # --- nightly retraining by the CI pipeline (two manual reruns by the Studio users)
    for d in range(NIGHTLY_DAYS, 0, -1):
        day = (now - dt.timedelta(days=d)).replace(hour=2, minute=0, second=0)
        name = f"{NIGHTLY_PREFIX}{day:%Y-%m-%d}"
        who = {3: "alice", 5: "bob"}.get(d, "ci")
        xgb(name, who, day, 11 + d, "Completed", rounds=60)
