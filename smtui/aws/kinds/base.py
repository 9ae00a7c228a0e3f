"""What a kind of SageMaker resource is, to smtui: how to list and describe it, its statuses and columns, where
its CloudWatch logs live (the developer guide's "CloudWatch Logs for Amazon SageMaker AI" table), and optional
hooks with generic defaults: how many instances it runs, when it started and ended, its metrics plan, the
other Describe calls its detail screen makes, its detail sections, its children. No Textual here.

Each kind is one module of this package; :mod:`smtui.aws.resources` is the registry that lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Statuses by colour class, used by every pane.
GOOD = frozenset({"Completed", "InService", "Succeeded", "Running", "Ready", "COMPLETED"})
BAD = frozenset({"Failed", "UpdateRollbackFailed", "OutOfService", "RollingBack", "RollbackFailed", "FAILED"})
ACTIVE = frozenset(
    {"InProgress", "Creating", "Updating", "SystemUpdating", "Stopping", "Deleting", "Pending", "Starting",
     "Initializing", "PENDING", "IN_PROGRESS", "STOPPING", "DELETING"}
)  # fmt: skip
STOPPED = frozenset({"Stopped", "Deleted", "STOPPED", "DELETED"})

Summary = Mapping[str, Any]


def _norm(status: str) -> str:
    return status.replace("_", "").upper()


_GOOD, _BAD, _ACTIVE, _STOPPED = ({_norm(x) for x in group} for group in (GOOD, BAD, ACTIVE, STOPPED))


def is_bad(status: str) -> bool:
    """A failed status, whatever its API's spelling (``Failed``, ``FAILED``)."""
    return _norm(status) in _BAD


def status_style(status: str) -> str:
    """The colour of a status; the same for every API's spelling (``InProgress``, ``INPROGRESS``)."""
    norm = _norm(status)
    if norm in _GOOD:
        return "green"
    if norm in _BAD:
        return "bold red"
    if norm in _ACTIVE:
        return "yellow"
    if norm in _STOPPED:
        return "magenta"
    return "dim"


@dataclass(frozen=True)
class Column:
    """A column of a resource pane: its key in :meth:`ResourceKind.row_values`, and its title."""

    key: str
    title: str
    width: int | None = None


@dataclass(frozen=True)
class Related:
    """Another Describe call a detail screen makes: ``op`` with ``param`` taken from the resource's Describe
    field ``source`` (DescribeEndpointConfig with EndpointConfigName)."""

    op: str
    param: str
    source: str
    title: str


_EPOCH_SUFFIX = re.compile(r"-\d{9,13}$")


def job_label(stream: str, prefix: str) -> str:
    """``job/algo-1-1700000000`` -> ``algo-1``; ``job/i-0abc-1700000000/data-log`` -> ``i-0abc/data-log``."""
    rest = stream[len(prefix) :] if stream.startswith(prefix) else stream
    head, sep, tail = rest.partition("/")
    head = _EPOCH_SUFFIX.sub("", head)
    return f"{head}/{tail}" if sep else head


def plain_label(stream: str, prefix: str) -> str:
    """The stream name after the resource's prefix (``AllTraffic/i-0abc123`` for an endpoint)."""
    return stream[len(prefix) :] if prefix and stream.startswith(prefix) else stream


def times(instance_type: Any, count: Any) -> str:
    """``ml.p4d.24xlarge x4``."""
    if not instance_type:
        return ""
    return f"{instance_type} x{count}" if count else str(instance_type)


def count(value: Any) -> int | None:
    """An instance count from a Describe field; None when it does not say."""
    return int(value) if value else None


def dig(d: Mapping[str, Any], *path: str) -> Any:
    """``d[a][b][c]``, or ``None`` where a level is missing or not a mapping."""
    value: Any = d
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


