"""Inference Recommender jobs: ``/aws/sagemaker/InferenceRecommendationsJobs``, streams ``[job]/execution``,
``[job]/CompilationJob/[name]`` and ``[job]/Endpoint/[name]`` (one per benchmark endpoint it deployed);
statuses are upper case (``IN_PROGRESS``); the pane shows the model, the job type and the best
recommendation found so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, ResourceKind, dig, plain_label

STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED", "DELETING", "DELETED")


def best(d: Mapping[str, Any]) -> str:
    """``ml.c5.xlarge x1: 41 ms, $0.0002/inference`` (the cheapest recommendation per inference)."""
    recs = [r for r in d.get("InferenceRecommendations") or [] if isinstance(r, Mapping)]
    if not recs:
        return ""

    def cost(r: Mapping[str, Any]) -> float:
        value = dig(r, "Metrics", "CostPerInference")
        return float(value) if value is not None else float("inf")

    r = min(recs, key=cost)
    it = dig(r, "EndpointConfiguration", "InstanceType") or "serverless"
    n = dig(r, "EndpointConfiguration", "InitialInstanceCount")
    text = f"{it} x{n}" if n else str(it)
    latency = dig(r, "Metrics", "ModelLatency")
    if latency is not None:
        text += f": {latency} ms"
    if cost(r) != float("inf"):
        text += f", ${cost(r):.4f}/inference"
    return text


def row_extra(d: Mapping[str, Any]) -> dict[str, Any]:
    model = d.get("ModelName") or dig(d, "InputConfig", "ModelName") or ""
    if not model and dig(d, "InputConfig", "ModelPackageVersionArn"):
        model = str(dig(d, "InputConfig", "ModelPackageVersionArn")).rsplit("/", 2)[-2]
    return {"model": model, "type": d.get("JobType") or "", "best": best(d)}


KIND = ResourceKind(
    key="recommendation",
    title="Inference recommendations jobs",
    singular="inference recommendations job",
    aliases=("rec", "recommendations", "recommendation-jobs", "recommender", "recs", "ir"),
    list_op="list_inference_recommendations_jobs",
    list_key="InferenceRecommendationsJobs",
    name_field="JobName",
    arn_field="JobArn",
    status_field="Status",
    statuses=STATUSES,
    describe_op="describe_inference_recommendations_job",
    describe_param="JobName",
    trail_resource_type="AWS::SageMaker::InferenceRecommendationsJob",
    in_progress=frozenset({"PENDING", "IN_PROGRESS", "STOPPING", "DELETING"}),
    log_group_fmt="/aws/sagemaker/InferenceRecommendationsJobs",
    stream_prefix_fmt="{name}/",
    label=plain_label,
    bounded_logs=True,
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("duration", "DURATION"),
        Column("model", "MODEL"),
        Column("type", "TYPE"),
        Column("best", "BEST"),
        Column("reason", "REASON"),
    ),
    end_field="CompletionTime",
    row_extra=row_extra,
)
