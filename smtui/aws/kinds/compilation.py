"""Compilation jobs (SageMaker Neo): ``/aws/sagemaker/CompilationJobs``, one stream named after the job.

ListCompilationJobs spells its statuses in capitals (``INPROGRESS``, ``COMPLETED``); its summaries carry the
target device or platform, which the pane shows in place of instances. No instance metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, ResourceKind


def target(d: Mapping[str, Any]) -> str:
    """``ml_c5``, or ``LINUX/ARM64/NVIDIA`` for a target platform."""
    device = d.get("CompilationTargetDevice") or (d.get("OutputConfig") or {}).get("TargetDevice")
    if device:
        return str(device)
    platform = d.get("CompilationTargetPlatformOs") and "/".join(
        str(d[k])
        for k in (
            "CompilationTargetPlatformOs",
            "CompilationTargetPlatformArch",
            "CompilationTargetPlatformAccelerator",
        )
        if d.get(k)
    )
    if platform:
        return platform
    p = (d.get("OutputConfig") or {}).get("TargetPlatform") or {}
    return "/".join(str(p[k]) for k in ("Os", "Arch", "Accelerator") if p.get(k))


def label(stream: str, prefix: str) -> str:
    """The job's one stream is labelled ``job``; anything under it by what follows the job's name."""
    return stream[len(prefix) :].lstrip("/") or "job"


KIND = ResourceKind(
    key="compilation",
    title="Compilation jobs",
    singular="compilation job",
    aliases=("compilation", "compilations", "neo", "cj", "compilationjobs", "compilation-jobs"),
    list_op="list_compilation_jobs",
    list_key="CompilationJobSummaries",
    name_field="CompilationJobName",
    arn_field="CompilationJobArn",
    status_field="CompilationJobStatus",
    statuses=("INPROGRESS", "COMPLETED", "FAILED", "STARTING", "STOPPING", "STOPPED"),
    describe_op="describe_compilation_job",
    describe_param="CompilationJobName",
    trail_resource_type="AWS::SageMaker::CompilationJob",
    in_progress=frozenset({"INPROGRESS", "STARTING", "STOPPING"}),
    log_group_fmt="/aws/sagemaker/CompilationJobs",
    stream_prefix_fmt="{name}",
    label=label,
    bounded_logs=True,
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("duration", "DURATION"),
        Column("instances", "TARGET"),
        Column("reason", "REASON"),
    ),
    start_field="CompilationStartTime",
    end_field="CompilationEndTime",
    instances_of=target,
)
