"""Processing jobs: ``/aws/sagemaker/ProcessingJobs``, a stream ``<job>/algo-<n>-<epoch>`` per instance."""

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
    cluster = dig(d, "ProcessingResources", "ClusterConfig") or {}
    return times(cluster.get("InstanceType"), cluster.get("InstanceCount"))


def instance_count(d: Mapping[str, Any]) -> int | None:
    return count(dig(d, "ProcessingResources", "ClusterConfig", "InstanceCount"))


KIND = ResourceKind(
    key="processing",
    title="Processing jobs",
    singular="processing job",
    aliases=("processing", "proc", "pj", "processingjobs", "processing-jobs"),
    list_op="list_processing_jobs",
    list_key="ProcessingJobSummaries",
    name_field="ProcessingJobName",
    arn_field="ProcessingJobArn",
    status_field="ProcessingJobStatus",
    statuses=JOB_STATUSES,
    describe_op="describe_processing_job",
    describe_param="ProcessingJobName",
    trail_resource_type="AWS::SageMaker::ProcessingJob",
    in_progress=JOB_IN_PROGRESS,
    log_group_fmt="/aws/sagemaker/ProcessingJobs",
    stream_prefix_fmt="{name}/",
    label=job_label,
    bounded_logs=True,
    metrics_namespace="/aws/sagemaker/ProcessingJobs",
    metrics_plan="hosts",
    metric_names=JOB_METRICS,
    columns=JOB_COLUMNS,
    start_field="ProcessingStartTime",
    end_field="ProcessingEndTime",
    instances_of=instances,
    instance_count=instance_count,
    host_label_fmt="algo-{n}",
    detail_module="smtui.screens.details.processing",
    pane_key="3",
)