@dataclass(frozen=True)
class Children:
    """The resources another one started, listed by its own call: a tuning job's training jobs
    (ListTrainingJobsForHyperParameterTuningJob with HyperParameterTuningJobName, answers in
    TrainingJobSummaries). ``kind`` is the key of the children's kind: each child opens as one of it."""

    op: str
    param: str
    list_key: str
    kind: str
    title: str
    list_params: Mapping[str, Any] = field(default_factory=dict)


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
    trail_resource_type: str  # CloudTrail resources[].type / ResourceType lookup value
    in_progress: frozenset[str]
    #: "/aws/sagemaker/TrainingJobs" or "/aws/sagemaker/Endpoints/{name}"; "" for a kind without logs
    log_group_fmt: str = ""
    #: DescribeLogStreams prefix: "{name}/" for jobs, "" for endpoints (a group of their own), "{name}" for
    #: a kind with one stream named after it (then ``name-2``'s streams are not its own)
    stream_prefix_fmt: str = ""
    label: Callable[[str, str], str] = plain_label
    #: a job's logs end with it (history up to its end, a follow only while it runs); an endpoint's go on
    bounded_logs: bool = False
    #: statuses, beside the in-progress ones, in which it keeps logging (an InService endpoint), so its log
    #: view follows from the start
    live_statuses: frozenset[str] = frozenset()
    #: its logs carry health checks (an endpoint's ``GET /ping``), hidden unless asked for
    health_checks: bool = False
    #: how far back a log view of a resource that does not end starts, in seconds (an endpoint's last
    #: hour); ``None``: its whole history (a notebook's or a cluster's few lines)
    log_window: float | None = 3600.0
    #: the CloudWatch namespace of its instance metrics ("" for none)
    metrics_namespace: str = ""
    #: how its metrics are queried: "hosts" (``<name>/algo-N``), "discovered-hosts" (ListMetrics),
    #: "variants" (an endpoint's), or "" for none; and which instance metrics it publishes
    metrics_plan: str = ""
    metric_names: tuple[str, ...] = ()
    list_sort_by: str = "CreationTime"
    columns: tuple[Column, ...] = ()
    extra_list_params: Mapping[str, Any] = field(default_factory=dict)
    #: the Describe fields where it started and ended ("" when it has no such time)
    start_field: str = ""
    end_field: str = ""
    #: "ml.p4d.24xlarge x4" (jobs) or "AllTraffic 2/2" (endpoints), from the Describe response
    instances_of: Callable[[Mapping[str, Any]], str] | None = None
    #: how many instances it runs (metrics hosts, expected log streams), from the Describe response
    instance_count: Callable[[Mapping[str, Any]], int | None] | None = None
    #: the source labels its instances log as, numbered from 1 ("algo-{n}"); "" when they are not
    #: predictable (instance ids): then only how many are missing is said
    host_label_fmt: str = ""
    #: how many leading parts of a source label name its instance (``algo-1``; ``AllTraffic/i-0abc`` of an
    #: endpoint, whose streams go on with ``/data-log`` or an inference pipeline's ``/[container-name]``)
    host_parts: int = 1
    #: other Describe calls its detail screen shows
    related: tuple[Related, ...] = ()
    #: the module with its detail sections (``sections(describe, related) -> [renderable]``); ``""``: the
    #: generic detail (overview and the structured Describe JSON)
    detail_module: str = ""
    #: the main screen's number key for its pane ("" : reached with ``:`` and the palette, or a keymap)
    pane_key: str = ""
    #: requests per second its List call may make (AWS's quota; 2/s for SageMaker's List calls)
    list_rate: float = 2.0
    #: the resources it starts, listed by a call of their own (a tuning job's training jobs); None: none
    children: Children | None = None
    #: more raw column values from the merged summary and Describe (``{"objective": ...}``), for columns
    #: the generic row lacks
    row_extra: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    #: the server-side filters its List call takes ("status": StatusEquals, "name": NameContains,
    #: "created": CreationTimeAfter, "modified": LastModifiedTimeAfter, which an incremental refresh of a
    #: long listing sends); the others are applied to the rows
    list_filters: frozenset[str] = frozenset({"status", "name", "created", "modified"})
    #: the Describe call's parameters for a row's name; default ``{describe_param: name}``. A kind whose
    #: identity is more than a name (a Studio app: domain, profile, type, name) names its rows with all of
    #: it and splits that here.
    describe_params_of: Callable[[str], dict[str, Any]] | None = None
    #: the row's name from a List summary, for a kind whose name is more than one field (a Studio app's is
    #: ``domain/user-profile/app-type/app-name``, its log stream's name). ``None``: ``summary[name_field]``
    name_from: Callable[[Summary], str] | None = None
    #: the Describe field that says why it failed (a HyperPod cluster's is FailureMessage)
    failure_field: str = "FailureReason"
    #: a log group that needs the Describe answer to be named (a HyperPod cluster's carries its id):
    #: ``(name, describe) -> group``; ``None``: ``log_group_fmt`` with the name
    log_group_of: Callable[[str, Mapping[str, Any] | None], str] | None = None

    # ------------------------------------------------------------------ logs
    @property
    def has_logs(self) -> bool:
        return bool(self.log_group_fmt)

    def log_group(self, name: str, describe: Mapping[str, Any] | None = None) -> str:
        """The resource's log group; a kind with ``log_group_of`` names it from its Describe answer."""
        if self.log_group_of is not None:
            return self.log_group_of(name, describe)
        return self.log_group_fmt.format(name=name)

    @property
    def log_group_needs_describe(self) -> bool:
        return self.log_group_of is not None

    def stream_prefix(self, name: str) -> str:
        """DescribeLogStreams prefix for this resource's streams.

        Ends with ``/`` for jobs, so ``train`` never picks up ``train-2``'s streams.
        """
        return self.stream_prefix_fmt.format(name=name)

    def owns_stream(self, name: str, stream: str) -> bool:
        """True when ``stream`` belongs to resource ``name`` (guards against prefix collisions): a prefix
        without a trailing ``/`` is a stream name of its own (a labeling job's stream ``[job]``), owned
        whole or as ``[job]/...``."""
        prefix = self.stream_prefix(name)
        if not prefix:
            return True  # a log group of its own
        if prefix.endswith("/"):
            return stream.startswith(prefix)
        # a prefix that is the name itself (a compilation job's one stream): that stream, or its "folder"
        return stream == prefix or stream.startswith(prefix + "/")

    def source_label(self, name: str, stream: str) -> str:
        return self.label(stream, self.stream_prefix(name))

    # ------------------------------------------------------------------ calls
    def list_params(self, max_results: int = 100) -> dict[str, Any]:
        """List parameters; SortBy/SortOrder are always sent because the defaults differ per API."""
        return {
            "MaxResults": max_results,
            "SortBy": self.list_sort_by,
            "SortOrder": "Descending",
            **self.extra_list_params,
        }

    def describe_params(self, name: str, summary: Summary | None = None) -> dict[str, Any]:
        """The Describe call's parameters for the resource called ``name`` in its pane (``summary``, its List
        summary where known, for a kind that needs more than the name: a Studio app of a space)."""
        if self.describe_params_of is not None:
            return self.describe_params_of(name)
        return {self.describe_param: name}

    @property
    def list_api(self) -> str:
        """``ListTrainingJobs`` (the IAM action's and the rate limiter's name)."""
        return _api(self.list_op)

    @property
    def describe_api(self) -> str:
        return _api(self.describe_op)

    @property
    def iam_actions(self) -> tuple[str, ...]:
        """The ``sagemaker:`` actions listing, describing and showing this kind need."""
        ops = (self.list_op, self.describe_op, *(r.op for r in self.related))
        if self.children is not None:
            ops = (*ops, self.children.op)
        return tuple(f"sagemaker:{_api(op)}" for op in ops)

    # ------------------------------------------------------------------ summaries
    def keeps_logging(self, status: str | None) -> bool:
        """Whether a resource in ``status`` is still writing logs (follow them by default)."""
        return self.is_in_progress(status) or (status or "") in self.live_statuses

    def is_in_progress(self, status: str | None) -> bool:
        return bool(status) and status in self.in_progress

    def name_of(self, summary: Summary) -> str:
        if self.name_from is not None:
            return self.name_from(summary)
        return str(summary.get(self.name_field, ""))

    def status_of(self, summary: Summary) -> str:
        return str(summary.get(self.status_field, ""))

    def instances(self, describe: Mapping[str, Any]) -> int:
        """How many instances it runs (1 when the kind cannot say)."""
        return max(1, (self.instance_count(describe) or 1) if self.instance_count else 1)

    def row_values(self, summary: Summary, describe: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Raw column values of one row (uncleaned): name, status, secondary, created, modified,
        ended, instances/variants, reason. ``describe`` fills what the list summary lacks."""
        merged: Mapping[str, Any] = {**describe, **summary} if describe else summary
        instances = self.instances_of(describe) if (describe and self.instances_of) else None
        status = self.status_of(summary)
        # ExitMessage is the container's last words: a reason only when the job did not succeed
        reason = merged.get(self.failure_field) or (merged.get("ExitMessage") if is_bad(status) else "") or ""
        extra = self.row_extra(merged) if self.row_extra else {}
        return {
            **extra,
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


def _api(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


#: the instance metrics of a job's hosts (developer guide: "SageMaker AI Metrics and Dimensions")
JOB_METRICS = (
    "CPUUtilization",
    "MemoryUtilization",
    "GPUUtilization",
    "GPUMemoryUtilization",
    "DiskUtilization",
)
JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
JOB_IN_PROGRESS = frozenset({"InProgress", "Stopping"})
JOB_COLUMNS = (
    Column("name", "NAME"),
    Column("status", "STATUS"),
    Column("created", "CREATED"),
    Column("duration", "DURATION"),
    Column("instances", "INSTANCES"),
    Column("reason", "REASON"),
)
