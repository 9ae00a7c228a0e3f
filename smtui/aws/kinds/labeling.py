"""Ground Truth labeling jobs: ``/aws/sagemaker/LabelingJobs``, one stream ``[job]`` per job (its name, whole);
the pane shows how far the labeling is (labeled of total, by humans and by the machine)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, ResourceKind, dig


def progress(d: Mapping[str, Any]) -> str:
    """``1,840 labeled (1,200 human, 640 auto), 160 left, 3 failed`` from LabelCounters."""
    c = d.get("LabelCounters")
    if not isinstance(c, Mapping):
        return ""
    total, human, auto = c.get("TotalLabeled") or 0, c.get("HumanLabeled") or 0, c.get("MachineLabeled") or 0
    text = f"{total:,} labeled"
    if auto:
        text += f" ({human:,} human, {auto:,} auto)"
    if c.get("Unlabeled"):
        text += f", {c['Unlabeled']:,} left"
    if c.get("FailedNonRetryableError"):
        text += f", {c['FailedNonRetryableError']:,} failed"
    return text


def row_extra(d: Mapping[str, Any]) -> dict[str, Any]:
    workteam = str(d.get("WorkteamArn") or dig(d, "HumanTaskConfig", "WorkteamArn") or "")
    return {"labels": progress(d), "workteam": workteam.rsplit("/", 1)[-1]}


def label(stream: str, prefix: str) -> str:
    """The job's one stream is its name; anything under it keeps what follows."""
    return stream[len(prefix) + 1 :] if stream.startswith(prefix + "/") else stream


KIND = ResourceKind(
    key="labeling",
    title="Labeling jobs",
    singular="labeling job",
    aliases=("label", "labeling-jobs", "labelingjobs", "lj", "gt", "groundtruth"),
    list_op="list_labeling_jobs",
    list_key="LabelingJobSummaryList",
    name_field="LabelingJobName",
    arn_field="LabelingJobArn",
    status_field="LabelingJobStatus",
    statuses=("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped"),
    describe_op="describe_labeling_job",
    describe_param="LabelingJobName",
    trail_resource_type="AWS::SageMaker::LabelingJob",
    in_progress=frozenset({"Initializing", "InProgress", "Stopping"}),
    log_group_fmt="/aws/sagemaker/LabelingJobs",
    stream_prefix_fmt="{name}",
    label=label,
    bounded_logs=True,
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("duration", "DURATION"),
        Column("labels", "LABELS"),
        Column("workteam", "WORKTEAM"),
        Column("reason", "REASON"),
    ),
    row_extra=row_extra,
)
