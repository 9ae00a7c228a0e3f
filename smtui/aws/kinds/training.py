"""Training jobs: ``/aws/sagemaker/TrainingJobs``, a stream ``<job>/algo-<n>-<epoch>`` per instance."""

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
    groups = dig(d, "ResourceConfig", "InstanceGroups") or []
    if groups:
        return ", ".join(times(g.get("InstanceType"), g.get("InstanceCount")) for g in groups)
    return times(dig(d, "ResourceConfig", "InstanceType"), dig(d, "ResourceConfig", "InstanceCount"))


def instance_count(d: Mapping[str, Any]) -> int | None:
    groups = dig(d, "ResourceConfig", "InstanceGroups") or []
    if groups:
        return sum(int(g.get("InstanceCount") or 0) for g in groups) or None
    return count(dig(d, "ResourceConfig", "InstanceCount"))


KIND = ResourceKind(
    key="training",
    title="Training jobs",
    singular="training job",
    aliases=("training", "train", "tj", "trainingjobs", "training-jobs"),
    list_op="list_training_jobs",
    list_key="TrainingJobSummaries",
    name_field="TrainingJobName",
    arn_field="TrainingJobArn",
    status_field="TrainingJobStatus",
    statuses=(*JOB_STATUSES, "Deleting"),
    describe_op="describe_training_job",
    describe_param="TrainingJobName",
    trail_resource_type="AWS::SageMaker::TrainingJob",
    in_progress=JOB_IN_PROGRESS,
    log_group_fmt="/aws/sagemaker/TrainingJobs",
    stream_prefix_fmt="{name}/",
    label=job_label,
    bounded_logs=True,
    metrics_namespace="/aws/sagemaker/TrainingJobs",
    metrics_plan="hosts",
    metric_names=JOB_METRICS,
    columns=JOB_COLUMNS,
    start_field="TrainingStartTime",
    end_field="TrainingEndTime",
    instances_of=instances,
    instance_count=instance_count,
    host_label_fmt="algo-{n}",
    detail_module="smtui.screens.details.training",
    pane_key="2",
)
