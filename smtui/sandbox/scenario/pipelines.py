"""The default scenario's inference pipelines: ``churn-pipeline``, an endpoint whose model is three containers
in a row (scikit-learn preprocessing, XGBoost, postprocessing), each logging its own stream
``[variant]/[instance-id]/[container-name]`` (the container hostnames given in the model), and a batch
transform job behind a pipeline model of two unnamed containers, whose streams SageMaker names
``[job]/[instance-id]-[epoch]/container-1`` and ``container-2``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smtui.sandbox import containers as ct
from smtui.sandbox.scenario.names import IMAGES, ROLE_ARN, TRANSFORM_GROUP, endpoint_group
from smtui.sandbox.scenario.seeder import Seeder

PIPELINE_ENDPOINT = "churn-pipeline"  # InService, AllTraffic: 2 instances x 3 containers
PIPELINE_CONTAINERS = ("preprocess", "xgboost", "postprocess")
PIPELINE_INSTANCES = ("i-0e1d2c3b4a5960021", "i-0e1d2c3b4a5960022")
PIPELINE_TRANSFORM = "batch-score-pipeline"  # Completed, 1 instance x 2 unnamed containers
PIPELINE_TRANSFORM_INSTANCE = "i-0f1e2d3c4b5a60023"


def _model(s: Seeder, who: str, name: str, containers: list[dict[str, Any]], created: dt.datetime) -> None:
    with s.at(created):
        s.sm(who).create_model(ModelName=name, ExecutionRoleArn=ROLE_ARN, Containers=containers)


def _lines(container: str, t: dt.datetime, n: int, rng: Any) -> list[Any]:
    """What each container of the pipeline writes per request."""
    out = []
    for k in range(n):
        when = t + dt.timedelta(seconds=30 * k)
        if container == "preprocess":
            out.append((when, "INFO:sklearn-serving:transformed 1 record(s): 21 features -> 38 columns"))
        elif container == "xgboost":
            out.append((when, ct.access_line(when, "/invocations", 200, rng)))
        else:
            out.append(
                (
                    when,
                    f"INFO:postprocess:score {rng.uniform(0, 1):.4f} -> label {'churn' if k % 7 == 0 else 'stay'}",
                )
            )
    return out


def seed(s: Seeder) -> None:
    now, rng, st = s.now, s.rng, s.state
    created = now - dt.timedelta(days=1, hours=2)
    images = {"preprocess": IMAGES["sklearn"], "xgboost": IMAGES["xgb"], "postprocess": IMAGES["sklearn"]}
    model = f"{PIPELINE_ENDPOINT}-model"
    _model(s, "ci", model, [
        {"ContainerHostname": c, "Image": images[c], "ModelDataUrl": f"s3://ml-team-artifacts/pipeline/{c}.tar.gz"}
        for c in PIPELINE_CONTAINERS
    ], created - dt.timedelta(minutes=3))  # fmt: skip
    variant = {"VariantName": "AllTraffic", "ModelName": model, "InstanceType": "ml.c5.xlarge",
               "InitialInstanceCount": len(PIPELINE_INSTANCES)}  # fmt: skip
    with s.at(created - dt.timedelta(minutes=2)):
        s.sm("ci").create_endpoint_config(
            EndpointConfigName=f"{PIPELINE_ENDPOINT}-config", ProductionVariants=[variant]
        )
    with s.at(created):
        s.sm("ci").create_endpoint(EndpointName=PIPELINE_ENDPOINT, EndpointConfigName=f"{PIPELINE_ENDPOINT}-config",
                                   Tags=[{"Key": "owner", "Value": "ci"}])  # fmt: skip
    s.set_status(
        "endpoint", PIPELINE_ENDPOINT, "InService", CreationTime=created, LastModifiedTime=created + dt.timedelta(minutes=8),
        ProductionVariants=[{
            "VariantName": "AllTraffic",
            "DeployedImages": [{"SpecifiedImage": images[c], "ResolvedImage": images[c].split(":")[0] + "@sha256:" + "5e" * 32,
                                "ResolutionTime": created} for c in PIPELINE_CONTAINERS],
            "CurrentWeight": 1.0, "DesiredWeight": 1.0,
            "CurrentInstanceCount": len(PIPELINE_INSTANCES), "DesiredInstanceCount": len(PIPELINE_INSTANCES),
        }],
    )  # fmt: skip
    group, streams = endpoint_group(PIPELINE_ENDPOINT), []
    window = now - dt.timedelta(hours=1)
    for inst in PIPELINE_INSTANCES:
        for c in PIPELINE_CONTAINERS:
            stream = f"AllTraffic/{inst}/{c}"
            banner = (
                ct.gunicorn_banner(window, c)
                if c == "xgboost"
                else [(window, f"INFO:{c}:serving on port 8080")]
            )
            s.stream(group, stream, [*banner, *_lines(c, window + dt.timedelta(seconds=5), 100, rng)])
            streams.append(stream)
    st.streams[("endpoint", PIPELINE_ENDPOINT)] = streams

    # a batch transform job behind a pipeline model whose containers have no names: container-1, container-2
    model = f"{PIPELINE_TRANSFORM}-model"
    created = now - dt.timedelta(hours=14)
    _model(
        s,
        "bob",
        model,
        [{"Image": IMAGES["sklearn"]}, {"Image": IMAGES["xgb"]}],
        created - dt.timedelta(minutes=5),
    )
    with s.at(created):
        s.sm("bob").create_transform_job(
            TransformJobName=PIPELINE_TRANSFORM, ModelName=model,
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://ml-team-data/churn/score/"}},
                            "ContentType": "text/csv", "SplitType": "Line"},
            TransformOutput={"S3OutputPath": "s3://ml-team-artifacts/batch/pipeline/", "AssembleWith": "Line"},
            TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        )  # fmt: skip
    start, end = created + dt.timedelta(minutes=4), created + dt.timedelta(minutes=19)
    s.set_status("transform", PIPELINE_TRANSFORM, "Completed", CreationTime=created, LastModifiedTime=end,
                 TransformStartTime=start, TransformEndTime=end)  # fmt: skip
    base = f"{PIPELINE_TRANSFORM}/{PIPELINE_TRANSFORM_INSTANCE}-{int(start.timestamp())}"
    streams = [f"{base}/container-1", f"{base}/container-2"]
    s.stream(TRANSFORM_GROUP, streams[0], _lines("preprocess", start + dt.timedelta(seconds=10), 20, rng))
    s.stream(TRANSFORM_GROUP, streams[1], [*ct.gunicorn_banner(start, "xgboost-model"),
                                           *_lines("xgboost", start + dt.timedelta(seconds=12), 20, rng)])  # fmt: skip
    st.streams[("transform", PIPELINE_TRANSFORM)] = streams
