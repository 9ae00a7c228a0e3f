"""The registry of SageMaker resource kinds smtui shows.

Each :class:`ResourceKind` says how to list and describe the kind, which statuses it has, which
columns its pane shows, where its CloudWatch logs live (the table in the developer guide's
"CloudWatch Logs for Amazon SageMaker AI" page) and how a stream name becomes a short source label.
Panes, the ``:`` command line, detail screens, the log view and the audit view all follow from
this table: adding a kind is one entry in :data:`KINDS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Statuses by colour class, used by every pane.
GOOD = frozenset({"Completed", "InService"})
BAD = frozenset({"Failed", "UpdateRollbackFailed", "OutOfService", "RollingBack"})
ACTIVE = frozenset({"InProgress", "Creating", "Updating", "SystemUpdating", "Stopping", "Deleting"})
STOPPED = frozenset({"Stopped"})


def status_style(status: str) -> str:
    if status in GOOD:
        return "green"
    if status in BAD:
        return "bold red"
    if status in ACTIVE:
        return "yellow"
    if status in STOPPED:
        return "magenta"
    return "dim"


@dataclass(frozen=True)
class Column:
    """A column of a resource pane: its title, and how to get its value from a list summary."""

    key: str
    title: str
    width: int | None = None


_EPOCH_SUFFIX = re.compile(r"-\d{9,13}$")


def _job_label(stream: str, prefix: str) -> str:
    """``job/algo-1-1700000000`` -> ``algo-1``; ``job/i-0abc-1700000000/data-log`` -> ``i-0abc/data-log``."""
    rest = stream[len(prefix) :] if stream.startswith(prefix) else stream
    head, sep, tail = rest.partition("/")
    head = _EPOCH_SUFFIX.sub("", head)
    return f"{head}/{tail}" if sep else head


def _endpoint_label(stream: str, prefix: str) -> str:
    """``AllTraffic/i-0abc123`` stays as it is: variant and instance are both worth seeing."""
    return stream[len(prefix) :] if prefix and stream.startswith(prefix) else stream


@dataclass(frozen=True)
class ResourceKind:
    """One kind of SageMaker resource."""

    key: str  # "training"
    title: str  # "Training jobs"
    singular: str  # "training job"
    aliases: tuple[str, ...]
    list_op: str  # client method, e.g. "list_training_jobs"
    list_key: str  # "TrainingJobSummaries"
    name_field: str  # "TrainingJobName"
    arn_field: str  # "TrainingJobArn"
    status_field: str  # "TrainingJobStatus"
    statuses: tuple[str, ...]
    describe_op: str
    describe_param: str
    log_group_fmt: str  # "/aws/sagemaker/TrainingJobs" or "/aws/sagemaker/Endpoints/{name}"
    stream_prefix_fmt: str  # "{name}/" or ""
    label: Callable[[str, str], str]
    trail_resource_type: str  # CloudTrail resources[].type / ResourceType lookup value
    metrics_namespace: str
    in_progress: frozenset[str]
    list_sort_by: str = "CreationTime"
    columns: tuple[Column, ...] = ()
    extra_list_params: Mapping[str, Any] = field(default_factory=dict)
    #: the summary field where the job ended (duration column); empty for endpoints
    end_field: str = ""
    #: "ml.p4d.24xlarge x4" (jobs) or "AllTraffic 2/2" (endpoints), from the Describe response
    instances_of: Callable[[Mapping[str, Any]], str] | None = None
    #: the Describe field of when it started (its logs begin about then); CreationTime when none is said
    start_field: str = ""
    #: how many instances it runs on (each logs to its own streams), from the Describe response
    instance_count: Callable[[Mapping[str, Any]], int | None] | None = None
    #: the source labels its instances log as, numbered from 1 ("algo-{n}"); "" when they are not
    #: predictable (instance ids): then only how many are missing is said
    host_label_fmt: str = ""

    def log_group(self, name: str) -> str:
        return self.log_group_fmt.format(name=name)

    def stream_prefix(self, name: str) -> str:
        """DescribeLogStreams prefix for this resource's streams.

        Ends with ``/`` for jobs, so ``train`` never picks up ``train-2``'s streams.
        """
        return self.stream_prefix_fmt.format(name=name)

    def owns_stream(self, name: str, stream: str) -> bool:
        """True when ``stream`` belongs to resource ``name`` (guards against prefix collisions)."""
        prefix = self.stream_prefix(name)
        return stream.startswith(prefix) if prefix else True

    def source_label(self, name: str, stream: str) -> str:
        return self.label(stream, self.stream_prefix(name))

    def list_params(self, max_results: int = 100) -> dict[str, Any]:
        """List parameters; SortBy/SortOrder are always sent because the defaults differ per API."""
        return {
            "MaxResults": max_results,
            "SortBy": self.list_sort_by,
            "SortOrder": "Descending",
            **self.extra_list_params,
        }

    def is_in_progress(self, status: str | None) -> bool:
        return bool(status) and status in self.in_progress

    def name_of(self, summary: Mapping[str, Any]) -> str:
        return str(summary.get(self.name_field, ""))

    def status_of(self, summary: Mapping[str, Any]) -> str:
        return str(summary.get(self.status_field, ""))

    def row_values(
        self, summary: Mapping[str, Any], describe: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Raw column values of one row (uncleaned): name, status, secondary, created, modified,
        ended, instances/variants, reason. ``describe`` fills what the list summary lacks."""
        merged: Mapping[str, Any] = {**describe, **summary} if describe else summary
        instances = self.instances_of(describe) if (describe and self.instances_of) else None
        status = self.status_of(summary)
        # ExitMessage is the container's last words: a reason only when the job did not succeed
        reason = merged.get("FailureReason") or (merged.get("ExitMessage") if status in BAD else "") or ""
        return {
            "name": self.name_of(summary),
            "status": status,
            "secondary": merged.get("SecondaryStatus") or "",
            "created": summary.get("CreationTime"),
            "modified": summary.get("LastModifiedTime") or merged.get("LastModifiedTime"),
            "ended": merged.get(self.end_field) if self.end_field else None,
            "instances": instances,
            "variants": instances,
            "reason": reason,
        }


