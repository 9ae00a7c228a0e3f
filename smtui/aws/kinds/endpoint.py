"""Endpoints: a log group of their own, ``/aws/sagemaker/Endpoints/<name>``, a stream
``<variant>/<instance-id>`` per instance (``<variant>/<instance-id>/<container-name>`` per container of an
inference pipeline, ``container-1``, ``container-2``... when the model names none: the label says which
container a line is from); metrics per variant; the detail shows the endpoint config too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, Related, ResourceKind, plain_label


def variants(d: Mapping[str, Any]) -> str:
    """``AllTraffic 2``, ``AllTraffic 1/2`` (current/desired), ``AllTraffic serverless``."""
    parts = []
    for v in d.get("ProductionVariants") or []:
        cur, want = v.get("CurrentInstanceCount"), v.get("DesiredInstanceCount")
        count = (
            ""
            if cur is None and want is None
            else (f" {cur}" if want in (None, cur) else f" {cur if cur is not None else '-'}/{want}")
        )
        if v.get("CurrentServerlessConfig") or v.get("DesiredServerlessConfig"):
            count = " serverless"
        parts.append(f"{v.get('VariantName', '?')}{count}")
    return ", ".join(parts)


def instance_count(d: Mapping[str, Any]) -> int | None:
    return sum(int(v.get("CurrentInstanceCount") or 0) for v in d.get("ProductionVariants") or []) or None


KIND = ResourceKind(
    key="endpoint",
    title="Endpoints",
    singular="endpoint",
    aliases=("endpoints", "ep", "eps", "endpoint"),
    list_op="list_endpoints",
    list_key="Endpoints",
    name_field="EndpointName",
    arn_field="EndpointArn",
    status_field="EndpointStatus",
    statuses=(
        "Creating",
        "Updating",
        "SystemUpdating",
        "RollingBack",
        "InService",
        "OutOfService",
        "Deleting",
        "Failed",
        "UpdateRollbackFailed",
    ),  # fmt: skip
    describe_op="describe_endpoint",
    describe_param="EndpointName",
    trail_resource_type="AWS::SageMaker::Endpoint",
    in_progress=frozenset({"Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"}),
    log_group_fmt="/aws/sagemaker/Endpoints/{name}",
    label=plain_label,
    host_parts=2,
    metrics_namespace="AWS/SageMaker",
    metrics_plan="variants",
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("modified", "MODIFIED"),
        Column("variants", "VARIANTS"),
        Column("reason", "REASON"),
    ),
    instances_of=variants,
    instance_count=instance_count,
    related=(
        Related("describe_endpoint_config", "EndpointConfigName", "EndpointConfigName", "Endpoint config"),
    ),
    detail_module="smtui.screens.details.endpoint",
    pane_key="1",
    live_statuses=frozenset({"InService", ""}),
    health_checks=True,
)
