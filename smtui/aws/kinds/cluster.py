"""HyperPod clusters: a log group of each cluster's own, ``/aws/sagemaker/Clusters/<name>/<id>`` (the id is
the last part of its ARN, so the group is named from the Describe answer), with a stream
``LifecycleConfig/<instance-group>/<instance-id>`` per node; the detail shows the instance groups and the
nodes (ListClusterNodes, a related call). ListClusters sorts by ``CREATION_TIME`` and filters by name and
creation time only; a cluster says why it failed in ``FailureMessage``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, Related, ResourceKind

#: the prefix of its nodes' lifecycle-script streams, left out of their labels
LIFECYCLE_PREFIX = "LifecycleConfig/"


def cluster_id(describe: Mapping[str, Any] | None) -> str:
    """``k5kfwfkvczaa`` from ``arn:aws:sagemaker:…:cluster/k5kfwfkvczaa``; "" when not known yet."""
    arn = str((describe or {}).get("ClusterArn") or "")
    return arn.rsplit("/", 1)[-1] if "/" in arn else ""


def log_group(name: str, describe: Mapping[str, Any] | None) -> str:
    return f"/aws/sagemaker/Clusters/{name}/{cluster_id(describe) or '<id>'}"


def label(stream: str, prefix: str) -> str:
    """``LifecycleConfig/worker-group-1/i-0abc`` -> ``worker-group-1/i-0abc``."""
    return stream[len(LIFECYCLE_PREFIX) :] if stream.startswith(LIFECYCLE_PREFIX) else stream


def instances(d: Mapping[str, Any]) -> str:
    """``worker-group-1 ml.p5.48xlarge 4/4, controller ml.m5.xlarge 1`` (current/target where they differ)."""
    parts = []
    for g in d.get("InstanceGroups") or []:
        cur, want = g.get("CurrentCount"), g.get("TargetCount")
        n = f"{cur}" if want in (None, cur) else f"{cur if cur is not None else '-'}/{want}"
        parts.append(f"{g.get('InstanceGroupName', '?')} {g.get('InstanceType', '')} {n}".replace("  ", " "))
    return ", ".join(parts)


KIND = ResourceKind(
    key="cluster",
    title="HyperPod clusters",
    singular="HyperPod cluster",
    aliases=("clusters", "hyperpod", "hp", "hyperpod-clusters"),
    list_op="list_clusters",
    list_key="ClusterSummaries",
    name_field="ClusterName",
    arn_field="ClusterArn",
    status_field="ClusterStatus",
    statuses=("Creating", "Updating", "SystemUpdating", "RollingBack", "InService", "Deleting", "Failed"),
    describe_op="describe_cluster",
    describe_param="ClusterName",
    trail_resource_type="AWS::SageMaker::Cluster",
    in_progress=frozenset({"Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"}),
    log_group_fmt="/aws/sagemaker/Clusters/{name}/<id>",
    log_group_of=log_group,
    label=label,
    log_window=None,
    live_statuses=frozenset({"InService", "Updating", "SystemUpdating"}),
    list_sort_by="CREATION_TIME",
    list_filters=frozenset({"name", "created"}),
    failure_field="FailureMessage",
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("instances", "INSTANCE GROUPS"),
        Column("reason", "REASON"),
    ),
    instances_of=instances,
    related=(Related("list_cluster_nodes", "ClusterName", "ClusterName", "Nodes"),),
    detail_module="smtui.screens.details.cluster",
)
