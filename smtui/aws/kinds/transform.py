"""Batch transform jobs: ``/aws/sagemaker/TransformJobs``, streams ``<job>/<instance-id>-<epoch>`` (and
``/data-log``) per instance; their metrics' Host values come from ListMetrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import (
    JOB_COLUMNS,
    JOB_IN_PROGRESS,
    JOB_METRICS,
    JOB_STATUSES,
    ResourceKind,
    count,
    dig,
    job_label,
    times,
)


def instances(d: Mapping[str, Any]) -> str:
    return times(dig(d, "TransformResources", "InstanceType"), dig(d, "TransformResources", "InstanceCount"))


def instance_count(d: Mapping[str, Any]) -> int | None:
    return count(dig(d, "TransformResources", "InstanceCount"))


KIND = ResourceKind(
    key="transform",
    title="Transform jobs",
    singular="transform job",
    aliases=("transform", "batch", "xf", "transformjobs", "transform-jobs"),
    list_op="list_transform_jobs",
    list_key="TransformJobSummaries",
    name_field="TransformJobName",
    arn_field="TransformJobArn",
    status_field="TransformJobStatus",
    statuses=JOB_STATUSES,
    describe_op="describe_transform_job",
    describe_param="TransformJobName",
    trail_resource_type="AWS::SageMaker::TransformJob",
    in_progress=JOB_IN_PROGRESS,
    log_group_fmt="/aws/sagemaker/TransformJobs",
    stream_prefix_fmt="{name}/",
    label=job_label,
    bounded_logs=True,
    metrics_namespace="/aws/sagemaker/TransformJobs",
    metrics_plan="discovered-hosts",
    metric_names=tuple(m for m in JOB_METRICS if m != "DiskUtilization"),  # transform hosts publish no disk
    columns=JOB_COLUMNS,
    start_field="TransformStartTime",
    end_field="TransformEndTime",
    instances_of=instances,
    instance_count=instance_count,
    detail_module="smtui.screens.details.transform",
    pane_key="4",
)