def _times(instance_type: Any, count: Any) -> str:
    if not instance_type:
        return ""
    return f"{instance_type} x{count}" if count else str(instance_type)


def _training_instances(d: Mapping[str, Any]) -> str:
    rc = d.get("ResourceConfig") or {}
    groups = rc.get("InstanceGroups") or []
    if groups:
        return ", ".join(_times(g.get("InstanceType"), g.get("InstanceCount")) for g in groups)
    return _times(rc.get("InstanceType"), rc.get("InstanceCount"))


def _processing_instances(d: Mapping[str, Any]) -> str:
    cc = (d.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    return _times(cc.get("InstanceType"), cc.get("InstanceCount"))


def _transform_instances(d: Mapping[str, Any]) -> str:
    tr = d.get("TransformResources") or {}
    return _times(tr.get("InstanceType"), tr.get("InstanceCount"))


def _count(value: Any) -> int | None:
    return int(value) if value else None


def _training_count(d: Mapping[str, Any]) -> int | None:
    rc = d.get("ResourceConfig") or {}
    if rc.get("InstanceGroups"):
        return sum(int(g.get("InstanceCount") or 0) for g in rc["InstanceGroups"]) or None
    return _count(rc.get("InstanceCount"))


def _processing_count(d: Mapping[str, Any]) -> int | None:
    return _count(((d.get("ProcessingResources") or {}).get("ClusterConfig") or {}).get("InstanceCount"))


def _transform_count(d: Mapping[str, Any]) -> int | None:
    return _count((d.get("TransformResources") or {}).get("InstanceCount"))


def _endpoint_variants(d: Mapping[str, Any]) -> str:
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


_JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
_COMMON_COLUMNS = (
    Column("name", "NAME"),
    Column("status", "STATUS", 12),
    Column("created", "CREATED", 10),
    Column("duration", "DURATION", 10),
)

ENDPOINT = ResourceKind(
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
    ),
    describe_op="describe_endpoint",
    describe_param="EndpointName",
    log_group_fmt="/aws/sagemaker/Endpoints/{name}",
    stream_prefix_fmt="",
    label=_endpoint_label,
    trail_resource_type="AWS::SageMaker::Endpoint",
    metrics_namespace="AWS/SageMaker",
    in_progress=frozenset({"Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"}),
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS", 12),
        Column("created", "CREATED", 10),
        Column("modified", "MODIFIED", 10),
        Column("variants", "VARIANTS"),
        Column("reason", "REASON"),
    ),
    instances_of=_endpoint_variants,
)

