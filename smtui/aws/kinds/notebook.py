"""Notebook instances: ``/aws/sagemaker/NotebookInstances``, a stream ``<name>/jupyter.log`` and, for an
instance with a lifecycle configuration, ``<name>/LifecycleConfigOnCreate`` and ``<name>/LifecycleConfigOnStart``
(the developer guide's ``[notebook-instance-name]/[LifecycleConfigHook]``). One instance, logging as long as it
is in service; no instance metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, ResourceKind, plain_label


def instances(d: Mapping[str, Any]) -> str:
    kind = str(d.get("InstanceType") or "")
    accelerators = ", ".join(str(a) for a in d.get("AcceleratorTypes") or [])
    return f"{kind} + {accelerators}" if kind and accelerators else kind


KIND = ResourceKind(
    key="notebook",
    title="Notebook instances",
    singular="notebook instance",
    aliases=("notebooks", "nb", "nbs", "notebook-instances", "notebookinstances"),
    list_op="list_notebook_instances",
    list_key="NotebookInstances",
    name_field="NotebookInstanceName",
    arn_field="NotebookInstanceArn",
    status_field="NotebookInstanceStatus",
    statuses=(
        "Pending",
        "InService",
        "Stopping",
        "Stopped",
        "Failed",
        "Deleting",
        "Updating",
    ),  # fmt: skip
    describe_op="describe_notebook_instance",
    describe_param="NotebookInstanceName",
    trail_resource_type="AWS::SageMaker::NotebookInstance",
    in_progress=frozenset({"Pending", "Stopping", "Deleting", "Updating"}),
    log_group_fmt="/aws/sagemaker/NotebookInstances",
    stream_prefix_fmt="{name}/",
    label=plain_label,
    log_window=None,
    live_statuses=frozenset({"InService"}),
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("modified", "MODIFIED"),
        Column("instances", "INSTANCE"),
        Column("reason", "REASON"),
    ),
    instances_of=instances,
    instance_count=lambda d: 1,
    detail_module="smtui.screens.details.notebook",
)
