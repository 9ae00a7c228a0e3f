"""A hyperparameter tuning job's detail sections: the search (strategy, objective, limits), its training jobs by
status and by objective, the best training job and the hyperparameters it was given, the ranges searched and
the training job definition (``o`` lists the training jobs themselves)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.aws.kinds.tuning import counts, objective
from smtui.screens.details.parts import grid, section, table


def _ranges(config: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for kind, group in (config.get("ParameterRanges") or {}).items():
        for r in group or []:
            span = ", ".join(r.get("Values") or []) or f"{r.get('MinValue')} .. {r.get('MaxValue')}"
            rows.append(
                (r.get("Name"), kind.removesuffix("ParameterRanges"), span, r.get("ScalingType") or "")
            )
    return rows


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    config = d.get("HyperParameterTuningJobConfig") or {}
    limits = config.get("ResourceLimits") or {}
    objectives = d.get("ObjectiveStatusCounters") or {}
    best = d.get("BestTrainingJob") or {}
    metric = best.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
    definition = d.get("TrainingJobDefinition") or {}
    resources = definition.get("ResourceConfig") or {}
    out = [
        section(
            "Tuning",
            grid(
                [
                    ("Strategy", config.get("Strategy")),
                    ("Objective", objective(d)),
                    ("Training jobs", counts(d) or "none yet"),
                    ("Objectives", ", ".join(f"{n} {k.lower()}" for k, n in objectives.items() if n) or None),
                    (
                        "At most",
                        f"{limits.get('MaxNumberOfTrainingJobs')} jobs, "
                        f"{limits.get('MaxParallelTrainingJobs')} at once"
                        if limits
                        else None,
                    ),
                    ("Early stopping", config.get("TrainingJobEarlyStoppingType")),
                    ("Ended", d.get("HyperParameterTuningEndTime")),
                ]
            ),
        ),  # fmt: skip
    ]
    if best:
        tuned = best.get("TunedHyperParameters") or {}
        out.append(
            section(
                "Best training job",
                grid(
                    [
                        ("Name", best.get("TrainingJobName")),
                        (str(metric.get("MetricName") or "Objective"), metric.get("Value")),
                        ("Status", best.get("TrainingJobStatus")),
                        ("Hyperparameters", ", ".join(f"{k}={v}" for k, v in sorted(tuned.items())) or None),
                    ]
                ),
            )
        )
    ranges = _ranges(config)
    if ranges:
        out.append(section("Ranges searched", table(["NAME", "TYPE", "RANGE", "SCALING"], ranges)))
    if definition:
        algo = definition.get("AlgorithmSpecification") or {}
        static = definition.get("StaticHyperParameters") or {}
        out.append(
            section(
                "Training job definition",
                grid(
                    [
                        ("Image", algo.get("TrainingImage")),
                        ("Instances", f"{resources.get('InstanceType')} x{resources.get('InstanceCount')}"
                                      if resources else None),
                        ("Static hyperparameters", ", ".join(f"{k}={v}" for k, v in sorted(static.items())) or None),
                        ("Output", (definition.get("OutputDataConfig") or {}).get("S3OutputPath")),
                    ]
                ),
            )
        )  # fmt: skip
    return out
