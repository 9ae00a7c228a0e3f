"""Status timelines: the steps of a resource's life and the SecondaryStatusTransitions they make (shared by
the lifecycles and the seed's history, so both tell time the same way)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

TERMINAL = frozenset({"Completed", "Failed", "Stopped"})


def utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


@dataclass
class Step:
    """``status`` from epoch second ``at`` (with SageMaker's StatusMessage for it)."""

    status: str
    at: float
    message: str = ""


def transitions(steps: list[Step]) -> list[dict[str, Any]]:
    """SecondaryStatusTransitions of the steps taken: each ends where the next begins; a terminal one
    starts and ends at once; the current one has no EndTime."""
    out: list[dict[str, Any]] = []
    for i, step in enumerate(steps):
        item: dict[str, Any] = {
            "Status": step.status,
            "StartTime": utc(step.at),
            "StatusMessage": step.message,
        }
        if i + 1 < len(steps):
            item["EndTime"] = utc(steps[i + 1].at)
        elif step.status in TERMINAL:
            item["EndTime"] = utc(step.at)
        out.append(item)
    return out


def job_fields(
    kind: str,
    steps: list[Step],
    *,
    metrics: list[tuple[str, float]] | tuple[()] = (),
    failure: str = "",
    exit_message: str | None = None,
    spot: bool = False,
    billable: int | None = None,
) -> dict[str, Any]:
    """The Describe fields of a ``kind`` job whose steps so far are ``steps`` (the last is where it is).

    Training: TrainingStartTime is when the instances are up (Downloading begins), TrainingEndTime when it
    ends; Training/BillableTimeInSeconds are the seconds between (managed spot bills about a third, unless
    ``billable`` says). Processing and transform jobs start with their work phase."""
    step = steps[-1]
    at = utc(step.at)
    status = step.status
    api = status if status in TERMINAL or status == "Stopping" else "InProgress"

    def first(name: str) -> float | None:
        return next((s.at for s in steps if s.status == name), None)

    fields: dict[str, Any] = {"LastModifiedTime": at}
    if kind == "training":
        fields.update(
            TrainingJobStatus=api, SecondaryStatus=status, SecondaryStatusTransitions=transitions(steps)
        )
        began = first("Downloading")
        if began is not None:
            fields["TrainingStartTime"] = utc(began)
        if status in TERMINAL:
            seconds = max(1, int(step.at - (began if began is not None else step.at)))
            fields.update(
                TrainingEndTime=at,
                TrainingTimeInSeconds=seconds,
                BillableTimeInSeconds=billable or (max(1, int(seconds * 0.35)) if spot else seconds),
            )
            if status == "Completed" and metrics:
                fields["FinalMetricDataList"] = [
                    {"MetricName": n, "Value": v, "Timestamp": at} for n, v in metrics
                ]
    elif kind == "processing":
        fields["ProcessingJobStatus"] = api
        began = first("Processing")
        if began is not None:
            fields["ProcessingStartTime"] = utc(began)
        if status in TERMINAL:
            fields["ProcessingEndTime"] = at
            fields["ExitMessage"] = (
                exit_message or {"Completed": "Completed", "Failed": failure}.get(status) or None
            )
    else:
        fields["TransformJobStatus"] = api
        began = first("Transforming")
        if began is not None:
            fields["TransformStartTime"] = utc(began)
        if status in TERMINAL:
            fields["TransformEndTime"] = at
    if status == "Failed" and failure:
        fields["FailureReason"] = failure
    return fields
