"""Hyperparameter tuning jobs: no logs of their own (their training jobs log, as any training job); the pane
shows the objective, the best training job and the training jobs by status (TrainingJobStatusCounters);
``o`` lists its training jobs (ListTrainingJobsForHyperParameterTuningJob), each opening as a training job."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import JOB_IN_PROGRESS, JOB_STATUSES, Children, Column, ResourceKind, dig


def objective(d: Mapping[str, Any]) -> str:
    """``Maximize validation:auc``."""
    obj = dig(d, "HyperParameterTuningJobConfig", "HyperParameterTuningJobObjective") or {}
    return " ".join(str(v) for v in (obj.get("Type"), obj.get("MetricName")) if v)


def best(d: Mapping[str, Any]) -> str:
    """``005-c897d511 = 0.9476``: the best training job (its name after the tuning job's) and its objective
    value."""
    b = d.get("BestTrainingJob")
    if not isinstance(b, Mapping) or not b.get("TrainingJobName"):
        return ""
    value = dig(b, "FinalHyperParameterTuningJobObjectiveMetric", "Value")
    # its jobs are named <tuning job>-<number>-<hash>: the number and hash say which
    name = str(b["TrainingJobName"]).removeprefix(f"{d.get('HyperParameterTuningJobName') or ''}-")
    return f"{name} = {value:g}" if isinstance(value, int | float) else name


def counts(d: Mapping[str, Any]) -> str:
    """``4 done · 2 running · 1 failed`` from TrainingJobStatusCounters (a retryable error is retried:
    only a non-retryable one failed the training job)."""
    c = d.get("TrainingJobStatusCounters")
    if not isinstance(c, Mapping):
        return ""
    parts = [
        (c.get("Completed"), "done"),
        (c.get("InProgress"), "running"),
        (c.get("NonRetryableError"), "failed"),
        (c.get("RetryableError"), "retried"),
        (c.get("Stopped"), "stopped"),
    ]
    text = " · ".join(f"{n} {word}" for n, word in parts if n)
    limit = dig(d, "HyperParameterTuningJobConfig", "ResourceLimits", "MaxNumberOfTrainingJobs")
    return f"{text} of {limit}" if text and limit else text


def row_extra(d: Mapping[str, Any]) -> dict[str, Any]:
    return {"objective": objective(d), "best": best(d), "jobs": counts(d)}


KIND = ResourceKind(
    key="tuning",
    title="Tuning jobs",
    singular="tuning job",
    aliases=("hpo", "tunings", "tuning-jobs", "tuningjobs", "hyperparameter-tuning"),
    list_op="list_hyper_parameter_tuning_jobs",
    list_key="HyperParameterTuningJobSummaries",
    name_field="HyperParameterTuningJobName",
    arn_field="HyperParameterTuningJobArn",
    status_field="HyperParameterTuningJobStatus",
    statuses=(*JOB_STATUSES, "Deleting", "DeleteFailed"),
    describe_op="describe_hyper_parameter_tuning_job",
    describe_param="HyperParameterTuningJobName",
    trail_resource_type="AWS::SageMaker::HyperParameterTuningJob",
    in_progress=JOB_IN_PROGRESS,
    bounded_logs=True,
    columns=(
        Column("name", "NAME"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("duration", "DURATION"),
        Column("objective", "OBJECTIVE"),
        Column("jobs", "TRAINING JOBS"),
        Column("best", "BEST"),
        Column("reason", "REASON"),
    ),
    end_field="HyperParameterTuningEndTime",
    row_extra=row_extra,
    children=Children(
        op="list_training_jobs_for_hyper_parameter_tuning_job",
        param="HyperParameterTuningJobName",
        list_key="TrainingJobSummaries",
        kind="training",
        title="Training jobs",
        list_params={"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 100},
    ),
    detail_module="smtui.screens.details.tuning",
)