TRAINING = ResourceKind(
    key="training",
    title="Training jobs",
    singular="training job",
    aliases=("training", "train", "tj", "trainingjobs", "training-jobs"),
    list_op="list_training_jobs",
    list_key="TrainingJobSummaries",
    name_field="TrainingJobName",
    arn_field="TrainingJobArn",
    status_field="TrainingJobStatus",
    statuses=_JOB_STATUSES + ("Deleting",),
    describe_op="describe_training_job",
    describe_param="TrainingJobName",
    log_group_fmt="/aws/sagemaker/TrainingJobs",
    stream_prefix_fmt="{name}/",
    label=_job_label,
    trail_resource_type="AWS::SageMaker::TrainingJob",
    metrics_namespace="/aws/sagemaker/TrainingJobs",
    in_progress=frozenset({"InProgress", "Stopping"}),
    columns=_COMMON_COLUMNS + (Column("instances", "INSTANCES"), Column("reason", "REASON")),
    end_field="TrainingEndTime",
    instances_of=_training_instances,
    start_field="TrainingStartTime",
    instance_count=_training_count,
    host_label_fmt="algo-{n}",
)

PROCESSING = ResourceKind(
    key="processing",
    title="Processing jobs",
    singular="processing job",
    aliases=("processing", "proc", "pj", "processingjobs", "processing-jobs"),
    list_op="list_processing_jobs",
    list_key="ProcessingJobSummaries",
    name_field="ProcessingJobName",
    arn_field="ProcessingJobArn",
    status_field="ProcessingJobStatus",
    statuses=_JOB_STATUSES,
    describe_op="describe_processing_job",
    describe_param="ProcessingJobName",
    log_group_fmt="/aws/sagemaker/ProcessingJobs",
    stream_prefix_fmt="{name}/",
    label=_job_label,
    trail_resource_type="AWS::SageMaker::ProcessingJob",
    metrics_namespace="/aws/sagemaker/ProcessingJobs",
    in_progress=frozenset({"InProgress", "Stopping"}),
    columns=_COMMON_COLUMNS + (Column("instances", "INSTANCES"), Column("reason", "REASON")),
    end_field="ProcessingEndTime",
    instances_of=_processing_instances,
    start_field="ProcessingStartTime",
    instance_count=_processing_count,
    host_label_fmt="algo-{n}",
)

TRANSFORM = ResourceKind(
    key="transform",
    title="Transform jobs",
    singular="transform job",
    aliases=("transform", "batch", "xf", "transformjobs", "transform-jobs"),
    list_op="list_transform_jobs",
    list_key="TransformJobSummaries",
    name_field="TransformJobName",
    arn_field="TransformJobArn",
    status_field="TransformJobStatus",
    statuses=_JOB_STATUSES,
    describe_op="describe_transform_job",
    describe_param="TransformJobName",
    log_group_fmt="/aws/sagemaker/TransformJobs",
    stream_prefix_fmt="{name}/",
    label=_job_label,
    trail_resource_type="AWS::SageMaker::TransformJob",
    metrics_namespace="/aws/sagemaker/TransformJobs",
    in_progress=frozenset({"InProgress", "Stopping"}),
    columns=_COMMON_COLUMNS + (Column("instances", "INSTANCES"), Column("reason", "REASON")),
    end_field="TransformEndTime",
    instances_of=_transform_instances,
    start_field="TransformStartTime",
    instance_count=_transform_count,
)

#: Every kind, in pane order (number keys 1..4).
KINDS: tuple[ResourceKind, ...] = (ENDPOINT, TRAINING, PROCESSING, TRANSFORM)
BY_KEY: dict[str, ResourceKind] = {k.key: k for k in KINDS}


def kind_for(word: str) -> ResourceKind | None:
    """The kind named by ``word`` (its key or any alias, case-insensitive), or ``None``."""
    w = word.strip().lower()
    for kind in KINDS:
        if w == kind.key or w in kind.aliases:
            return kind
    return None
